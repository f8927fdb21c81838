import { eq, sql, type SQL } from 'drizzle-orm'
import { LRUCache } from 'lru-cache'
import type { Db } from '../db/client'
import { searchIndexEpoch } from '../db/schema'
import { queryRows, queryRowsInOneTrip } from '../db/client'
import { maintainSearchTier, readSearchTier, TIER_DOCUMENTS, type SearchTier } from './search-tier'
import { highlightTitle, queryLexemes, snippetOf } from './snippets'
import type { SearchIndex, SearchRequest, SearchResponse, SimilarHit, SimilarRequest } from './types'

// PostgreSQL full-text search, the default engine. Documents are weighted tsvectors (title A,
// question B, accepted answer C, other replies D) in search_documents, built set-wise in SQL.

/**
 * Searches rank (or sort by votes or date) at most this many matches: the newest ones. GIN
 * cannot hand matches over best-first, so ranking every match would cost in proportion to the
 * forum; ranking a fixed number of the newest keeps a broad query's cost flat, and in a support
 * forum the newest threads about a problem are the likeliest to be about today's product.
 */
export const RANKED_SET_CAP = 500
/**
 * A phrase ("update failed") is first matched from the index alone, by its word pairs where they
 * can be used (see requiredPhrases) and otherwise by its words, and only the newest this many of
 * those are read to check the phrase: positions are not in a GIN index, so each check reads the
 * whole document.
 */
export const PHRASE_CHECK_CAP = 1500
/** Below this many results, the query is tried again with misspelt words corrected. */
const FEW_RESULTS = 3
const BODY_CHARS = 4000
const ACCEPTED_CHARS = 2000
const REPLIES_CHARS = 3000
/** The vocabulary for "did you mean" is read from this much of each question, cut at a word. */
const TERMS_CHARS = 1000

/**
 * What a set of documents (`old` or `inserted`, with their document and filter fields) adds to
 * search_lexemes: one per lexeme they hold, one in all (''), one per filter value (see its schema).
 */
const documentCounts = (documents: SQL) => sql`
  select u.lexeme, count(*)::int as n from ${documents}, unnest(${documents}.document) u group by u.lexeme
  union all select '', count(*)::int from ${documents}
  union all select f.key, count(*)::int from ${documents}, lateral (values
      (${FILTER_KEYS.category}::text || ${documents}.category_id),
      (case when ${documents}.solved then ${FILTER_KEYS.solved}::text end),
      (case when not ${documents}.answered then ${FILTER_KEYS.unanswered}::text end)) f(key)
    where f.key is not null group by f.key`

/** Keys of search_lexemes rows counting documents per filter value (no lexeme starts with a space). */
const FILTER_KEYS = { category: ' category ', solved: ' solved', unanswered: ' unanswered' }

/** A thread's document as search_vectors keeps it in line: read by key, not through TOAST. */
const vectorOf = (threadId: SQL) => sql`(select v.document from search_vectors v where v.thread_id = ${threadId})`

/**
 * The same as a row `v` to join laterally (read only `when` that holds), so that its vector can be
 * both tested and ranked. The OFFSET keeps it a subquery, read by key in a nested loop, newest row
 * first, rather than a join the planner might make by hashing the whole table.
 */
const vectorRow = (threadId: SQL, when: SQL = sql`true`) =>
  sql`(select v.document from search_vectors v where ${when} and v.thread_id = ${threadId} offset 0) v`

const idList = (ids: number[]) => sql`array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::int[]`

/** Answers kept per engine (per app instance): searches and similar-question lookups, each under its request. */
const KEPT_ANSWERS = 2000
/** A bound on how long an answer is kept at all: its epoch already says whether it is current. */
const KEPT_ANSWER_MS = 10 * 60_000

/** The request as a key: the same words however they were spaced, the same filters and page. */
function requestKey(kind: 'search' | 'similar', request: SearchRequest | SimilarRequest): string {
  const spaced = (text: string | undefined) => (text ?? '').trim().replace(/\s+/g, ' ')
  if (kind === 'similar') {
    const { title, body, limit } = request as SimilarRequest
    return JSON.stringify(['similar', spaced(title), spaced(body), limit])
  }
  const { text, filters, sort, page, pageSize } = request as SearchRequest
  return JSON.stringify(['search', spaced(text), filters.categoryId ?? null, filters.tag ?? null, filters.state ?? null, filters.from?.toISOString() ?? null, filters.to?.toISOString() ?? null, sort, page, pageSize])
}

const readEpoch = (db: Db) => db.select({ value: searchIndexEpoch.value }).from(searchIndexEpoch).where(eq(searchIndexEpoch.id, 1)).prepare('search_index_epoch')

export class PostgresSearchIndex implements SearchIndex {
  readonly engine = 'postgres'
  /**
   * Answers kept under the index's epoch (search_index_epoch, moved by triggers on every write to
   * the index's tables, migration 0033, and on what a search reads besides them: a thread hidden or
   * shown, a tag added or taken off, migration 0035), read before the answer is computed: a kept
   * answer is used only while the epoch is unchanged, so a reindexed, new, hidden or removed thread
   * shows in the next answer. An answer holds thread ids, scores and highlighted text of the index only; the
   * caller reads each thread afresh and drops hidden ones (searchForum, findSimilarQuestions),
   * and nothing in it depends on who asked.
   */
  private readonly kept = new LRUCache<string, { epoch: number; answer: SearchResponse | SimilarHit[] }>({ max: KEPT_ANSWERS, ttl: KEPT_ANSWER_MS })
  private readonly epochStatement: ReturnType<typeof readEpoch>
  private pairStatistics: { shares: Map<number, number>; otherwise: number; until: number } | null = null
  private tier: { tier: SearchTier | null; until: number } | null = null
  private readonly windowEdges = new Map<number, { edges: { edge: string; wider: string } | null; until: number }>()

  constructor(
    private readonly db: Db,
    /**
     * The caps above; tests lower them to see what happens past them without thousands of
     * threads, and may choose how matches are found instead of leaving it to the estimate.
     */
    private readonly limits: { rankedSet: number; phraseCheck: number; path?: MatchingPlan['path']; tierDocuments?: number } = {
      rankedSet: RANKED_SET_CAP,
      phraseCheck: PHRASE_CHECK_CAP,
    },
  ) {
    this.epochStatement = readEpoch(db)
  }

  /** The kept answer to this request if the index has not changed since, else computed and kept. */
  private async keptAnswer<T extends SearchResponse | SimilarHit[]>(key: string, compute: () => Promise<T>): Promise<T> {
    const [row] = await this.epochStatement.execute()
    const epoch = row?.value ?? -1
    const kept = this.kept.get(key)
    if (kept && kept.epoch === epoch) return kept.answer as T
    const answer = await compute()
    this.kept.set(key, { epoch, answer })
    return answer
  }

