import { Meilisearch, type Task } from 'meilisearch'
import type { Db } from '../db/client'
import { loadThreadDocuments, type ThreadDocument } from './documents'
import { MATCH_END, MATCH_START, plainHighlighted, toHighlighted } from './highlight'
import type { SearchIndex, SearchRequest, SearchResponse, SimilarHit, SimilarRequest } from './types'

// Meilisearch, used when MEILI_URL is set. Meilisearch ranks, tolerates typos and highlights
// by itself; the database stays the source of truth and `npm run reindex` rebuilds from it.

export const MEILI_SETTINGS = {
  // Order matters: Meilisearch's "attribute" rule ranks title matches above body matches, etc.
  searchableAttributes: ['title', 'body', 'accepted', 'replies'],
  filterableAttributes: ['categoryId', 'tags', 'solved', 'answered', 'createdAt'],
  sortableAttributes: ['createdAt', 'upvotes'],
  displayedAttributes: ['id', 'title', 'body'],
  typoTolerance: { enabled: true },
}

/** similarMany's lookups in flight at once: Meilisearch answers each in a few milliseconds. */
const SIMILAR_CONCURRENCY = 4

/** Similar-question lookups send at most this many words (Meilisearch reads the first ten). */
const SIMILAR_WORDS = 10

function escapeFilter(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}

function assertSucceeded(task: Task, what: string): void {
  if (task.status !== 'succeeded') throw new Error(`Meilisearch could not ${what}: ${task.error?.message ?? task.status}`)
}

export class MeiliSearchIndex implements SearchIndex {
  readonly engine = 'meilisearch'
  private prepared: Promise<void> | undefined

  constructor(
    private readonly db: Db,
    private readonly client: Meilisearch,
    private readonly indexUid = 'threads',
  ) {}

  static fromUrl(db: Db, url: string, apiKey: string | undefined, indexUid?: string): MeiliSearchIndex {
    return new MeiliSearchIndex(db, new Meilisearch({ host: url, apiKey, timeout: 10_000 }), indexUid)
  }

  private index() {
    return this.client.index<ThreadDocument>(this.indexUid)
  }

  /** Creates the index and applies its settings once per process (both are idempotent). */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      const created = await this.client.createIndex(this.indexUid, { primaryKey: 'id' }).waitTask()
      if (created.status !== 'succeeded' && created.error?.code !== 'index_already_exists') assertSucceeded(created, 'create the index')
      assertSucceeded(await this.index().updateSettings(MEILI_SETTINGS).waitTask(), 'apply index settings')
    })().catch((error) => {
      this.prepared = undefined
      throw error
    })
    return this.prepared
  }

  async indexThreads(threadIds: number[]): Promise<void> {
    await this.prepare()
    const { documents, removed } = await loadThreadDocuments(this.db, [...new Set(threadIds)])
    if (documents.length > 0) assertSucceeded(await this.index().addDocuments(documents).waitTask(), 'index threads')
    if (removed.length > 0) assertSucceeded(await this.index().deleteDocuments(removed).waitTask(), 'remove threads')
  }

  async clear(): Promise<void> {
    await this.prepare()
    assertSucceeded(await this.index().deleteAllDocuments().waitTask(), 'empty the index')
  }

  /** Meilisearch keeps nothing to refresh after a rebuild. */
  async rebuilt(): Promise<void> {}

  /** Meilisearch keeps its own index in shape. */
  async maintain(): Promise<null> {
    return null
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    await this.prepare()
    const text = request.text.trim()
    if (!/[\p{L}\p{N}]/u.test(text)) return { hits: [], total: 0, capped: false, searchable: false }
    const filter: string[] = []
    const { filters } = request
    if (filters.categoryId) filter.push(`categoryId = ${filters.categoryId}`)
    if (filters.tag) filter.push(`tags = "${escapeFilter(filters.tag)}"`)
    if (filters.state === 'solved') filter.push('solved = true')
    if (filters.state === 'unanswered') filter.push('answered = false')
    if (filters.from) filter.push(`createdAt >= ${Math.floor(filters.from.getTime() / 1000)}`)
    if (filters.to) filter.push(`createdAt < ${Math.floor(filters.to.getTime() / 1000)}`)
    const response = await this.index().search<ThreadDocument>(text, {
      filter,
      sort: request.sort === 'newest' ? ['createdAt:desc'] : request.sort === 'votes' ? ['upvotes:desc'] : undefined,
      page: request.page,
      hitsPerPage: request.pageSize,
      attributesToHighlight: ['title'],
      attributesToCrop: ['body'],
      cropLength: 32,
      highlightPreTag: MATCH_START,
      highlightPostTag: MATCH_END,
      showRankingScore: true,
    })
    // With page/hitsPerPage Meilisearch answers an exact totalHits (documented: exhaustive pagination).
    const total = 'totalHits' in response && typeof response.totalHits === 'number' ? response.totalHits : response.hits.length
    return {
      hits: response.hits.map((hit) => ({
        threadId: Number(hit.id),
        score: hit._rankingScore ?? 0,
        title: hit._formatted?.title ? toHighlighted(String(hit._formatted.title)) : plainHighlighted(hit.title),
        snippet: hit._formatted?.body ? toHighlighted(String(hit._formatted.body)) : plainHighlighted(hit.body.slice(0, 240)),
      })),
      total,
      capped: false,
      searchable: true,
    }
  }

  async similar(request: SimilarRequest): Promise<SimilarHit[]> {
    await this.prepare()
    const words = `${request.title} ${request.body ?? ''}`.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []
    if (words.length === 0) return []
    const response = await this.index().search<ThreadDocument>(words.slice(0, SIMILAR_WORDS).join(' '), {
      limit: request.limit,
      // Drop the most common words first until something matches: similar, not identical.
      matchingStrategy: 'frequency',
      attributesToRetrieve: ['id'],
      showRankingScore: true,
    })
    return response.hits.map((hit) => ({ threadId: Number(hit.id), score: hit._rankingScore ?? 0 }))
  }

  /** One search per request, a few at a time: Meilisearch's own ranking has no shared work to save. */
  async similarMany(requests: SimilarRequest[]): Promise<SimilarHit[][]> {
    const answers: SimilarHit[][] = []
    for (let start = 0; start < requests.length; start += SIMILAR_CONCURRENCY)
      answers.push(...(await Promise.all(requests.slice(start, start + SIMILAR_CONCURRENCY).map((request) => this.similar(request)))))
    return answers
  }
}
