import { sql } from 'drizzle-orm'
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
  const until = to ? sql`and created_at < ${to.toISOString()}::timestamptz` : sql``
  const rows = await queryRows<{ kind: 'search' | 'similar'; lookups: number; solved_clicks: number; deflected: number }>(
    db,
    sql`
      with lookups as (
        select id, kind, visitor_key from search_events
        where kind in ('search', 'similar') and created_at >= ${from.toISOString()}::timestamptz ${until}),
      solved_clicks as (
        select c.search_event_id, min(c.created_at) as clicked_at
        from search_events c
        where c.kind = 'click' and c.solved and c.created_at >= ${from.toISOString()}::timestamptz
        group by c.search_event_id),
      outcomes as (
        select l.kind, l.id, sc.clicked_at is not null as solved_click,
          sc.clicked_at is not null and not exists (
            select 1 from threads t
            where t.visitor_key = l.visitor_key
              and t.created_at >= sc.clicked_at and t.created_at < sc.clicked_at + interval '24 hours') as deflected
        from lookups l left join solved_clicks sc on sc.search_event_id = l.id)
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