  async indexThreads(threadIds: number[]): Promise<void> {
    const ids = [...new Set(threadIds)]
    if (ids.length === 0) return
    await this.db.transaction(async (tx) => {
      // Take the old documents out, and their words out of the document frequencies.
      await tx.execute(sql`
        with old as (delete from search_documents where thread_id = any(${idList(ids)}) returning document, category_id, solved, answered),
        counts as (${documentCounts(sql`old`)})
        update search_lexemes l set doc_count = greatest(l.doc_count - counts.n, 0)
        from counts where l.lexeme = counts.lexeme`)
      // Build the new documents of the threads that are visible, and count their words in.
      await tx.execute(sql`
        with docs as (
          select t.id as thread_id, t.title, left(t.body_text, ${BODY_CHARS}) as body,
            t.category_id, t.accepted_reply_id is not null as solved, t.answered_at is not null as answered,
            t.created_at, t.upvote_count,
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
          insert into search_documents (thread_id, title, body, document, phrase_pairs, category_id, solved, answered, created_at, upvote_count, indexed_at)
          select thread_id, title, body, document, search_phrase_pairs(document), category_id, solved, answered, created_at, upvote_count, now() from docs
          returning thread_id, document, category_id, solved, answered, created_at, upvote_count),
        vectors as (
          insert into search_vectors (thread_id, document, created_at, solved, upvote_count)
          select thread_id, document, created_at, solved, upvote_count from inserted),
        counts as (${documentCounts(sql`inserted`)})
        insert into search_lexemes (lexeme, doc_count)
        select lexeme, n from counts where n > 0
        on conflict (lexeme) do update set doc_count = search_lexemes.doc_count + excluded.doc_count`)
      // Unstemmed words of titles and questions: the vocabulary for "did you mean". The cut falls
      // between words: half a word would become a "word" that suggestions prefer for being short.
      await tx.execute(sql`
        insert into search_terms (term, frequency)
        select u.lexeme, count(*)::int from search_documents d,
          unnest(to_tsvector('simple', d.title || ' ' || (case when length(d.body) > ${TERMS_CHARS} then regexp_replace(left(d.body, ${TERMS_CHARS + 1}), '\\S*$', '') else d.body end))) u
        where d.thread_id = any(${idList(ids)}) and u.lexeme ~ '^[a-z][a-z0-9]{2,29}$'
        group by u.lexeme
        on conflict (term) do update set frequency = search_terms.frequency + excluded.frequency`)
    })
  }

  async clear(): Promise<void> {
    await this.db.execute(sql`truncate search_documents, search_vectors, search_lexemes, search_terms`)
  }

  /**
   * PostgreSQL's statistics of the rebuilt tables, which plan its queries and tell how common each
   * phrase pair is (see phraseShare). A server's autovacuum keeps them afterwards; PGlite has none.
   */
  async rebuilt(): Promise<void> {
    await this.db.execute(sql`analyze search_documents, search_vectors, search_lexemes, search_terms`)
    this.pairStatistics = null
  }

  /** Keeps the tier of newest documents (see search-tier.ts) in step with the forum. */
  async maintain(now: Date): Promise<Record<string, unknown> | null> {
    const { built, dropped } = await maintainSearchTier(this.db, now, this.limits.tierDocuments ?? TIER_DOCUMENTS)
    if (built || dropped.length > 0) this.tier = null
    return built || dropped.length > 0 ? { tierBuilt: built?.name ?? null, tiersDropped: dropped } : null
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    return this.keptAnswer(requestKey('search', request), () => this.searchAfresh(request))
  }

  private async searchAfresh(request: SearchRequest): Promise<SearchResponse> {
    const { corrected, ...first } = await this.run(request, { correct: true })
    if (!first.searchable || first.total >= FEW_RESULTS || !corrected) return first
    const { corrected: _, ...second } = await this.run({ ...request, text: corrected })
    return second.total > first.total ? { ...second, correctedText: corrected } : first
  }

