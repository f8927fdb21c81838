import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { MATCH_END, MATCH_START, toHighlighted } from './highlight'
import type { SearchIndex, SearchRequest, SearchResponse, SimilarHit, SimilarRequest } from './types'

// PostgreSQL full-text search, the default engine. Documents are weighted tsvectors (title A,
// question B, accepted answer C, other replies D) in search_documents, built set-wise in SQL.

/** Searches rank at most this many matches, so a broad query costs the same at any size. */
export const RANKED_SET_CAP = 2000
/** Below this many results, the query is tried again with misspelt words corrected. */
const FEW_RESULTS = 3
const BODY_CHARS = 4000
const ACCEPTED_CHARS = 2000
const REPLIES_CHARS = 3000

const HEADLINE_TITLE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`
const HEADLINE_BODY = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=32, MinWords=14, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`

const idList = (ids: number[]) => sql`array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::int[]`

export class PostgresSearchIndex implements SearchIndex {
  readonly engine = 'postgres'

  constructor(private readonly db: Db) {}

  async indexThreads(threadIds: number[]): Promise<void> {
    const ids = [...new Set(threadIds)]
    if (ids.length === 0) return
    await this.db.transaction(async (tx) => {
      // Take the old documents out, and their words out of the document frequencies.
      await tx.execute(sql`
        with old as (delete from search_documents where thread_id = any(${idList(ids)}) returning document),
        counts as (
          select u.lexeme, count(*)::int as n from old, unnest(old.document) u group by u.lexeme
          union all select '', count(*)::int from old)
        update search_lexemes l set doc_count = greatest(l.doc_count - counts.n, 0)
        from counts where l.lexeme = counts.lexeme`)
      // Build the new documents of the threads that are visible, and count their words in.
      await tx.execute(sql`
        with docs as (
          select t.id as thread_id, t.title, left(t.body_text, ${BODY_CHARS}) as body,
            setweight(to_tsvector('english', t.title), 'A') ||
            setweight(to_tsvector('english', left(t.body_text, ${BODY_CHARS})), 'B') ||
            setweight(to_tsvector('english', coalesce(left(a.body_text, ${ACCEPTED_CHARS}), '')), 'C') ||
            setweight(to_tsvector('english', coalesce(others.text, '')), 'D') as document
          from threads t
          left join replies a on a.id = t.accepted_reply_id and a.hidden_at is null
          left join lateral (
            select left(string_agg(r.body_text, ' ' order by r.upvote_count desc, r.created_at), ${REPLIES_CHARS}) as text
            from (select body_text, upvote_count, created_at from replies r
                  where r.thread_id = t.id and r.hidden_at is null and r.id is distinct from t.accepted_reply_id
                  order by r.upvote_count desc, r.created_at limit 10) r
          ) others on true
          where t.id = any(${idList(ids)}) and t.hidden_at is null),
        inserted as (
          insert into search_documents (thread_id, title, body, document, indexed_at)
          select thread_id, title, body, document, now() from docs
          returning document),
        counts as (
          select u.lexeme, count(*)::int as n from inserted, unnest(inserted.document) u group by u.lexeme
          union all select '', count(*)::int from inserted)
        insert into search_lexemes (lexeme, doc_count)
        select lexeme, n from counts where n > 0
        on conflict (lexeme) do update set doc_count = search_lexemes.doc_count + excluded.doc_count`)
      // Unstemmed words of titles and questions: the vocabulary for "did you mean".
      await tx.execute(sql`
        insert into search_terms (term, frequency)
        select u.lexeme, count(*)::int from search_documents d,
          unnest(to_tsvector('simple', d.title || ' ' || left(d.body, 1000))) u
        where d.thread_id = any(${idList(ids)}) and u.lexeme ~ '^[a-z][a-z0-9]{2,29}$'
        group by u.lexeme
        on conflict (term) do update set frequency = search_terms.frequency + excluded.frequency`)
    })
  }

  async clear(): Promise<void> {
    await this.db.execute(sql`truncate search_documents, search_lexemes, search_terms`)
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    const first = await this.run(request)
    if (!first.searchable || first.total >= FEW_RESULTS) return first
    const corrected = await this.correct(request.text)
    if (!corrected) return first
    const second = await this.run({ ...request, text: corrected })
    return second.total > first.total ? { ...second, correctedText: corrected } : first
  }

