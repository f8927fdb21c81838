import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../src/db/client'

// When the replay must next run the outbox even if nobody acts. In production the queue tick
// runs every minute and the escalation and rotation ticks every five; on a quiet night almost
// every one of those runs finds nothing to do. Replaying 43,200 of them costs most of an hour on
// two cores, so the replay runs the outbox at each minute where work is due instead: a person
// acted, an outbox row (not a recurring tick) is due, or a deadline the ticks act on falls in this
// minute. This query reads those deadlines the way the ticks do (same columns, same conditions);
// the replay also runs the outbox at least every `SAFETY_MINUTES` so anything missed here is late
// by at most that much, never lost. What the skipped runs would have done: recompute priority
// scores as time passes (the board's order, not ownership, SLA or any notice).

export const SAFETY_MINUTES = 30

/** The first deadline after `since` (the last outbox run) that a tick acts on, or now if routing has work. */
export async function nextDueAt(db: Db, now: Date, since: Date): Promise<number> {
  const after = since.toISOString()
  const [row] = await queryRows<{ due: string | null; routable: boolean }>(
    db,
    sql`
      select (select min(x) from (
        select min(due_at) as x from outbox where parked_at is null and key not like 'recurring:%' and due_at > ${after}::timestamptz
        union all
        select min(w.x) from thread_watches cross join lateral (values (unanswered_due_at), (staff_reply_due_at)) w(x)
          where settled_at is null and w.x > ${after}::timestamptz
        union all
        select min(x) from queue_items i cross join lateral (values
            (case when i.first_response_at is null then i.first_response_due_at end),
            (case when i.first_response_at is null then i.first_response_warn_at end),
            (i.next_response_due_at), (i.next_response_warn_at), (i.resolution_due_at), (i.resolution_warn_at)) v(x)
          where i.state not in ('resolved', 'wont_fix', 'waiting_on_customer') and x > ${after}::timestamptz
        union all
        select min(response_due_at) from escalations where answered_at is null and breach_notified_at is null and response_due_at > ${after}::timestamptz
        union all
        select min(i.fixed_at + make_interval(days => coalesce(r.confirm_wait_days, 7)))
          from queue_items i left join rotations r on r.team_slug = i.team_slug
          where i.state = 'fixed_pending_confirmation' and i.fixed_at is not null
            and i.fixed_at + make_interval(days => coalesce(r.confirm_wait_days, 7)) > ${after}::timestamptz
        union all
        select min(x) from rotation_shifts s cross join lateral (values (s.starts_at - interval '24 hours'), (s.starts_at), (s.ends_at)) v(x)
          where x > ${after}::timestamptz
      ) deadlines)::text as due,
      (exists (select 1 from queue_items where assignee_id is null and state not in ('resolved', 'wont_fix'))
        and exists (select 1 from staff_profiles where on_duty)) as routable`,
  )
  if (row?.routable) return now.getTime()
  return row?.due ? new Date(row.due).getTime() : Number.POSITIVE_INFINITY
}