  /**
   * One try of a query. With `correct`, its first statement also looks up the closest known word
   * for each word missing from the vocabulary (pg_trgm), which the query needs when it finds little:
   * a misspelt word is known to find nothing before anything else is run, and the correction then
   * costs no statement of its own.
   */
  private async run(request: SearchRequest, { correct = false } = {}): Promise<SearchResponse & { corrected: string | null }> {
    const counted = countedFilters(request.filters)
    const phrases = requiredPhrases(request.text)
    // The query's words outside its phrases, when they are only words to find (no exclusions).
    const outside = phrases.length > 0 && everyWordRequired(request.text) ? request.text.replace(/"[^"]*"/g, ' ') : null
    const [check] = await queryRowsInOneTrip<{
      searchable: boolean
      query_tree: string | null
      snowball_3: boolean
      documents: number
      frequencies: number[]
      filter_counts: number[]
      phrase_pairs: number[]
      words_outside: boolean
      misspelt: string[]
      suggestions: (string | null)[]
    }>(
      this.db,
      sql`
        select numnode(websearch_to_tsquery('english', ${request.text})) > 0 as searchable,
          querytree(websearch_to_tsquery('english', ${request.text})) as query_tree,
          ts_lexize('english_stem', 'added') = '{add}' as snowball_3,
          ${
            phrases.length > 0
              ? sql`(select coalesce(array_agg(distinct k), '{}')
                     from unnest(array[${sql.join(phrases.map((phrase) => sql`${phrase}`), sql`, `)}]::text[]) p(phrase),
                       unnest(search_phrase_pairs(to_tsvector('english', p.phrase))) k)`
              : sql`'{}'::int[]`
          } as phrase_pairs,
          ${outside !== null ? sql`numnode(websearch_to_tsquery('english', ${outside})) > 0` : sql`true`} as words_outside,
          coalesce((select l.doc_count from search_lexemes l where l.lexeme = ''), 0) as documents,
          (select coalesce(array_agg(coalesce(l.doc_count, 0)), '{}')
           from unnest(tsvector_to_array(to_tsvector('english', ${request.text}))) u(lexeme)
           left join search_lexemes l on l.lexeme = u.lexeme) as frequencies,
          (select coalesce(array_agg(coalesce(l.doc_count, 0) order by k.n), '{}')
           from unnest(array[${sql.join([sql`''`, ...counted.keys.map((key) => sql`${key}`)], sql`, `)}]::text[]) with ordinality k(key, n)
           left join search_lexemes l on l.lexeme = k.key where k.key <> '') as filter_counts,
          m.misspelt, m.suggestions
        from ${misspellingsSql(correct ? request.text : null)} m`,
    )
    const corrected = check ? correctedText(request.text, check.misspelt, check.suggestions) : null
    if (!check?.searchable) return { hits: [], total: 0, capped: false, searchable: false, corrected }
    // A word no document holds, which every match must hold: nothing to look for.
    if (everyWordRequired(request.text) && check.frequencies.includes(0)) return { hits: [], total: 0, capped: false, searchable: true, corrected }

    // The query is written out (not in a CTE) wherever it is used, so the planner sees its words.
    const query = sql`websearch_to_tsquery('english', ${request.text})`
    // Filters counted in search_lexemes keep their share of the documents; the others are guessed.
    const filterShare =
      check.filter_counts.reduce((share, count) => share * Math.min(1, count / Math.max(check.documents, 1)), 1) *
      FILTER_SHARE_GUESS ** counted.uncounted
    const filters = this.filterSql(request)
    const wordsOfPhrases = loosenPhrases(request.text)
    // A phrase is first matched from the index alone, then the newest of those documents are
    // checked for the phrase (positions are not in the index: each check reads the whole document).
    // Each document's word pairs (a word, the next and how far apart) are indexed too, so a phrase
    // of two words or more is matched as its pairs (plus the query's other words): nearly only
    // documents holding it. Otherwise, or next to an exclusion, as its words.
    const pairs = check.phrase_pairs.length > 0 ? sql`d.phrase_pairs @> ${idList(check.phrase_pairs)}` : null
    const wordShare = (isOnePhrase(request.text) ? togetherShare : blendedShare)(check.frequencies, check.documents)
    // Pairs are hashed, so other pairs share their keys: if those are in many more documents than
    // the words (or nothing is known of them yet), the words narrow the candidates too. Pairs are
    // preferred up to PAIR_PREFERENCE times the words' share: given both, PostgreSQL (estimating
    // the words rarer than they are) often tests the pairs row by row, reading each word match's
    // pairs out of line, which costs several times a pair match's narrow row.
    const pairShare = await this.phraseShare(check.phrase_pairs)
    const pairMatched = pairs !== null && outside !== null && pairShare <= PAIR_PREFERENCE * wordShare
    const match = pairMatched
      ? check.words_outside
        ? sql`${pairs} and d.document @@ websearch_to_tsquery('english', ${outside})`
        : pairs!
      : wordsOfPhrases
        ? sql`d.document @@ websearch_to_tsquery('english', ${wordsOfPhrases})${pairs ? sql` and ${pairs}` : sql``}`
        : sql`d.document @@ ${query}`
    // Where a statement reads a match's vector (a walk, a phrase's check), it ranks it there too
    // when the order is relevance, rather than reading the vector again to rank it.
    const rankOf = (vector: SQL) => (request.sort === 'relevance' ? sql`ts_rank_cd(${vector}, ${query}, 1)` : sql`null::float4`)
    // A walk reads each row's vector (in line) and tests the whole query on it, phrases included,
    // so it looks for the ranked set's matches themselves rather than candidates. A phrase's pairs
    // are tested too, on the vector's matches, so that the stop words in its gaps are not taken for
    // other words, as on every path; only where it has a gap (PostgreSQL's `<2>` for "reset my
    // password"): words next to each other are a word and the next, which the vector tells exactly.
    const gapPairs = pairs && /<\d+>/.test(check.query_tree ?? '') ? pairs : null
    const walk = { vectorMatch: sql`v.document @@ ${query}`, pairs: gapPairs, rank: rankOf(sql`v.document`), wanted: this.limits.rankedSet + 1 }
    // Without filters a walk goes through the vectors themselves, in date order (see newestMatches).
    const unfiltered = counted.keys.length === 0 && counted.uncounted === 0
    // Candidates found by their pairs nearly all hold the phrase: twice the ranked set leaves room
    // for those that share a hashed pair or hold the words in another order.
    const wanted = !wordsOfPhrases
      ? this.limits.rankedSet + 1
      : pairMatched
        ? Math.min(this.limits.phraseCheck, 2 * (this.limits.rankedSet + 1))
        : this.limits.phraseCheck
    const tier = await this.currentTier()
    const tierDocuments = tier ? tier.documents + Math.max(0, check.documents - tier.forumDocuments) : undefined
    const plan =
      this.forcedPlan(wanted) ??
      planMatching(
        {
          // Words asked about together tend to come together; the words of a phrase nearly always do.
          wordShare: Math.min(wordShare, pairShare),
          filterShare,
          // The category's count comes first (see countedFilters).
          walkShare: request.filters.categoryId ? (check.filter_counts[0] ?? 0) / Math.max(check.documents, 1) : 1,
          documents: check.documents,
          tierDocuments,
          wanted,
          walkWanted: walk.wanted,
          postings: check.frequencies.reduce((sum, frequency) => sum + frequency, 0),
          unfiltered,
          walkTestsPairs: gapPairs !== null,
        },
      )
    const newest = await this.newestMatches(
      plan,
      { match, wanted, walk },
      unfiltered ? null : { filters, categoryId: request.filters.categoryId },
      tier && { edge: tier.edge, documents: tierDocuments! },
    )
    // The newest matches as narrow rows, one more than the cap. Phrases are checked newest first,
    // one vector at a time, until enough are found; a walk's rows were tested whole already.
    const matches = wordsOfPhrases
      ? sql`
        select m.thread_id, m.created_at, m.upvote_count, m.solved, m.tested,
          coalesce(m.rank, ${rankOf(sql`v.document`)}) as rank
        from (select * from (${newest.sql}) n order by n.created_at desc, n.thread_id desc offset 0) m
        left join lateral ${vectorRow(sql`m.thread_id`, sql`not m.tested`)} on true
        where m.tested or v.document @@ ${query} limit ${this.limits.rankedSet + 1}`
      : newest.sql
    const score = sql`(coalesce(m.rank, ts_rank_cd(${vectorOf(sql`m.thread_id`)}, ${query}, 1))
      * (case when m.solved then 1.3 else 1 end) * (1 + ln(1 + greatest(m.upvote_count, 0)) * 0.15))::float8`
    // Only relevance needs every candidate's score; the other orders score the page they show.
    const page =
      request.sort === 'relevance'
        ? sql`select s.*, row_number() over (order by s.score desc, s.thread_id desc) as position
              from (select m.*, ${score} as score from matches m) s`
        : sql`select m.*, null::float8 as score, row_number() over (order by ${
            request.sort === 'newest' ? sql`m.created_at desc, m.thread_id desc` : sql`m.upvote_count desc, m.created_at desc, m.thread_id desc`
          }) as position from matches m`
    const rows = await queryRowsInOneTrip<{ thread_id: number; score: number; total: number; title: string; body: string }>(
      this.db,
      sql`
        with found as materialized (${matches}),
        -- One more than the cap is found only to know that there are more.
        matches as (select * from found order by created_at desc, thread_id desc limit ${this.limits.rankedSet}),
        page as (${page} order by position limit ${request.pageSize} offset ${(request.page - 1) * request.pageSize})
        select m.thread_id, coalesce(m.score, ${score}) as score, (select count(*)::int from found) as total, d.title, d.body
        from page m
        join search_documents d on d.thread_id = m.thread_id
        -- A thread hidden since it was indexed leaves the index through the outbox; until then it is skipped here.
        join threads t on t.id = m.thread_id and t.hidden_at is null
        order by m.position`,
      plannerSettings(newest.path),
    )
    const total = rows[0]?.total ?? (request.page > 1 ? await this.countMatches(request) : 0)
    const terms = { lexemes: queryLexemes(check.query_tree), snowball: check.snowball_3 ? 3 : 2 } as const
    return {
      hits: rows.map((row) => ({
        threadId: row.thread_id,
        score: row.score,
        title: highlightTitle(row.title, terms),
        snippet: snippetOf(row.body, terms),
      })),
      total: Math.min(total, this.limits.rankedSet),
      capped: total > this.limits.rankedSet,
      searchable: true,
      corrected,
    }
  }

  /**
   * At most what share of documents holds these phrase pairs, from PostgreSQL's statistics of the
   * column (its most common elements and their frequencies, and a bound for all others), or 1 when
   * there are none yet (no ANALYZE has run). The statistics are remembered for a minute.
   */
  private async phraseShare(pairs: number[]): Promise<number> {
    if (pairs.length === 0) return 1
    if (!this.pairStatistics || this.pairStatistics.until <= performance.now()) {
      const [row] = await queryRows<{ elements: number[] | null; frequencies: number[] | null }>(
        this.db,
        sql`select most_common_elems::text::int[] as elements, most_common_elem_freqs as frequencies from pg_stats
            where schemaname = current_schema() and tablename = 'search_documents' and attname = 'phrase_pairs'`,
      )
      const elements = row?.elements ?? []
      const frequencies = (row?.frequencies ?? []).map(Number)
      this.pairStatistics = {
        shares: new Map(elements.map((element, i) => [element, frequencies[i]!])),
        // After the elements' frequencies come their minimum, maximum and the share of nulls: an
        // element not listed is in at most the minimum's share.
        otherwise: elements.length > 0 ? frequencies[elements.length]! : 1,
        until: performance.now() + STATISTICS_MEMORY_MS,
      }
    }
    const { shares, otherwise } = this.pairStatistics
    return Math.min(...pairs.map((pair) => shares.get(pair) ?? otherwise))
  }

