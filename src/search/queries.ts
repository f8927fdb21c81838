import { sql, type SQL } from 'drizzle-orm'
import { LookupListQuery } from './schemas'
import { requireStaff } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows, type Db } from '../db/client'

export interface QueryStat {
  query: string
  searches: number
  averageResults: number
  /** Share of these searches after which a result was opened. */
  clickRate: number
}

export interface NoResultQuery {
  query: string
  searches: number
  lastSearchedAt: Date
}

export interface DeflectionStat {
  kind: 'search' | 'similar'
  lookups: number
  /** Lookups after which the visitor opened a solved thread. */
  solvedClicks: number
  /** ... and did not post a question in the next 24 hours. */
  deflected: number
}

export interface SearchInsights {
  days: number
  topQueries: QueryStat[]
  noResults: NoResultQuery[]
  deflection: DeflectionStat[]
}

/** What people search for, what they do not find, and how often finding a solution saved a question. */
export async function getSearchInsights(ctx: Ctx, days = 30): Promise<SearchInsights> {
  requireStaff(ctx, 'see search analytics')
  const since = new Date(ctx.now().getTime() - days * 24 * 60 * 60 * 1000).toISOString()
  const [topQueries, noResults, deflection] = await Promise.all([
    queryRows<{ query: string; searches: number; average_results: number; clicked: number }>(
      ctx.db,
      sql`
        select e.query, count(*)::int as searches, round(avg(e.result_count))::int as average_results,
          count(*) filter (where exists (
            select 1 from search_events c where c.kind = 'click' and c.search_event_id = e.id))::int as clicked
        from search_events e
        where e.kind = 'search' and e.created_at >= ${since}::timestamptz and e.query is not null
        group by e.query
        order by searches desc, e.query
        limit 20`,
    ),
    queryRows<{ query: string; searches: number; last_ms: number }>(
      ctx.db,
      sql`
        select e.query, count(*)::int as searches, (extract(epoch from max(e.created_at)) * 1000)::float8 as last_ms
        from search_events e
        where e.kind in ('search', 'similar') and e.result_count = 0 and e.created_at >= ${since}::timestamptz and e.query is not null
        group by e.query
        order by searches desc, max(e.created_at) desc
        limit 20`,
    ),
    searchDeflection(ctx.db, new Date(since), null),
  ])
  return {
    days,
    topQueries: topQueries.map((row) => ({
      query: row.query,
      searches: row.searches,
      averageResults: row.average_results,
      clickRate: row.searches ? row.clicked / row.searches : 0,
    })),
    noResults: noResults.map((row) => ({ query: row.query, searches: row.searches, lastSearchedAt: new Date(row.last_ms) })),
    deflection,
  }
}

/**
 * Deflection from an instant (up to another, or now): lookups (searches, similar-question lookups) after which the
 * visitor opened a solved thread, and of those, how many asked no question in the next 24 hours.
 * The search analytics page and the scoreboard read the same figure from here.
 */
export async function searchDeflection(db: Db, from: Date, to: Date | null): Promise<DeflectionStat[]> {
  const rows = await queryRows<{ kind: 'search' | 'similar'; lookups: number; solved_clicks: number; deflected: number }>(
    db,
    sql`
      with ${lookupOutcomes(from, to)}
      select o.kind, count(*)::int as lookups,
        count(*) filter (where o.solved_click)::int as solved_clicks,
        count(*) filter (where o.deflected)::int as deflected
      from outcomes o
      group by o.kind`,
  )
  // Both kinds, zeros included. (Left-joined to a list of the kinds in SQL, the planner ran the
  // whole lookup once per kind: 110 ms instead of 50 at 60k search events.)
  return (['search', 'similar'] as const).map((kind) => {
    const row = rows.find((candidate) => candidate.kind === kind)
    return { kind, lookups: row?.lookups ?? 0, solvedClicks: row?.solved_clicks ?? 0, deflected: row?.deflected ?? 0 }
  })
}

/**
 * The CTEs ending in `outcomes` (kind, id, solved_click, clicked_at, clicked_thread_id, deflected):
 * each lookup of [from, to) with whether the visitor then opened a solved thread and asked nothing
 * in the next 24 hours. The deflection figure counts them; the lookup list lists them.
 */
