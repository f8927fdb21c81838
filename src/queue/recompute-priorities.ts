import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { PRIORITY_WEIGHTS as W, QUEUE_CONFIG } from './queue-config'

// Priority is recomputed in one set-wise statement, never row by row: for given items when
// their inputs change, and for every open item as time passes (urgency and age move). Only
// rows whose class or score moved are written; a class change is an event on the item.

const OPEN = sql.raw(`('resolved', 'wont_fix')`)

/** Recomputes priority for `itemIds`, or for every open item; returns rows written and class changes. */
export async function recomputePriorities(db: Db, now: Date, itemIds?: number[]): Promise<{ updated: number; classChanges: number }> {
  if (itemIds && itemIds.length === 0) return { updated: 0, classChanges: 0 }
  const at = sql`${now.toISOString()}::timestamptz`
  const only: SQL = itemIds ? sql`and i.id = any(array[${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)}]::int[])` : sql``
  const planPoints = sql.raw(
    `case coalesce(o.plan, 'free') ${Object.entries(W.plan)
      .map(([plan, points]) => `when '${plan}' then ${Number(points)}`)
      .join(' ')} else 0 end`,
  )
  const [row] = await queryRows<{ updated: number; class_changes: number }>(
    db,
    sql`
      with inputs as (
        select i.id, i.priority_class as old_class, i.priority_factors is null as first_time, i.kind, i.severity, i.state, i.flagged_at, i.breached,
          coalesce(o.plan, 'free') as plan, coalesce(o.mrr_cents, 0) as mrr_cents,
          coalesce(o.is_priority, false) as is_priority, coalesce(o.is_trial, false) as is_trial,
          i.affected_customers,
          (select count(*) from queue_item_customers c
           where c.item_id = i.id and c.added_at >= ${at} - make_interval(hours => ${QUEUE_CONFIG.incidentWindowHours}))::int as recent_customers,
          coalesce(t.upvote_count, 0) + coalesce(t.me_too_count, 0) as votes, coalesce(t.view_count, 0) as views,
          i.created_at,
          least(case when i.first_response_at is null then i.first_response_due_at end, i.next_response_due_at, i.resolution_due_at) as due_at,
          ${planPoints} as plan_points
        from queue_items i
        left join organisations o on o.id = i.organisation_id
        left join threads t on t.id = i.thread_id
        where i.state not in ${OPEN} ${only}),
      classed as (
        select inputs.*,
          case
            when kind = 'incident' then 0
            when kind = 'bug' and recent_customers >= ${QUEUE_CONFIG.incidentCustomers} then 0
            when flagged_at is not null then 1
            when is_priority or is_trial or severity = 'critical' then 2
            when plan <> 'free' or kind = 'billing' or severity = 'high' then 3
            else 4
          end as new_class,
          case
            when kind = 'incident' then 'incident'
            when kind = 'bug' and recent_customers >= ${QUEUE_CONFIG.incidentCustomers}
              then recent_customers || ' customers reported this bug within ${sql.raw(String(QUEUE_CONFIG.incidentWindowHours))} h'
            when flagged_at is not null then 'flagged by sales or customer success'
            when is_priority then 'priority organisation'
            when is_trial then 'organisation on a trial'
            when severity = 'critical' then 'critical severity'
            when plan in ('paid', 'enterprise') then 'paying customer (' || plan || ' plan)'
            when plan = 'startup' then 'startup plan'
            when kind = 'billing' then 'billing problem'
            when severity = 'high' then 'high severity'
            else 'community question (free plan)'
          end as class_reason,
          round((case
            when state = 'waiting_on_customer' or due_at is null then 0
            when due_at <= ${at} then ${W.urgency}
            else ${W.urgency} * greatest(0, 1 - extract(epoch from due_at - ${at}) / 60 / ${W.urgencyHorizonMinutes})
          end)::numeric, 2)::float8 as urgency,
          (case when cardinality(breached) > 0 or (state <> 'waiting_on_customer' and due_at <= ${at}) then ${W.breached} else 0 end)::float8 as breached_points,
          round((${W.affectedCustomers} * ln(1 + affected_customers))::numeric, 2)::float8 as affected_points,
          plan_points::float8 as plan_points_f,
          round((${W.mrr} * log(1 + mrr_cents / 100.0))::numeric, 2)::float8 as mrr_points,
          round((${W.votes} * ln(1 + votes))::numeric, 2)::float8 as vote_points,
          round((${W.views} * ln(1 + views))::numeric, 2)::float8 as view_points,
          round((${W.agePerDay} * least(${W.ageCapDays}, extract(epoch from ${at} - created_at) / 86400))::numeric, 2)::float8 as age_points
        from inputs),
      computed as (
        select id, old_class, first_time, new_class, class_reason, urgency, breached_points, affected_points, plan_points_f, mrr_points,
          vote_points, view_points, age_points,
          round((urgency + breached_points + affected_points + plan_points_f + mrr_points + vote_points + view_points + age_points)::numeric, 2)::real as score
        from classed),
      changed as (
        update queue_items q set
          priority_class = c.new_class,
          priority_score = c.score,
          priority_factors = jsonb_build_object(
            'classReason', c.class_reason, 'urgency', c.urgency, 'breached', c.breached_points,
            'affectedCustomers', c.affected_points, 'plan', c.plan_points_f, 'mrr', c.mrr_points,
            'votes', c.vote_points, 'views', c.view_points, 'age', c.age_points)
        from computed c
        where q.id = c.id and (q.priority_class, q.priority_score, q.priority_factors->>'classReason')
          is distinct from (c.new_class::smallint, c.score, c.class_reason)
        returning q.id, c.old_class, c.first_time, c.new_class, c.class_reason),
      class_events as (
        insert into queue_item_events (item_id, kind, actor_id, data, created_at)
        select id, 'priority_changed', null,
          jsonb_build_object('from', 'P' || old_class, 'to', 'P' || new_class, 'reason', class_reason), ${at}
        -- An item's first class is part of its creation, not a change.
        from changed where old_class <> new_class and not first_time
        returning 1)
      select (select count(*) from changed)::int as updated, (select count(*) from class_events)::int as class_changes`,
  )
  return { updated: row?.updated ?? 0, classChanges: row?.class_changes ?? 0 }
}