  /** The newest tier of the index (see search-tier.ts), remembered for a minute. */
  private async currentTier(): Promise<SearchTier | null> {
    if (!this.tier || this.tier.until <= performance.now()) this.tier = { tier: await readSearchTier(this.db), until: performance.now() + STATISTICS_MEMORY_MS }
    return this.tier.tier
  }

  /** The plan tests ask for, to see each path on a small forum. */
  private forcedPlan(wanted: number): MatchingPlan | null {
    switch (this.limits.path) {
      case 'walk':
        return { path: 'walk', budget: wanted * 8 }
      case 'window':
        // One document: too few, so the wider window and reading every match are tried too.
        return { path: 'window', window: 1 }
      case 'sorted':
        return { path: 'sorted' }
      default:
        return null
    }
  }

  /**
   * The newest `wanted` matches along the plan's path. A walk that finds fewer than wanted (the
   * estimate was wrong) falls back to reading every match; a window, to a window eight times
   * longer and then to every match; all in the same statement.
   */
  private async newestMatches(
    plan: MatchingPlan,
    { match, wanted, walk }: { match: SQL; wanted: number; walk: { vectorMatch: SQL; pairs: SQL | null; rank: SQL; wanted: number } },
    /** The search's filters (their SQL, and the category it is filtered to), or null for none. */
    filtering: { filters: SQL; categoryId: number | undefined } | null,
    /** The tier's edge and how many documents its indexes hold now. */
    tier: { edge: Date; documents: number } | null,
  ): Promise<{ sql: SQL; path: MatchingPlan['path'] }> {
    // The fields every way returns, the same in each arm of a union. Only a walk reads the vectors,
    // and tests the whole query on them (`tested`): it may rank them as it goes (see run).
    // They are read from search_documents (`d`) or, by a walk without filters, search_vectors (`v`).
    const fields = (row: 'd' | 'v', tested: boolean, rank: SQL) => {
      const from = sql.identifier(row)
      return sql`${from}.thread_id, ${from}.created_at, ${from}.upvote_count, ${from}.solved, ${tested ? sql`true` : sql`false`} as tested, ${rank} as rank`
    }
    const columns = fields('d', false, sql`null::float4`)
    const filters = filtering?.filters ?? sql``
    // Every match read from the index, the newest kept (the order is written so that the
    // created_at index cannot give it: walking it would read every document).
    const sorted = sql`
      select ${columns} from search_documents d where true ${filters} and ${match}
      order by d.created_at + interval '0 s' desc, d.thread_id desc limit ${wanted}`
    // `first`'s rows if there are `enough` of them, otherwise `fallback`'s (run only then).
    const orElse = (first: SQL, fallback: SQL, enough = wanted) => sql`
      with tried as materialized (${first})
      select * from tried where (select count(*) from tried) >= ${enough}
      union all
      select * from (${fallback}) s where (select count(*) from tried) < ${enough}`
    const orEverything = (first: SQL, enough = wanted) => orElse(first, sorted, enough)
    if (plan.path === 'walk' && !filtering) {
      // The newest vectors, each tested where it lies (in date order, search_vectors_created_idx),
      // with the fields ranking needs beside it; only a phrase with a gap has its matches' rows of
      // search_documents read, for their pairs.
      const pairsOf = walk.pairs
        ? sql`cross join lateral (select d.phrase_pairs from search_documents d where d.thread_id = v.thread_id offset 0) d`
        : sql``
      return {
        path: 'walk',
        sql: orEverything(
          sql`
          select ${fields('v', true, walk.rank)}
          from (select * from search_vectors v order by v.created_at desc, v.thread_id desc limit ${plan.budget}) v
          ${pairsOf}
          where ${walk.vectorMatch}${walk.pairs ? sql` and ${walk.pairs}` : sql``}
          limit ${walk.wanted}`,
          walk.wanted,
        ),
      }
    }
    if (plan.path === 'walk') {
      // Within a category, only its threads are walked (its own index orders them by date).
      const walked = filtering?.categoryId ? sql`where d.category_id = ${filtering.categoryId}` : sql``
      // The filters are tested on the walked rows (their narrow row) before the vectors are joined
      // in, so only the rows that pass them have their vector read; a phrase's pairs only on the
      // vector's matches, since they are read out of line (in a CASE: PostgreSQL would test the
      // cheaper-looking pairs first).
      const match = walk.pairs ? sql`case when ${walk.vectorMatch} then ${walk.pairs} else false end` : walk.vectorMatch
      return {
        path: 'walk',
        sql: orEverything(
          sql`
          select ${fields('d', true, walk.rank)}
          from (select * from search_documents d ${walked} order by d.created_at desc, d.thread_id desc limit ${plan.budget}) d
          cross join lateral ${vectorRow(sql`d.thread_id`)}
          where true ${filters} and ${match}
          limit ${walk.wanted}`,
          walk.wanted,
        ),
      }
    }
    if (plan.path === 'window') {
      const inWindow = (edge: string) => sql`
        select ${columns} from search_documents d
        where ${match} and d.created_at >= ${edge}::timestamptz ${filters}
        order by d.created_at desc, d.thread_id desc limit ${wanted}`
      const edges = await this.windowEdge(plan.window)
      const tierEdge = tier?.edge.toISOString()
      // A window the tier holds, as the cost model counted it, is read from the tier's indexes even
      // where its rounded size reaches a little past the tier.
      const edge = edges && tierEdge && plan.window <= tier!.documents && edges.edge < tierEdge ? tierEdge : edges?.edge
      // A window too small for the words (they come together less than estimated) is tried again
      // wider before every match is read: reading them all costs far more at a million threads.
      // A window inside the tier widens at most to the tier, whose indexes hold it.
      const wider = edges && tierEdge && edge! >= tierEdge && edges.wider < tierEdge ? tierEdge : edges?.wider
      if (edge && wider) return { path: 'window', sql: orElse(inWindow(edge), orEverything(inWindow(wider))) }
    }
    return { path: 'sorted', sql: sorted }
  }

  /**
   * Where a window of at least the newest `size` documents begins (its oldest created_at, ties
   * included), or null when the forum is smaller; and where a window WIDER_WINDOW times as long in
   * time begins (about as many times the documents, if they keep arriving at the same pace: any edge
   * is correct, only the cost depends on it, and this one costs no scan). Sizes are rounded up to
   * powers of √2 and their edges remembered for a minute: an edge that has aged only widens the
   * window with the documents indexed since (newer than the edge), so the newest matches in it are
   * still the newest of all.
   */
  private async windowEdge(size: number): Promise<{ edge: string; wider: string } | null> {
    const rounded = windowSizeFor(size)
    const remembered = this.windowEdges.get(rounded)
    if (remembered && remembered.until > performance.now()) return remembered.edges
    const [row] = await queryRows<{ edge: Date | string | null; newest: Date | string | null }>(
      this.db,
      sql`select (select created_at from search_documents order by created_at desc, thread_id desc offset ${rounded - 1} limit 1) as edge,
                 (select created_at from search_documents order by created_at desc, thread_id desc limit 1) as newest`,
    )
    let edges: { edge: string; wider: string } | null = null
    if (row?.edge && row.newest) {
      // Milliseconds: a timestamp cut to them can only widen the window.
      const edge = new Date(row.edge).getTime()
      const newest = new Date(row.newest).getTime()
      edges = { edge: new Date(edge).toISOString(), wider: new Date(newest - WIDER_WINDOW * (newest - edge)).toISOString() }
    }
    this.windowEdges.set(rounded, { edges, until: performance.now() + WINDOW_EDGE_MEMORY_MS })
    return edges
  }

