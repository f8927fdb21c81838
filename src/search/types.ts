// The contract both search engines (PostgreSQL full-text search and Meilisearch) fulfil.

export const searchStates = ['solved', 'unanswered'] as const
export type SearchState = (typeof searchStates)[number]

export const searchSorts = ['relevance', 'newest', 'votes'] as const
export type SearchSort = (typeof searchSorts)[number]

export interface SearchFilters {
  categoryId?: number
  tag?: string
  state?: SearchState
  /** Threads created on or after this instant. */
  from?: Date
  /** Threads created before this instant. */
  to?: Date
}

export interface SearchRequest {
  /** The person's query in web-search syntax: "quoted phrases", OR, -excluded. */
  text: string
  filters: SearchFilters
  sort: SearchSort
  page: number
  pageSize: number
}

/** Highlighted text as plain segments: views render <mark> around the matched ones. */
export type Highlighted = { text: string; match: boolean }[]

export interface SearchHit {
  threadId: number
  score: number
  title: Highlighted
  snippet: Highlighted
}

export interface SearchResponse {
  hits: SearchHit[]
  /** Matches found (up to the cap on the ranked set). */
  total: number
  /** True when there were more matches than the engine ranks. */
  capped: boolean
  /** Set when the query found little and a corrected spelling found more. */
  correctedText?: string
  /** False when the query had nothing to look for (only operators or stop words). */
  searchable: boolean
}

export interface SimilarRequest {
  title: string
  body?: string
  limit: number
}

export interface SimilarHit {
  threadId: number
  score: number
}

export interface SearchIndex {
  readonly engine: 'postgres' | 'meilisearch'
  search(request: SearchRequest): Promise<SearchResponse>
  similar(request: SimilarRequest): Promise<SimilarHit[]>
  /** similar() for each request, answered alike, at a fraction of the cost of one call each (the bug-bash list's hundreds). */
  similarMany(requests: SimilarRequest[]): Promise<SimilarHit[][]>
  /** (Re)indexes these threads from the database; hidden or deleted ones leave the index. */
  indexThreads(threadIds: number[]): Promise<void>
  /** Empties the index, before a full rebuild. */
  clear(): Promise<void>
  /** After a full rebuild: brings what the engine knows of its index (statistics) up to date. */
  rebuilt(): Promise<void>
  /** Recurring upkeep (see SEARCH_MAINTAIN); says what it changed, or null when nothing. */
  maintain(now: Date): Promise<Record<string, unknown> | null>
}