function lookupOutcomes(from: Date, to: Date | null, kind?: 'search' | 'similar'): SQL {
  const until = to ? sql`and created_at < ${to.toISOString()}::timestamptz` : sql``
  return sql`
      lookups as (
        select id, kind, visitor_key from search_events
        where kind in ${kind ? [kind] : ['search', 'similar']} and created_at >= ${from.toISOString()}::timestamptz ${until}),
      solved_clicks as (
        select c.search_event_id, min(c.created_at) as clicked_at, (array_agg(c.thread_id order by c.created_at, c.id))[1] as thread_id
        from search_events c
        where c.kind = 'click' and c.solved and c.created_at >= ${from.toISOString()}::timestamptz
        group by c.search_event_id),
      outcomes as (
        select l.kind, l.id, sc.clicked_at is not null as solved_click, sc.clicked_at, sc.thread_id as clicked_thread_id,
          sc.clicked_at is not null and not exists (
            select 1 from threads t
            where t.visitor_key = l.visitor_key
              and t.created_at >= sc.clicked_at and t.created_at < sc.clicked_at + interval '24 hours') as deflected
        from lookups l left join solved_clicks sc on sc.search_event_id = l.id)`
}

export const LOOKUP_PAGE_SIZE = 50

export interface LookupRow {
  id: number
  kind: 'search' | 'similar'
  query: string | null
  resultCount: number | null
  at: Date
  /** The solved thread opened first after it, if any. */
  opened: { id: number; title: string; slug: string; at: Date } | null
  deflected: boolean
}

export interface LookupList {
  input: LookupListQuery
  /** Problems with the filters, by parameter (then nothing is listed). */
  errors: Record<string, string>
  /** How many lookups the filters select (every page): the scoreboard figure's number. */
  total: number
  rows: LookupRow[]
  /** The `before` cursor of the next page. */
  next: string | null
}

/**
 * The lookups behind the deflection figure: one kind, a period, and optionally only those after
 * which a solved thread was opened, or those deflected. Staff only (queries are what people typed).
 */
export async function listLookups(ctx: Ctx, raw: Record<string, string | undefined>): Promise<LookupList> {
  requireStaff(ctx, 'see search analytics')
  const parsed = LookupListQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== '')))
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'filters')] ??= issue.message
    return { input: { kind: 'search', from: new Date(0) }, errors, total: 0, rows: [], next: null }
  }
  const input = parsed.data
  const chosen = input.outcome === 'deflected' ? sql`o.deflected` : input.outcome === 'solved' ? sql`o.solved_click` : sql`true`
  const before = input.before ? sql`and o.id < ${input.before}` : sql``
  const [rows, [counted]] = await Promise.all([
    queryRows<{ id: number; kind: 'search' | 'similar'; query: string | null; result_count: number | null; created_at: string; clicked_at: string | null; thread_id: number | null; title: string | null; slug: string | null; deflected: boolean }>(
      ctx.db,
      sql`
        with ${lookupOutcomes(input.from, input.to ?? null, input.kind)}
        select o.id, o.kind, e.query, e.result_count, e.created_at::text, o.clicked_at::text, t.id as thread_id, t.title, t.slug, o.deflected
        from outcomes o join search_events e on e.id = o.id left join threads t on t.id = o.clicked_thread_id
        where ${chosen} ${before}
        order by o.id desc
        limit ${LOOKUP_PAGE_SIZE + 1}`,
    ),
    queryRows<{ total: number }>(ctx.db, sql`with ${lookupOutcomes(input.from, input.to ?? null, input.kind)} select count(*)::int as total from outcomes o where ${chosen}`),
  ])
  const shown = rows.slice(0, LOOKUP_PAGE_SIZE)
  return {
    input,
    errors: {},
    total: counted?.total ?? 0,
    next: rows.length > LOOKUP_PAGE_SIZE ? String(shown.at(-1)!.id) : null,
    rows: shown.map((row) => ({
      id: row.id,
      kind: row.kind,
      query: row.query,
      resultCount: row.result_count,
      at: new Date(row.created_at),
      opened: row.thread_id && row.clicked_at ? { id: row.thread_id, title: row.title ?? '', slug: row.slug ?? '', at: new Date(row.clicked_at) } : null,
      deflected: row.deflected,
    })),
  }
}