  /** Matches for a page past the end, so the page can say how many there are. */
  private async countMatches(request: SearchRequest): Promise<number> {
    const [row] = await queryRows<{ total: number }>(
      this.db,
      sql`
        select count(*)::int as total from (
          select 1 from search_documents d
          where d.document @@ websearch_to_tsquery('english', ${request.text}) ${this.filterSql(request)}
          limit ${this.limits.rankedSet + 1}) m`,
    )
    return row?.total ?? 0
  }

  /**
   * Filters on the document's copies of the thread's fields, so matching never reads `threads`:
   * they are tested on the narrow row, and when walking, before the document is read.
   */
  private filterSql(request: SearchRequest): SQL {
    const { filters } = request
    const parts: SQL[] = []
    if (filters.categoryId) parts.push(sql`and d.category_id = ${filters.categoryId}`)
    if (filters.tag)
      parts.push(sql`and exists (select 1 from thread_tags tt join tags tg on tg.id = tt.tag_id
                                 where tt.thread_id = d.thread_id and tg.name = ${filters.tag})`)
    if (filters.state === 'solved') parts.push(sql`and d.solved`)
    if (filters.state === 'unanswered') parts.push(sql`and not d.answered`)
    if (filters.from) parts.push(sql`and d.created_at >= ${filters.from.toISOString()}::timestamptz`)
    if (filters.to) parts.push(sql`and d.created_at < ${filters.to.toISOString()}::timestamptz`)
    return sql.join(parts, sql` `)
  }

  /**
   * Threads like a question being written. The title's and body's words are weighed by how
   * rare they are in the forum (IDF from search_lexemes) and by where they occur in each
   * candidate (title over question over answers), plus the titles' trigram similarity.
   *
   * Candidates come from the index alone: the threads holding the request's rarest words, each
   * word's newest few hundred, counted by the weight of the words they hold. Only the best of
   * them have their documents read and scored, once each.
   */
  async similar(request: SimilarRequest): Promise<SimilarHit[]> {
    return this.keptAnswer(requestKey('similar', request), () => this.similarAfresh(request))
  }

  private async similarAfresh(request: SimilarRequest): Promise<SimilarHit[]> {
    const [terms] = await this.similarTerms([request])
    if (!terms || terms.length === 0) return []
    const weights = SIMILAR_WEIGHTS
    const candidates = await this.candidateTerms(terms)
    const postings = sql.join(
      candidates.map(({ term, edges }) => sql`(${postingsOf(term.lexeme, edges, sql`${weightUnits(term.weight)}::int8 as weight`)})`),
      sql` union all `,
    )
    const fields = sql`${weights.fields}::float4[]`
    const rows = await queryRowsInOneTrip<{ thread_id: number; score: number }>(
      this.db,
      sql`
        with candidates as (
          select p.thread_id from (${postings}) p
          group by p.thread_id order by sum(p.weight) desc, p.thread_id desc limit ${weights.candidateCap}),
        -- Each word counts at its weight times ts_rank of the document for that word alone: the
        -- weight of the best field it occurs in, a little more for each further occurrence (ts_rank
        -- divides by π²/6, the most its further occurrences can add, undone here so that a word
        -- once in a title counts its weight). One ts_rank per word finds the word by binary search
        -- in the document: about a third of the cost of cutting the document down to the request's
        -- words and unnesting them.
        scored as (
          select c.thread_id, (${sql.join(
            terms.map((term) => sql`${term.weight}::float8 * ts_rank(${fields}, v.document, ${tsqueryOfLexeme(term.lexeme)}::tsquery, 0)`),
            sql` + `,
          )}) * ${Math.PI ** 2 / 6}::float8 as words
          from candidates c
          join search_vectors v on v.thread_id = c.thread_id),
        -- A thread hidden since it was indexed leaves the index through the outbox; until then it is skipped here.
        visible as (select s.*, t.title from scored s join threads t on t.id = s.thread_id and t.hidden_at is null),
        -- The titles' similarity adds at most its weight: only threads it could lift into the
        -- results have it computed (trigrams of every candidate's title cost as much as the words).
        contenders as (
          select * from visible
          where words + ${weights.titleSimilarity}::float8 >= coalesce(
            (select words from visible order by words desc offset ${request.limit - 1} limit 1), 0))
        select c.thread_id, (c.words + ${weights.titleSimilarity}::float8 * similarity(c.title, ${request.title}))::float8 as score
        from contenders c
        order by score desc, c.thread_id desc
        limit ${request.limit}`,
      plannerSettings(candidates.some(({ window }) => window) ? 'window' : 'sorted'),
    )
    return rows.filter((row) => row.score > 0).map((row) => ({ threadId: row.thread_id, score: row.score }))
  }

