import type { Db } from '../db/client'
import { recurringHandler, scheduleRecurring, SEARCH_INDEX_THREADS, SEARCH_MAINTAIN, type OutboxHandlers, type SearchIndexPayload } from '../outbox'
import type { SearchIndex } from './types'

export const MAINTAIN_EVERY_MS = 10 * 60_000

/** Makes sure the recurring upkeep is scheduled (idempotent: one row, keyed). */
export async function scheduleSearchMaintenance(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, SEARCH_MAINTAIN, now)
}

/** Outbox handlers of the search domain: bring the index up to date with changed threads, and keep it in shape. */
export function searchHandlers(index: SearchIndex): OutboxHandlers {
  return {
    [SEARCH_INDEX_THREADS]: async (payload) => {
      const { threadIds } = payload as SearchIndexPayload
      await index.indexThreads(threadIds.filter((id) => Number.isInteger(id)))
    },
    [SEARCH_MAINTAIN]: recurringHandler(SEARCH_MAINTAIN, MAINTAIN_EVERY_MS, async ({ now, logger }) => {
      const done = await index.maintain(now)
      if (done) logger.info(done, 'search index upkeep')
    }),
  }
}
