import type { VerbArgs } from '../ctx'
import type { Category } from '../db/schema'
import { UnavailableError } from '../errors'
import { getThreadSummaries, listCategories, type ThreadSummary } from '../forum'
import { recordSearchEvent } from './events'
import { PAGE_SIZE, parseSearchParams, type SearchParams } from './params'
import { searchEngine } from './search-engine'
import type { Highlighted, SearchFilters } from './types'

export interface SearchResultItem {
  thread: ThreadSummary
  title: Highlighted
  snippet: Highlighted
}

export interface SearchPage {
  params: SearchParams
  categories: Category[]
  results: SearchResultItem[]
  total: number
  capped: boolean
  pageCount: number
  correctedText?: string
  /** False when the query has nothing to look for (only operators or stop words). */
  searchable: boolean
  /** The recorded search, so a click on a result can be attributed to it. */
  eventId: number | null
}

export interface SearchForumInput {
  /** The raw URL parameters, straight from the request. */
  raw: Record<string, string | undefined>
  visitorKey: string
  /** Record the search for analytics (first pages of real searches, not pagination). */
  record: boolean
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Runs a search from the search page: lenient parameters, engine ranking, fresh thread data. */
export async function searchForum({ ctx, input }: VerbArgs<SearchForumInput>): Promise<SearchPage> {
  const params = parseSearchParams(input.raw)
  const categories = await listCategories(ctx)
  const category = categories.find((candidate) => candidate.slug === params.categorySlug)
  if (params.categorySlug && !category) {
    params.notices.push(`There is no category “${params.categorySlug}”; searching all categories.`)
    params.categorySlug = ''
  }
  const empty: SearchPage = { params, categories, results: [], total: 0, capped: false, pageCount: 0, searchable: true, eventId: null }
  if (!params.text) return empty

  const filters: SearchFilters = {
    categoryId: category?.id,
    tag: params.tag || undefined,
    state: params.state || undefined,
    from: params.from ? new Date(`${params.from}T00:00:00Z`) : undefined,
    to: params.to ? new Date(new Date(`${params.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
  }
  let response
  try {
    response = await searchEngine(ctx).search({ text: params.text, filters, sort: params.sort, page: params.page, pageSize: PAGE_SIZE })
  } catch (error) {
    throw new UnavailableError(`Search is unavailable right now (${error instanceof Error ? error.message : 'engine error'}). Please try again in a minute.`)
  }
  if (!response.searchable) return { ...empty, searchable: false }

  const summaries = await getThreadSummaries(ctx, response.hits.map((hit) => hit.threadId))
  // A hit whose thread was hidden since it was indexed is skipped until the index catches up.
  const results = response.hits.flatMap((hit) => {
    const thread = summaries.get(hit.threadId)
    return thread ? [{ thread, title: hit.title, snippet: hit.snippet }] : []
  })
  const pageCount = Math.ceil(response.total / PAGE_SIZE)
  if (results.length === 0 && response.total > 0 && params.page > pageCount)
    params.notices.push(`Page ${params.page} is past the end: there ${response.total === 1 ? 'is 1 result' : `are ${response.total} results`} on ${pageCount === 1 ? '1 page' : `${pageCount} pages`}.`)

  const eventId =
    input.record && params.page === 1
      ? await recordSearchEvent(ctx.db, {
          kind: 'search',
          query: response.correctedText ?? params.text,
          resultCount: response.total,
          visitorKey: input.visitorKey,
          userId: ctx.actor?.id ?? null,
          now: ctx.now(),
        })
      : null
  return {
    params,
    categories,
    results,
    total: response.total,
    capped: response.capped,
    pageCount,
    correctedText: response.correctedText,
    searchable: true,
    eventId,
  }
}