  /**
   * Many similar() lookups at once, each answer the same as similar() gives for its request (the
   * bug-bash list asks for hundreds of titles): the words of every request are read in one
   * statement, and the postings, candidates and scores of all of them in another, each word's
   * postings read once however many requests hold it.
   */
  async similarMany(requests: SimilarRequest[]): Promise<SimilarHit[][]> {
    const answers: SimilarHit[][] = requests.map(() => [])
    const termsOf = await this.similarTerms(requests)
    const asked: { index: number; request: SimilarRequest; terms: SimilarTerm[]; candidates: CandidateTerm[] }[] = []
    for (const [index, request] of requests.entries()) {
      const terms = termsOf[index]!
      if (terms.length > 0) asked.push({ index, request, terms, candidates: await this.candidateTerms(terms) })
    }
    if (asked.length === 0) return answers
    const weights = SIMILAR_WEIGHTS
    // Each distinct (word, window) once: its postings are the same whichever request reads them.
    const keys = new Map<string, { key: number; sql: SQL }>()
    const keyOf = ({ term, edges }: CandidateTerm) => {
      const id = `${term.lexeme}\u0000${edges?.edge ?? ''}`
      let entry = keys.get(id)
      if (!entry) {
        entry = { key: keys.size, sql: postingsOf(term.lexeme, edges, sql`${keys.size}::int as key`) }
        keys.set(id, entry)
      }
      return entry.key
    }
    const shape = asked.map(({ request, terms, candidates }, n) => ({
      n,
      title: request.title,
      limit: request.limit,
      // The words whose postings give the candidates,
      keys: candidates.map(keyOf),
      keyWeights: candidates.map(({ term }) => weightUnits(term.weight)),
      // and every word with its weight, in the order similar() adds their scores.
      queries: terms.map((term) => tsqueryOfLexeme(term.lexeme)),
      queryWeights: terms.map((term) => term.weight),
    }))
    const fields = sql`${weights.fields}::float4[]`
    const rows = await queryRowsInOneTrip<{ n: number; thread_id: number; score: number }>(
      this.db,
      sql`
        with asked as materialized (
          select r.n, r.title, r.lim, r.keys, r.key_weights, r.queries::tsquery[] as queries, r.query_weights
          from jsonb_to_recordset(${JSON.stringify(shape.map((entry) => ({ n: entry.n, title: entry.title, lim: entry.limit, keys: entry.keys, key_weights: entry.keyWeights, queries: entry.queries, query_weights: entry.queryWeights })))}::jsonb)
            as r(n int, title text, lim int, keys int[], key_weights int8[], queries text[], query_weights float8[])),
        postings as materialized (${sql.join(
          [...keys.values()].map((entry) => sql`(${entry.sql})`),
          sql` union all `,
        )}),
        -- As similar() does per request: the candidates by the weight of the words they hold (in
        -- whole units, so the sum is the same in any order), then each word's ts_rank at its weight,
        -- added in the request's order of words (an aggregate reads the unnested array in order).
        request_keys as (select a.n, k.key, k.weight from asked a cross join lateral unnest(a.keys, a.key_weights) k(key, weight)),
        sums as (
          select r.n, p.thread_id, sum(r.weight)::int8 as weight
          from request_keys r join postings p on p.key = r.key
          group by r.n, p.thread_id),
        candidates as (
          select x.n, x.thread_id from (
            select s.n, s.thread_id, row_number() over (partition by s.n order by s.weight desc, s.thread_id desc) as place from sums s) x
          where x.place <= ${weights.candidateCap}),
        scored as (
          select c.n, c.thread_id, (
            select sum(q.weight * ts_rank(${fields}, v.document, q.query, 0))
            from unnest(a.query_weights, a.queries) q(weight, query)) * ${Math.PI ** 2 / 6}::float8 as words
          from candidates c
          join asked a on a.n = c.n
          join search_vectors v on v.thread_id = c.thread_id),
        visible as (
          select s.*, t.title, row_number() over (partition by s.n order by s.words desc) as place
          from scored s join threads t on t.id = s.thread_id and t.hidden_at is null),
        -- The words of each request's last place: only threads within the titles' weight of it can make it.
        edges as (select v.n, v.words from visible v join asked a on a.n = v.n and v.place = a.lim),
        results as (
          select v.n, v.thread_id, (v.words + ${weights.titleSimilarity}::float8 * similarity(v.title, a.title))::float8 as score
          from visible v
          join asked a on a.n = v.n
          left join edges e on e.n = v.n
          where v.words + ${weights.titleSimilarity}::float8 >= coalesce(e.words, 0))
        select r.n, r.thread_id, r.score from (
          select r.*, row_number() over (partition by r.n order by r.score desc, r.thread_id desc) as place from results r) r
        join asked a on a.n = r.n and r.place <= a.lim
        order by r.n, r.place`,
      // Hundreds of requests' candidates are sorted and ranked together: in memory, not on disk.
      { ...plannerSettings(asked.some(({ candidates }) => candidates.some(({ window }) => window)) ? 'window' : 'sorted'), work_mem: '64MB' },
    )
    for (const row of rows) if (row.score > 0) answers[asked[row.n]!.index]!.push({ threadId: row.thread_id, score: row.score })
    return answers
  }

  /**
   * The heaviest words first, as many as fit the budget of postings read (always at least one).
   * A word in many documents has its newest postings looked for in a window of the newest
   * documents, so it costs the rows of that window rather than all of its postings.
   */
  private async candidateTerms(terms: SimilarTerm[]): Promise<CandidateTerm[]> {
    const weights = SIMILAR_WEIGHTS
    const tier = await this.currentTier()
    const candidates: CandidateTerm[] = []
    let postingsRead = 0
    for (const term of [...terms].sort((a, b) => b.weight - a.weight).slice(0, weights.candidateTerms)) {
      const plan = planMatching(
        {
          wordShare: term.df / Math.max(term.documents, 1),
          filterShare: 1,
          documents: term.documents,
          tierDocuments: tier ? tier.documents + Math.max(0, term.documents - tier.forumDocuments) : undefined,
          wanted: weights.postingsPerTerm,
          postings: term.df,
        },
        { walk: false },
      )
      const window = plan.path === 'window' ? plan.window : null
      // In rows fetched or their cost's worth: a window costs its rows in the created_at index and
      // the postings GIN reads whole besides the rows it fetches (in the cost model's terms).
      const read = Math.ceil(plan.cost / ROW_COST.fetchedMatch)
      if (candidates.length > 0 && postingsRead + read > weights.postingsBudget) continue
      candidates.push({ term, window, edges: null })
      postingsRead += read
    }
    for (const candidate of candidates) if (candidate.window) candidate.edges = await this.windowEdge(candidate.window)
    return candidates
  }

  /**
   * Each request's distinct stemmed words with their weight (IDF times where they came from), in
   * one statement for all requests; in the order of the words, so that a request's answer never
   * depends on how the statement was planned.
   */
  private async similarTerms(requests: SimilarRequest[]): Promise<SimilarTerm[][]> {
    const weights = SIMILAR_WEIGHTS
    const rows = await queryRowsInOneTrip<{ n: number; lexeme: string; origin_weight: number; df: number; documents: number }>(
      this.db,
      sql`
        with requests as (
          select r.n, r.title, r.body
          from jsonb_to_recordset(${JSON.stringify(requests.map((request, n) => ({ n, title: request.title, body: request.body ?? '' })))}::jsonb) as r(n int, title text, body text)),
        title_terms as (
          select r.n, u.lexeme, ${weights.titleTerm}::float8 as w from requests r cross join lateral unnest(to_tsvector('english', r.title)) u),
        body_terms as (
          select r.n, b.lexeme, ${weights.bodyTerm}::float8 as w from requests r
          cross join lateral (
            select u.lexeme from unnest(to_tsvector('english', left(r.body, 5000))) u
            order by coalesce(array_length(u.positions, 1), 1) desc, u.lexeme limit ${weights.bodyTermLimit}) b),
        terms as (
          select n, lexeme, sum(w)::float8 as origin_weight
          from (select * from title_terms union all select * from body_terms) x group by n, lexeme)
        select terms.n, terms.lexeme, terms.origin_weight, coalesce(l.doc_count, 0) as df,
          coalesce((select doc_count from search_lexemes where lexeme = ''), 0) as documents
        from terms left join search_lexemes l on l.lexeme = terms.lexeme
        order by terms.n, terms.lexeme`,
    )
    const terms: SimilarTerm[][] = requests.map(() => [])
    for (const row of rows)
      if (row.df > 0)
        terms[row.n]!.push({
          lexeme: row.lexeme,
          df: row.df,
          documents: row.documents,
          // BM25's IDF: words in most documents count for little, rare words for a lot.
          weight: row.origin_weight * Math.log(1 + (row.documents - row.df + 0.5) / (row.df + 0.5)),
        })
    return terms
  }
}

interface SimilarTerm {
  lexeme: string
  weight: number
  df: number
  documents: number
}

/** A word whose postings give similar() its candidates, read within a window of the newest documents or not. */
interface CandidateTerm {
  term: SimilarTerm
  window: number | null
  edges: { edge: string; wider: string } | null
}

/**
 * A word's weight in whole millionths, for adding up the words a candidate holds: a sum of
 * integers is the same in whatever order the rows come, so similar() and similarMany rank the
 * same candidates first, down to ties.
 */
const weightUnits = (weight: number) => Math.round(weight * 1e6)

