import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../db/client'

/** Searches typed within this long of each other, each extending the last, are one search. */
const REFINEMENT_WINDOW_MS = 60_000

export function normaliseQuery(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 200)
}

/**
 * Records a search (or similar-question lookup). As-you-type requests arrive per keystroke:
 * "exp", "export", "export csv" within a minute by one visitor are one search, the last one.
 * One statement (a search is a busy page): the visitor's last event of this kind in the window
 * is updated when the new query extends it (or it extends the new one), otherwise a row is added.
 */
export async function recordSearchEvent(
  db: Db,
  event: { kind: 'search' | 'similar'; query: string; resultCount: number; visitorKey: string; userId: number | null; now: Date },
): Promise<number> {
  const query = normaliseQuery(event.query)
  const now = event.now.toISOString()
  const windowStart = new Date(event.now.getTime() - REFINEMENT_WINDOW_MS).toISOString()
  const [row] = await queryRows<{ id: number }>(
    db,
    sql`
      with last as (
        select id, query from search_events
        where visitor_key = ${event.visitorKey} and kind = ${event.kind} and created_at >= ${windowStart}::timestamptz
        order by created_at desc, id desc limit 1),
      refined as (
        update search_events e set query = ${query}, result_count = ${event.resultCount}, created_at = ${now}::timestamptz, user_id = ${event.userId}::int
        from last
        where e.id = last.id and (starts_with(${query}, last.query) or starts_with(last.query, ${query}))
        returning e.id),
      added as (
        insert into search_events (kind, query, result_count, visitor_key, user_id, created_at)
        select ${event.kind}, ${query}, ${event.resultCount}, ${event.visitorKey}, ${event.userId}::int, ${now}::timestamptz
        where not exists (select 1 from refined)
        returning id)
      select id from refined union all select id from added`,
  )
  return row!.id
}