  private async run(request: SearchRequest): Promise<SearchResponse> {
    const [check] = await queryRows<{ searchable: boolean }>(
      this.db,
      sql`select numnode(websearch_to_tsquery('english', ${request.text})) > 0 as searchable`,
    )
    if (!check?.searchable) return { hits: [], total: 0, capped: false, searchable: false }

    const order =
      request.sort === 'newest'
        ? sql`m.created_at desc, m.thread_id desc`
        : request.sort === 'votes'
          ? sql`m.upvote_count desc, m.score desc, m.thread_id desc`
          : sql`m.score desc, m.thread_id desc`
    const rows = await queryRows<{ thread_id: number; score: number; total: number; title_hl: string; snippet: string }>(
      this.db,
      sql`
        with q as (select websearch_to_tsquery('english', ${request.text}) as query),
        matches as (
          select d.thread_id, d.title, d.body, t.created_at, t.upvote_count,
            (ts_rank_cd(d.document, q.query, 1)
              * (case when t.accepted_reply_id is not null then 1.3 else 1 end)
              * (1 + ln(1 + greatest(t.upvote_count, 0)) * 0.15))::float8 as score
          from search_documents d join threads t on t.id = d.thread_id, q
          where d.document @@ q.query and t.hidden_at is null ${this.filterSql(request)}
          limit ${RANKED_SET_CAP + 1}),
        ranked as (
          select m.thread_id, m.title, m.body, m.score, count(*) over ()::int as total,
            row_number() over (order by ${order}) as position
          from matches m
          order by position
          limit ${request.pageSize} offset ${(request.page - 1) * request.pageSize})
        select r.thread_id, r.score, r.total,
          ts_headline('english', r.title, q.query, ${HEADLINE_TITLE}) as title_hl,
          ts_headline('english', r.body, q.query, ${HEADLINE_BODY}) as snippet
        from ranked r, q
        order by r.position`,
    )
    const total = rows[0]?.total ?? (request.page > 1 ? await this.countMatches(request) : 0)
    return {
      hits: rows.map((row) => ({
        threadId: row.thread_id,
        score: row.score,
        title: toHighlighted(row.title_hl),
        snippet: toHighlighted(row.snippet),
      })),
      total: Math.min(total, RANKED_SET_CAP),
      capped: total > RANKED_SET_CAP,
      searchable: true,
    }
  }

  /** Matches for a page past the end, so the page can say how many there are. */
  private async countMatches(request: SearchRequest): Promise<number> {
    const [row] = await queryRows<{ total: number }>(
      this.db,
      sql`
        select count(*)::int as total from (
          select 1 from search_documents d join threads t on t.id = d.thread_id
          where d.document @@ websearch_to_tsquery('english', ${request.text}) and t.hidden_at is null ${this.filterSql(request)}
          limit ${RANKED_SET_CAP + 1}) m`,
    )
    return row?.total ?? 0
  }

  private filterSql(request: SearchRequest): SQL {
    const { filters } = request
    const parts: SQL[] = []
    if (filters.categoryId) parts.push(sql`and t.category_id = ${filters.categoryId}`)
    if (filters.tag)
      parts.push(sql`and exists (select 1 from thread_tags tt join tags tg on tg.id = tt.tag_id
                                 where tt.thread_id = t.id and tg.name = ${filters.tag})`)
    if (filters.state === 'solved') parts.push(sql`and t.accepted_reply_id is not null`)
    if (filters.state === 'unanswered') parts.push(sql`and t.answered_at is null`)
    if (filters.from) parts.push(sql`and t.created_at >= ${filters.from.toISOString()}::timestamptz`)
    if (filters.to) parts.push(sql`and t.created_at < ${filters.to.toISOString()}::timestamptz`)
    return sql.join(parts, sql` `)
  }

  /** Replaces words missing from the vocabulary by the closest known word (pg_trgm), if any. */
  private async correct(text: string): Promise<string | null> {
    const words = [...new Set(text.toLowerCase().match(/[a-z][a-z0-9]{2,29}/g) ?? [])].slice(0, 8)
    if (words.length === 0) return null
    const rows = await queryRows<{ word: string; suggestion: string | null }>(
      this.db,
      sql`
        select w.word, (
          select s.term from search_terms s
          where s.term % w.word and s.term <> w.word
          order by similarity(s.term, w.word) desc, s.frequency desc limit 1) as suggestion
        from unnest(${sql`array[${sql.join(words.map((word) => sql`${word}`), sql`, `)}]::text[]`}) as w(word)
        where not exists (select 1 from search_terms k where k.term = w.word)`,
    )
    let corrected = text
    let changed = false
    for (const row of rows) {
      if (!row.suggestion) continue
      corrected = corrected.replace(new RegExp(`\\b${row.word}\\b`, 'gi'), row.suggestion)
      changed = true
    }
    return changed ? corrected : null
  }