/** A word's newest postings (SIMILAR_WEIGHTS.postingsPerTerm), with `extra` as a second column. */
function postingsOf(lexeme: string, edges: { edge: string } | null, extra: SQL): SQL {
  const match = sql`d.document @@ ${tsqueryOfLexeme(lexeme)}::tsquery`
  return edges
    ? sql`select d.thread_id, ${extra} from search_documents d
        where ${match} and d.created_at >= ${edges.edge}::timestamptz order by d.created_at desc, d.thread_id desc limit ${SIMILAR_WEIGHTS.postingsPerTerm}`
    : sql`select d.thread_id, ${extra} from search_documents d
        where ${match} order by d.created_at + interval '0 s' desc, d.thread_id desc limit ${SIMILAR_WEIGHTS.postingsPerTerm}`
}

/** The words of a query that spelling is corrected for: at most eight, as search_terms holds them. */
const correctableWords = (text: string) => [...new Set(text.toLowerCase().match(/[a-z][a-z0-9]{2,29}/g) ?? [])].slice(0, 8)

/**
 * One row: the query's words missing from the vocabulary (search_terms) as `misspelt`, and for each
 * the closest known word by trigram similarity (pg_trgm), or null where none is close, as
 * `suggestions`; both empty when there is no text to correct.
 */
function misspellingsSql(text: string | null): SQL {
  const words = text === null ? [] : correctableWords(text)
  if (words.length === 0) return sql`(select '{}'::text[] as misspelt, '{}'::text[] as suggestions)`
  return sql`(
    select coalesce(array_agg(w.word order by w.n), '{}') as misspelt, coalesce(array_agg((
        select s.term from search_terms s
        where s.term % w.word and s.term <> w.word
        order by similarity(s.term, w.word) desc, s.frequency desc limit 1) order by w.n), '{}') as suggestions
    from unnest(array[${sql.join(words.map((word) => sql`${word}`), sql`, `)}]::text[]) with ordinality as w(word, n)
    where not exists (select 1 from search_terms k where k.term = w.word))`
}

/** The query with each misspelt word replaced by its suggestion, or null when none has one. */
function correctedText(text: string, misspelt: string[], suggestions: (string | null)[]): string | null {
  let corrected = text
  misspelt.forEach((word, i) => {
    const suggestion = suggestions[i]
    if (suggestion) corrected = corrected.replace(new RegExp(`\\b${word}\\b`, 'gi'), suggestion)
  })
  return corrected === text ? null : corrected
}

/**
 * How the newest matches are found. GIN hands matches over in no order, so there are three ways:
 * - "walk" the documents newest first, testing each until enough match: flat in the forum's
 *   size, but every row walked has its document read from TOAST to be tested;
 * - read the matches from GIN and intersect them with a "window" of the newest documents (a range
 *   of the created_at index) large enough to hold them, fetching only the rows in both: costs
 *   one pass over the words' postings, no document reads;
 * - read every match from GIN and keep the newest ("sorted"): the cost of fetching every match.
 * PostgreSQL's planner knows neither that testing a document means reading it from TOAST nor how
 * many matches the newest rows hold, so the choice is made here, from the words' document
 * frequencies, and the planner is held to it.
 */
export function planMatching(estimate: MatchingEstimate, ways: { walk: boolean } = { walk: true }): MatchingPlan & { cost: number } {
  const { wordShare, filterShare, documents, wanted, postings } = estimate
  const walkWanted = estimate.walkWanted ?? wanted
  if (documents <= 0 || wordShare <= 0 || filterShare <= 0) return { path: 'sorted', cost: 0 }
  const share = wordShare * filterShare
  const walkShare = Math.max(estimate.walkShare ?? 1, filterShare)
  // GIN reads every posting of the words, and puts the documents holding them all in a bitmap.
  const bitmapCost = postings * ROW_COST.posting + wordShare * documents * ROW_COST.bitmapEntry
  const sortCost = bitmapCost + wordShare * documents * ROW_COST.fetchedMatch
  // Walking tests the filters on every row walked and reads the document of those that pass them.
  // A walk within a category goes through that category's rows only; without filters, through
  // the vectors themselves.
  const walked = (walkWanted / share) * walkShare
  const perWalkedRow = estimate.unfiltered ? ROW_COST.walkedVector : ROW_COST.walkedRow + (filterShare / walkShare) * ROW_COST.documentRead
  // A phrase with a gap has its pairs read (out of line) for each match the walk finds.
  const walkCost = ways.walk ? walked * perWalkedRow + (estimate.walkTestsPairs ? walkWanted * ROW_COST.pairsRead : 0) : Infinity
  // The window holds twice the rows expected to give enough matches; a window past the forum's
  // size is the forum, i.e. sorting. A window inside the tier (the newest documents' own indexes)
  // can be read from the tier's postings only, fetching the tier's matches to keep the window's.
  const window = Math.ceil((WINDOW_MARGIN * wanted) / share)
  const tier = estimate.tierDocuments ?? 0
  // PostgreSQL's planner then either intersects the window with the full index (reading all of
  // the words' postings) or reads the tier's index and sets aside its matches outside the window;
  // it takes the cheaper, or so it thinks.
  const intersected = bitmapCost + window * (ROW_COST.windowRow + wordShare * ROW_COST.fetchedMatch)
  const fromTier = tier > 0 && window <= tier && tier < documents ? bitmapCost * (tier / documents) + tier * wordShare * ROW_COST.fetchedMatch : Infinity
  const windowCost = window >= documents ? Infinity : Math.min(intersected, fromTier)
  const cheapest = Math.min(sortCost, walkCost, windowCost)
  if (cheapest === walkCost) {
    // The walk gives up when it has cost twice what the next best way was expected to, so a
    // wrong estimate costs at most that.
    const nextBest = Math.min(sortCost, windowCost)
    return { path: 'walk', budget: Math.max(walkWanted, Math.floor((2 * nextBest) / perWalkedRow)), cost: walkCost }
  }
  return cheapest === windowCost ? { path: 'window', window, cost: windowCost } : { path: 'sorted', cost: sortCost }
}

export interface MatchingEstimate {
  /** Estimated share of documents holding the query's words. */
  wordShare: number
  /** Estimated share of documents passing the filters. */
  filterShare: number
  /** Share of documents a walk visits: those of the category filtered on (walked through its own index); 1 by default. */
  walkShare?: number
  documents: number
  /** The newest documents the tier's indexes hold (see search-tier.ts), if there is a tier. */
  tierDocuments?: number
  /** How many of the newest matches (or, for phrases, candidates) are wanted. */
  wanted: number
  /** How many a walk wants, when it tests more exactly than the index can (phrases); `wanted` by default. */
  walkWanted?: number
  /** The words' postings (their document frequencies added up): GIN reads them whole. */
  postings: number
  /** No filters at all: a walk goes through the vectors in date order (search_vectors_created_idx). */
  unfiltered?: boolean
  /** A walk tests a phrase's pairs on each of its matches (a phrase with a gap). */
  walkTestsPairs?: boolean
}

export type MatchingPlan = (
  | { path: 'walk'; /** rows walked at most before reading every match instead */ budget: number }
  | { path: 'window'; /** the newest this many documents */ window: number }
  | { path: 'sorted' }
) & { /** What it is expected to cost, in microseconds (ROW_COST); a plan a test forced has none. */ cost?: number }

