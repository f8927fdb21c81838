import type { OutboxHandlers, SearchIndexPayload } from '../outbox'
import { SEARCH_INDEX_THREADS } from '../outbox'
import type { SearchIndex } from './types'

/** Outbox handlers of the search domain: bring the index up to date with changed threads. */
export function searchHandlers(index: SearchIndex): OutboxHandlers {
  return {
    [SEARCH_INDEX_THREADS]: async (payload) => {
      const { threadIds } = payload as SearchIndexPayload
      await index.indexThreads(threadIds.filter((id) => Number.isInteger(id)))
    },
  }
}
