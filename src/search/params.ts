import { searchSorts, searchStates, type SearchSort, type SearchState } from './types'

export const QUERY_MAX_CHARS = 200
export const PAGE_SIZE = 20
export const MAX_PAGE = 100

/** Search parameters as the page understands them, plus what was wrong with the raw ones. */
export interface SearchParams {
  text: string
  categorySlug: string
  tag: string
  state: SearchState | ''
  from: string
  to: string
  sort: SearchSort
  page: number
  /** Plain-language notes about parameters that were shortened, ignored or corrected. */
  notices: string[]
}

const KNOWN = new Set(['q', 'category', 'tag', 'state', 'from', 'to', 'sort', 'page'])
const DATE = /^\d{4}-\d{2}-\d{2}$/

function validDate(value: string): boolean {
  if (!DATE.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

/**
 * Reads a search URL leniently: a bad filter never fails the search; it is ignored and the
 * page says so, and the person's query comes back as they typed it (shortened if huge).
 */
export function parseSearchParams(raw: Record<string, string | undefined>): SearchParams {
  const notices: string[] = []
  const shorten = (value: string | undefined, max: number) => (value ?? '').replace(/[\u0000-\u001F\u007F]/g, ' ').trim().slice(0, max)

  let text = (raw.q ?? '').replace(/[\u0000-\u001F\u007F]/g, ' ').replace(/\s+/g, ' ').trim()
  if ([...text].length > QUERY_MAX_CHARS) {
    text = [...text].slice(0, QUERY_MAX_CHARS).join('').trim()
    notices.push(`Your search was shortened to its first ${QUERY_MAX_CHARS} characters.`)
  }

  const state = shorten(raw.state, 40)
  if (state && !(searchStates as readonly string[]).includes(state)) notices.push(`There is no “${state}” filter; showing all threads.`)
  const sort = shorten(raw.sort, 40)
  if (sort && !(searchSorts as readonly string[]).includes(sort)) notices.push(`“${sort}” is not a way to sort; sorted by relevance.`)

  const dates = { from: shorten(raw.from, 40), to: shorten(raw.to, 40) }
  for (const [name, value] of Object.entries(dates) as ['from' | 'to', string][]) {
    if (value && !validDate(value)) {
      notices.push(`“${value}” is not a date like 2026-03-31; the “${name}” filter was ignored.`)
      dates[name] = ''
    }
  }
  if (dates.from && dates.to && dates.from > dates.to) {
    notices.push('The “from” date is after the “to” date; the dates were swapped.')
    ;[dates.from, dates.to] = [dates.to, dates.from]
  }

  let page = 1
  const rawPage = shorten(raw.page, 20)
  if (rawPage) {
    if (/^\d{1,6}$/.test(rawPage) && Number(rawPage) >= 1) page = Math.min(Number(rawPage), MAX_PAGE)
    else notices.push(`“${rawPage}” is not a page number; showing page 1.`)
    if (Number(rawPage) > MAX_PAGE) notices.push(`Results stop at page ${MAX_PAGE}; refine your search to see others.`)
  }

  const unknown = Object.keys(raw).filter((key) => !KNOWN.has(key))
  if (unknown.length > 0) notices.push(`Ignored unknown filter${unknown.length > 1 ? 's' : ''}: ${unknown.map((key) => key.slice(0, 40)).join(', ')}.`)

  return {
    text,
    categorySlug: shorten(raw.category, 60).toLowerCase(),
    tag: shorten(raw.tag, 40).toLowerCase(),
    state: (searchStates as readonly string[]).includes(state) ? (state as SearchState) : '',
    from: dates.from,
    to: dates.to,
    sort: (searchSorts as readonly string[]).includes(sort) ? (sort as SearchSort) : 'relevance',
    page,
    notices,
  }
}

/** The URL of these parameters (for pagination links and the browser's address bar). */
export function searchUrl(params: Omit<SearchParams, 'notices'>, page = params.page): string {
  const query = new URLSearchParams()
  if (params.text) query.set('q', params.text)
  if (params.categorySlug) query.set('category', params.categorySlug)
  if (params.tag) query.set('tag', params.tag)
  if (params.state) query.set('state', params.state)
  if (params.from) query.set('from', params.from)
  if (params.to) query.set('to', params.to)
  if (params.sort !== 'relevance') query.set('sort', params.sort)
  if (page > 1) query.set('page', String(page))
  const encoded = query.toString()
  return encoded ? `/search?${encoded}` : '/search'
}
