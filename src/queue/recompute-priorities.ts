import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { PRIORITY_WEIGHTS as W, QUEUE_CONFIG } from './queue-config'

// Priority is recomputed in one set-wise statement, never row by row: for given items when
// their inputs change, and for every open item as time passes (urgency and age move). Only
// rows whose class, score or reason moved are written (to the narrow queue_priorities table);
// a class change is an event on the item. Arithmetic stays in float8 (date_part, not extract,
// which returns numeric): over 100k rows the numeric version cost about 240 ms more.
//
// It also keeps the board's sort key whole: copies of whether the item is open and who holds it
// (queue_priorities.open, .assignee_id), beside class and score, so the board reads its first
// page straight from queue_priorities_board_idx. Every writer of an item's state (moveItem) or
// assignee (assignItem, routing, the SLA tick) calls this in the same transaction, so the copy
// changes when the item does; the periodic full run also repairs any copy that drifted.

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
  const windowStart = sql`${at} - make_interval(hours => ${QUEUE_CONFIG.incidentWindowHours})`
  const round2 = (expression: SQL) => sql`(round((${expression})::float8 * 100) / 100)`
  const [row] = await queryRows<{ updated: number; class_changes: number }>(
    db,
    sql`
      with recent as (
        select c.item_id, count(*)::int as n from queue_item_customers c
        where c.added_at >= ${windowStart} ${itemIds ? sql`and c.item_id = any(array[${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)}]::int[])` : sql``}
        group by c.item_id),
      inputs as (
        select i.id, p.priority_class as old_class, p.score as old_score, p.reason as old_reason,
          p.open as old_open, p.assignee_id as old_assignee, i.assignee_id,
          p.item_id is null as first_time, i.kind, i.severity, i.state, i.flagged_at, i.breached,
          coalesce(o.plan, 'free') as plan, coalesce(o.mrr_cents, 0) as mrr_cents,
          coalesce(o.is_priority, false) as is_priority, coalesce(o.is_trial, false) as is_trial,
          i.affected_customers, coalesce(r.n, 0) as recent_customers,
          coalesce(t.upvote_count, 0) + coalesce(t.me_too_count, 0) as votes, coalesce(t.view_count, 0) as views,
          i.created_at,
          least(case when i.first_response_at is null then i.first_response_due_at end, i.next_response_due_at, i.resolution_due_at) as due_at,
          ${planPoints} as plan_points
        from queue_items i
        left join organisations o on o.id = i.organisation_id
        left join threads t on t.id = i.thread_id
        left join recent r on r.item_id = i.id
        left join queue_priorities p on p.item_id = i.id
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
          ${round2(sql`case
            when state = 'waiting_on_customer' or due_at is null then 0
            when due_at <= ${at} then ${W.urgency}
            else ${W.urgency} * greatest(0, 1 - date_part('epoch', due_at - ${at}) / 60 / ${W.urgencyHorizonMinutes})
          end`)} as urgency,
          (case when cardinality(breached) > 0 or (state <> 'waiting_on_customer' and due_at <= ${at}) then ${W.breached} else 0 end)::float8 as breached_points,
          ${round2(sql`${W.affectedCustomers} * ln(1 + affected_customers::float8)`)} as affected_points,
          plan_points::float8 as plan_points_f,
          ${round2(sql`${W.mrr} * log(1 + mrr_cents::float8 / 100)`)} as mrr_points,
          ${round2(sql`${W.votes} * ln(1 + votes::float8)`)} as vote_points,
          ${round2(sql`${W.views} * ln(1 + views::float8)`)} as view_points,
          ${round2(sql`${W.agePerDay} * least(${W.ageCapDays}, date_part('epoch', ${at} - created_at) / 86400)`)} as age_points
        from inputs),
      -- Materialised so that each row's factors are computed once, not once per use below.
      computed as materialized (
        select id, old_class, old_score, old_reason, old_open, old_assignee, assignee_id, first_time, new_class, class_reason, urgency, breached_points, affected_points,
          plan_points_f, mrr_points, vote_points, view_points, age_points,
          (round((urgency + breached_points + affected_points + plan_points_f + mrr_points + vote_points + view_points + age_points) * 100) / 100)::real as score
        from classed),
      -- Rows that exist are updated in place (cheaper than an upsert); an item's first priority
      -- is inserted. Only rows whose key moved are written: the board's index holds class and
      -- score, so a write is no longer HOT, and most rows of a periodic run keep their score.
      updated as (
        update queue_priorities q set
          open = true, assignee_id = c.assignee_id,
          priority_class = c.new_class, score = c.score, reason = c.class_reason, urgency = c.urgency, breached = c.breached_points,
          affected_customers = c.affected_points, plan = c.plan_points_f, mrr = c.mrr_points, votes = c.vote_points, views = c.view_points, age = c.age_points
        from computed c
        where q.item_id = c.id and not c.first_time
          and (c.old_class, c.old_score, c.old_reason, c.old_open, c.old_assignee)
            is distinct from (c.new_class::smallint, c.score, c.class_reason, true, c.assignee_id)
        returning q.item_id),
      inserted as (
        insert into queue_priorities (item_id, open, assignee_id, priority_class, score, reason, urgency, breached, affected_customers, plan, mrr, votes, views, age)
        select id, true, assignee_id, new_class, score, class_reason, urgency, breached_points, affected_points, plan_points_f, mrr_points, vote_points, view_points, age_points
        from computed
        where first_time
        on conflict (item_id) do update set
          open = true, assignee_id = excluded.assignee_id, priority_class = excluded.priority_class, score = excluded.score, reason = excluded.reason,
          urgency = excluded.urgency, breached = excluded.breached, affected_customers = excluded.affected_customers,
          plan = excluded.plan, mrr = excluded.mrr, votes = excluded.votes, views = excluded.views, age = excluded.age
        returning item_id),
      changed as (select item_id from updated union all select item_id from inserted),
      -- A closed item keeps its class and score (the closed board still orders by them) but
      -- leaves the open board's index; its assignee copy follows it too.
      closed as (
        update queue_priorities q set open = false, assignee_id = i.assignee_id
        from queue_items i
        where i.id = q.item_id and i.state in ${OPEN}
          and ${itemIds ? sql`(q.open or q.assignee_id is distinct from i.assignee_id)` : sql`q.open`} ${only}
        returning 1),
      class_events as (
        insert into queue_item_events (item_id, kind, actor_id, data, created_at)
        select c.id, 'priority_changed', null,
          jsonb_build_object('from', 'P' || c.old_class, 'to', 'P' || c.new_class, 'reason', c.class_reason), ${at}
        from computed c join changed w on w.item_id = c.id
        -- An item's first class is part of its creation, not a change.
        where c.old_class <> c.new_class and not c.first_time
        returning 1)
      select (select count(*) from changed)::int as updated, (select count(*) from class_events)::int as class_changes,
        (select count(*) from closed)::int as closed`,
  )
  return { updated: row?.updated ?? 0, classChanges: row?.class_changes ?? 0 }
}
