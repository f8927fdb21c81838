import { and, desc, eq, gte, inArray } from 'drizzle-orm'
import type { Db } from '../db/client'
import { searchEvents } from '../db/schema'

/** Searches typed within this long of each other, each extending the last, are one search. */
const REFINEMENT_WINDOW_MS = 60_000

export function normaliseQuery(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 200)
}

/**
 * Records a search (or similar-question lookup). As-you-type requests arrive per keystroke:
 * "exp", "export", "export csv" within a minute by one visitor are one search, the last one.
 */
export async function recordSearchEvent(
  db: Db,
  event: { kind: 'search' | 'similar'; query: string; resultCount: number; visitorKey: string; userId: number | null; now: Date },
): Promise<number> {
  const query = normaliseQuery(event.query)
  const [last] = await db
    .select({ id: searchEvents.id, query: searchEvents.query })
    .from(searchEvents)
    .where(
      and(
        eq(searchEvents.visitorKey, event.visitorKey),
        inArray(searchEvents.kind, [event.kind]),
        gte(searchEvents.createdAt, new Date(event.now.getTime() - REFINEMENT_WINDOW_MS)),
      ),
    )
    .orderBy(desc(searchEvents.createdAt), desc(searchEvents.id))
    .limit(1)
  const refines = last?.query != null && (query.startsWith(last.query) || last.query.startsWith(query))
  if (last && refines) {
    await db
      .update(searchEvents)
      .set({ query, resultCount: event.resultCount, createdAt: event.now, userId: event.userId })
      .where(eq(searchEvents.id, last.id))
    return last.id
  }
  const [row] = await db
    .insert(searchEvents)
    .values({
      kind: event.kind,
      query,
      resultCount: event.resultCount,
      visitorKey: event.visitorKey,
      userId: event.userId,
      createdAt: event.now,
    })
    .returning({ id: searchEvents.id })
  return row!.id
}