  /**
   * Threads like a question being written. The title's and body's words are weighed by how
   * rare they are in the forum (IDF from search_lexemes) and by where they occur in each
   * candidate (title over question over answers), plus the titles' trigram similarity.
   */
  async similar(request: SimilarRequest): Promise<SimilarHit[]> {
    const terms = await this.similarTerms(request)
    if (terms.length === 0 && !request.title.trim()) return []
    const weights = SIMILAR_WEIGHTS
    const candidateTerms = [...terms].sort((a, b) => b.weight - a.weight).slice(0, weights.candidateTerms)
    const candidateQuery = candidateTerms.map((term) => `'${term.lexeme.replace(/'/g, "''")}'`).join(' | ')
    const termValues = terms.length
      ? sql.join(terms.map((term) => sql`(${term.lexeme}, ${term.weight}::float8)`), sql`, `)
      : sql`(null::text, 0::float8)`
    const rows = await queryRows<{ thread_id: number; score: number }>(
      this.db,
      sql`
        with terms(lexeme, weight) as (values ${termValues}),
        tq as (select weight, to_tsquery('simple', quote_literal(lexeme)) as q from terms where lexeme is not null),
        candidates as (
          (select d.thread_id from search_documents d
           where ${candidateQuery ? sql`d.document @@ to_tsquery('simple', ${candidateQuery})` : sql`false`}
           limit ${weights.candidateCap})
          union
          (select d.thread_id from search_documents d where d.title % ${request.title} limit 100))
        select d.thread_id,
          (coalesce((select sum(tq.weight * ts_rank(${weights.fields}::float4[], d.document, tq.q, 0)) from tq where d.document @@ tq.q), 0)
            + ${weights.titleSimilarity} * similarity(d.title, ${request.title}))::float8 as score
        from candidates c
        join search_documents d on d.thread_id = c.thread_id
        join threads t on t.id = d.thread_id and t.hidden_at is null
        order by score desc, d.thread_id desc
        limit ${request.limit}`,
    )
    return rows.filter((row) => row.score > 0).map((row) => ({ threadId: row.thread_id, score: row.score }))
  }

  /** The request's distinct stemmed words with their weight: IDF times where they came from. */
  private async similarTerms(request: SimilarRequest): Promise<{ lexeme: string; weight: number }[]> {
    const weights = SIMILAR_WEIGHTS
    const rows = await queryRows<{ lexeme: string; origin_weight: number; df: number; n: number }>(
      this.db,
      sql`
        with title_terms as (
          select u.lexeme, ${weights.titleTerm}::float8 as w from unnest(to_tsvector('english', ${request.title})) u),
        body_terms as (
          select u.lexeme, ${weights.bodyTerm}::float8 as w from unnest(to_tsvector('english', left(${request.body ?? ''}, 5000))) u
          order by coalesce(array_length(u.positions, 1), 1) desc limit ${weights.bodyTermLimit}),
        terms as (
          select lexeme, sum(w)::float8 as origin_weight
          from (select * from title_terms union all select * from body_terms) x group by lexeme)
        select terms.lexeme, terms.origin_weight, coalesce(l.doc_count, 0) as df,
          coalesce((select doc_count from search_lexemes where lexeme = ''), 0) as n
        from terms left join search_lexemes l on l.lexeme = terms.lexeme`,
    )
    return rows
      .filter((row) => row.df > 0)
      .map((row) => ({
        lexeme: row.lexeme,
        // BM25's IDF: words in most documents count for little, rare words for a lot.
        weight: row.origin_weight * Math.log(1 + (row.n - row.df + 0.5) / (row.df + 0.5)),
      }))
  }
}

/** Tuning of similar-question ranking, measured by bench/search (SemEval-2016 MAP). */
export const SIMILAR_WEIGHTS = {
  titleTerm: 2,
  bodyTerm: 1,
  bodyTermLimit: 30,
  candidateTerms: 10,
  candidateCap: 1000,
  /** ts_rank weights for D, C, B, A: replies, accepted answer, question, title. */
  fields: '{0.2, 0.4, 0.6, 1.0}',
  titleSimilarity: 0.5,
}
