// Every outbox topic in one place: who writes it, and what its payload is.

/** Forum verbs, whenever a thread's searchable content or filters change. Payload: SearchIndexPayload. */
export const SEARCH_INDEX_THREADS = 'search.index_threads'

export interface SearchIndexPayload {
  threadIds: number[]
}
