import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'

// "Load per person" counts the distinct items each person was assigned, answered publicly or
// closed in a period. Read from the event log, that is ~250k events for 90 days at 100k items,
// filtered by kind and a JSON field and de-duplicated (252 ms alone). scoreboard_person_work keeps
// those events reduced to (when, who, what, item, when the same last happened), rolled up by the
// same job as the item facts and recomputed per item from its whole log: the distinct items of a
// period are then the rows in it whose previous occurrence is before it, counted, not sorted.
//
// Items with an event newer than the rollup's watermark are read from the log itself (their rows
// may be stale: a team change, a close since the last run), so the figure is the direct
// computation's at any moment; a test holds the two equal.

export const PERSON_WORK_ROLLUP = 'person_work'

/**
 * The work rows of the event log (person, kind of work, item, when) where `where` holds: the one
 * definition the rollup and the direct reading share. An assignment counts for the assignee, a
 * public reply and a close for whoever did it (a person's action, never the product's own).
 */
export function eventWork(where: SQL, join: SQL = sql``): SQL {
  return sql`
    select case when e.kind = 'assigned' then (e.data->>'assigneeId')::int else e.actor_id end as user_id,
      case when e.kind = 'assigned' then 'assigned' when e.kind = 'public_reply' then 'replied' else 'closed' end as what,
      e.item_id, e.created_at
    from queue_item_events e ${join}
    where (e.kind = 'assigned' or (e.kind = 'public_reply' and e.actor_id is not null)
        or (e.kind = 'state_changed' and e.actor_id is not null and e.data->>'to' in ('resolved', 'wont_fix')))
      and (${where})`
}

function insertRows(where: SQL): SQL {
  return sql`
    insert into scoreboard_person_work (at, user_id, what, item_id, prev_at, team_slug)
    select w.created_at, w.user_id, w.what, w.item_id,
      lag(w.created_at) over (partition by w.user_id, w.what, w.item_id order by w.created_at), i.team_slug
    from (${eventWork(where)}) w join queue_items i on i.id = w.item_id
    where w.user_id is not null`
}

const idList = (ids: readonly number[]) =>
  sql`(${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )})`

/** Recomputes these items' rows from their whole event log. */
export async function refreshPersonWork(db: Db, itemIds: readonly number[]): Promise<void> {
  if (itemIds.length === 0) return
  await db.execute(sql`delete from scoreboard_person_work where item_id in ${idList(itemIds)}`)
  await db.execute(insertRows(sql`e.item_id in ${idList(itemIds)}`))
}

/** Every row again from the whole log, set-wise (seconds at 1M events). */
export async function rebuildPersonWork(db: Db): Promise<void> {
  await db.execute(sql`delete from scoreboard_person_work`)
  await db.execute(insertRows(sql`true`))
}

/** Per person and kind of work: how many distinct items. */
export interface PersonWorkCount {
  userId: number
  what: string
  items: number
}

/**
 * Distinct items per person and kind of work (assigned, replied, closed) in [from, to),
 * optionally of one team's items: from the rollup where it is current, or `direct` from the log
 * alone. (The items themselves are listed by the board's event filter, which reads the log.)
 */
export async function countPersonWork(db: Db, window: { from: Date; to: Date; team: string | null }, options: { direct?: boolean } = {}): Promise<PersonWorkCount[]> {
  const from = window.from.toISOString()
  const to = window.to.toISOString()
  const team = window.team
  const teamOfItem = team ? sql`and exists (select 1 from queue_items i where i.id = e.item_id and i.team_slug = ${team})` : sql``
  const inWindow = sql`e.created_at >= ${from}::timestamptz and e.created_at < ${to}::timestamptz ${teamOfItem}`
  const [state] = options.direct
    ? []
    : await queryRows<{ last_event_id: string | number }>(db, sql`select last_event_id from scoreboard_rollups where name = ${PERSON_WORK_ROLLUP}`)
  // Each (person, work, item) once: from the log, de-duplicated; from the rollup, its first row in the period.
  // The items with events past the watermark, joined (an anti-join to the rollup, a join to their
  // events by item): as a subquery in a condition the planner scanned the period's whole log.
  const fresh = state ? sql`fresh as materialized (select distinct f.item_id from queue_item_events f where f.id > ${Number(state.last_event_id)}),` : sql``
  const work = state
    ? sql`
        select p.user_id, p.what, p.item_id from scoreboard_person_work p
        where ${team ? sql`p.team_slug = ${team} and ` : sql``}p.at >= ${from}::timestamptz and p.at < ${to}::timestamptz
          and (p.prev_at is null or p.prev_at < ${from}::timestamptz)
          and not exists (select 1 from fresh where fresh.item_id = p.item_id)
        union all
        select distinct user_id, what, item_id from (${eventWork(inWindow, sql`join fresh on fresh.item_id = e.item_id`)}) w
        where user_id is not null`
    : sql`select distinct user_id, what, item_id from (${eventWork(inWindow)}) w where user_id is not null`
  const counts = await queryRows<{ user_id: number; what: string; items: number }>(
    db,
    sql`with ${fresh} work as (${work}) select user_id, what, count(*)::int as items from work group by user_id, what order by user_id, what`,
  )
  return counts.map((row) => ({ userId: row.user_id, what: row.what, items: row.items }))
}