/** Costs per row in µs, measured at 100k threads on PostgreSQL 15 (2 shared cores). */
const ROW_COST = {
  /** an index entry of created_at and its narrow heap row, filters tested */
  walkedRow: 0.3,
  /** a document read from search_vectors by key and tested (from TOAST it was 4.3) */
  documentRead: 2.2,
  /** a row of search_vectors walked in date order, its document tested where it lies */
  walkedVector: 1.2,
  /** a document's phrase pairs read (out of line) and tested */
  pairsRead: 6,
  /** a posting read from GIN */
  posting: 0.04,
  /** a document put in GIN's bitmap of matches */
  bitmapEntry: 0.05,
  /** a row of the window: skipped in the created_at index, then in its bitmap */
  windowRow: 0.1,
  /** a matching row fetched from the heap */
  fetchedMatch: 0.9,
}

/**
 * A window's size rounded up to a power of √2: exactly a power of two where it is one (floating
 * point gives √2 ** 36 a hair over 2 ** 18, which made a window of the tier's size one document
 * wider than the tier, so PostgreSQL could not read it from the tier's indexes).
 */
export function windowSizeFor(size: number): number {
  const steps = Math.ceil(2 * Math.log2(Math.max(size, 1)) - 1e-9)
  return Math.ceil(2 ** (steps / 2) - 1e-6)
}

/** A window holds this many times the rows expected to give enough matches. */
const WINDOW_MARGIN = 2

/** A window that holds too few matches is tried again this many times longer. */
const WIDER_WINDOW = 8

/** How long a window's edge is remembered (see windowEdge). */
const WINDOW_EDGE_MEMORY_MS = 60_000

/**
 * A phrase's candidates are found by its pairs alone while their share is at most this many times
 * the words' (see run). Measured at 100k threads: `"high cpu usage"`, whose words and pairs are
 * each in 1,848 documents, found its candidates in 2-3 ms by either alone and in 15-23 ms by both.
 */
const PAIR_PREFERENCE = 2

/** How long the statistics of phrase pairs are remembered (see phraseShare). */
const STATISTICS_MEMORY_MS = 60_000

/** A guess of the share of documents a filter not counted in search_lexemes (tag, dates) keeps. */
const FILTER_SHARE_GUESS = 0.15

/** Share of documents holding every one of these words if they always come together: the rarest's share. */
export function togetherShare(frequencies: number[], documents: number): number {
  if (documents <= 0 || frequencies.length === 0) return 0
  return Math.min(1, ...frequencies.map((frequency) => frequency / documents))
}

/** Whether the query is one quoted phrase and nothing else. */
export function isOnePhrase(text: string): boolean {
  return /^\s*"[^"]+"\s*$/.test(text)
}

/**
 * Share of documents holding every one of these words. Independent words would give the product
 * of their shares; words always found together, the rarest's share. Real queries fall in between
 * (words asked together tend to come together), so the estimate is the geometric mean of the two.
 */
export function blendedShare(frequencies: number[], documents: number): number {
  if (documents <= 0 || frequencies.length === 0) return 0
  const shares = frequencies.map((frequency) => Math.min(1, frequency / documents))
  const independent = shares.reduce((product, share) => product * share, 1)
  return Math.sqrt(independent * Math.min(...shares))
}

/**
 * Settings for a statement along our own choice of matching path, held for that statement alone
 * (queryRowsInOneTrip):
 * - the planner may not scan whole tables: a sequential scan, which reads every document, is
 *   never the better one then;
 * - nor start parallel workers: a search is one short statement, and on a small machine a worker
 *   costs more to start than it saves, and takes a core from the other searches;
 * - nor compile it (JIT): the app's connections have it off already (openPostgres), but on any other
 *   the costs of the paths turned off here (10^10 each) would always pass jit_above_cost, and
 *   compiling takes hundreds of milliseconds;
 * - a window may not walk an index: it must be intersected with the matches as bitmaps, not
 *   walked with each document tested;
 * - a walk may not sort: it must go down the date index and stop at enough matches. PostgreSQL,
 *   guessing how many walked rows pass the filters and hold the words, may otherwise expect to
 *   need all of the walk's budget and find it cheaper to collect and sort it than to walk it.
 */
function plannerSettings(path: MatchingPlan['path']): Record<string, string> {
  const held = { enable_seqscan: 'off', max_parallel_workers_per_gather: '0', jit: 'off' }
  if (path === 'window') return { ...held, enable_indexscan: 'off' }
  if (path === 'walk') return { ...held, enable_sort: 'off' }
  return held
}

/**
 * The search_lexemes keys counting the documents each filter keeps (the category's first), and how
 * many filters are not counted there.
 */
function countedFilters(filters: SearchRequest['filters']): { keys: string[]; uncounted: number } {
  const keys: string[] = []
  if (filters.categoryId) keys.push(`${FILTER_KEYS.category}${filters.categoryId}`)
  if (filters.state === 'solved') keys.push(FILTER_KEYS.solved)
  if (filters.state === 'unanswered') keys.push(FILTER_KEYS.unanswered)
  const uncounted = [filters.tag, filters.from, filters.to].filter((value) => value !== undefined && value !== '').length
  return { keys, uncounted }
}

/**
 * Whether every word of the query must be in a match: true unless it has OR or excludes words
 * (websearch_to_tsquery syntax), so one word that no document holds means no match at all.
 */
export function everyWordRequired(text: string): boolean {
  return !hasOr(text) && !/(^|\s)-/.test(text)
}

/** Whether the query has websearch_to_tsquery's OR. */
function hasOr(text: string): boolean {
  return /(^|\s)or(\s|$)/i.test(text)
}

/**
 * The quoted phrases every match must hold, whose word pairs narrow the candidates: none when the
 * query has OR (a phrase may be one alternative) or a negated phrase (see loosenPhrases); an
 * unclosed quote is left to the phrase check. Only these phrases must have their words next to each
 * other (stop words between them as in the query); the others follow PostgreSQL's phrase operator,
 * which also takes other words in a stop word's place.
 */
export function requiredPhrases(text: string): string[] {
  if (hasOr(text) || /-\s*"/.test(text)) return []
  return [...text.matchAll(/"([^"]*)"/g)].map((match) => match[1]!.trim()).filter((phrase) => phrase !== '')
}

/**
 * The query with its phrases' quotes taken out, when it has phrases: it matches every document the
 * phrase query matches (and more), straight from the index. Null without phrases, and for a
 * negated phrase (`-"a b"`), whose words taken out of quotes would exclude too much.
 */
export function loosenPhrases(text: string): string | null {
  if (!text.includes('"') || /-\s*"/.test(text)) return null
  return text.replace(/"/g, ' ')
}

/** Tuning of similar-question ranking, measured by bench/search (SemEval-2016 MAP). */
export const SIMILAR_WEIGHTS = {
  titleTerm: 2,
  bodyTerm: 1,
  bodyTermLimit: 30,
  /** The heaviest (rarest, title first) words whose postings give the candidates, */
  candidateTerms: 8,
  /** each word's newest this many, */
  postingsPerTerm: 500,
  /** while reading their postings costs at most as much as fetching this many rows (by the cost model), */
  postingsBudget: 4000,
  /** of which the best this many by the weight of the words they hold are scored. */
  candidateCap: 200,
  /** ts_rank weights for D, C, B, A: replies, accepted answer, question, title. */
  fields: '{0.2, 0.4, 0.6, 1.0}',
  titleSimilarity: 0.5,
}

/** A lexeme as a tsquery's text: quoted, so that no character in it is read as an operator. */
function tsqueryOfLexeme(lexeme: string): string {
  return `'${lexeme.replace(/['\\]/g, (c) => `\\${c}`)}'`
}
