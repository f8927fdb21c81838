import type { Db } from '../db/client'
import { enqueue, SEARCH_INDEX_THREADS, SEARCH_MAINTAIN, type OutboxHandlers, type SearchIndexPayload } from '../outbox'
import type { SearchIndex } from './types'

export const MAINTAIN_EVERY_MS = 10 * 60_000

/** Makes sure the recurring upkeep is scheduled (idempotent: one row, keyed). */
export async function scheduleSearchMaintenance(db: Db, now: Date): Promise<void> {
  await enqueue(db, { topic: SEARCH_MAINTAIN, key: `recurring:${SEARCH_MAINTAIN}`, payload: {}, dueAt: now })
}

/** Outbox handlers of the search domain: bring the index up to date with changed threads, and keep it in shape. */
export function searchHandlers(index: SearchIndex): OutboxHandlers {
  return {
    [SEARCH_INDEX_THREADS]: async (payload) => {
      const { threadIds } = payload as SearchIndexPayload
      await index.indexThreads(threadIds.filter((id) => Number.isInteger(id)))
    },
    [SEARCH_MAINTAIN]: async (_payload, { db, now, logger }) => {
      const done = await index.maintain(now)
      if (done) logger.info(done, 'search index upkeep')
      await enqueue(db, { topic: SEARCH_MAINTAIN, key: `recurring:${SEARCH_MAINTAIN}`, payload: {}, dueAt: new Date(now.getTime() + MAINTAIN_EVERY_MS), onConflict: 'replace' })
    },
  }
}
