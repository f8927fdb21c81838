import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { getBugBashList } from '../../src/bug-bash'
import type { Ctx } from '../../src/ctx'
import { openPostgres, queryRows } from '../../src/db/client'
import { getBoard } from '../../src/queue'
import { PostgresSearchIndex, rebuildSearchIndex, type SearchIndex } from '../../src/search'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { writeSection } from '../support/results-file'

// The bug-bash list's cost on PostgreSQL: `npm run bench:bug-bash`. Its candidates (threads of the
// last 90 days that became items, at most 200) each need the search engine's similar titles; the
// list keeps each thread's answer per app instance for 15 minutes (src/bug-bash/find-clusters.ts).
// Measured: the first view (every lookup made, together through similarMany), the same view with
// one similar() per candidate four at a time (as before similarMany), a view with the answers kept,
// and a view after 20 new candidate threads (their lookups only), beside the support board's read
// model. The run also checks that similarMany answers exactly what one similar() each does.

const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url))
const SECTION = '## Bug-bash list: 200 candidates'
const NOW = new Date('2026-06-01T12:00:00Z')
const RUNS = Number(process.env.BENCH_BUG_BASH_RUNS ?? 10)
const TOPICS = ['CSV export', 'password reset email', 'dark mode contrast', 'invoice total', 'webhook retries', 'mobile login', 'search results', 'file upload', 'two-factor code', 'calendar sync']
const PROBLEMS = ['fails', 'never arrives', 'is wrong', 'times out', 'shows an error', 'stopped working', 'is slow', 'crashes the page']

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!

async function seedThreads(db: ReturnType<typeof openPostgres>['db'], from: number, count: number, ageDays: number): Promise<void> {
  await db.execute(sql`
    with t as (
      insert into threads (category_id, author_id, title, slug, body_markdown, body_html, body_text, created_at, last_activity_at)
      select 1, 2 + g % 500, (array[${sql.raw(TOPICS.map((topic) => `'${topic}'`).join(','))}])[1 + g % ${TOPICS.length}::int] || ' ' ||
          (array[${sql.raw(PROBLEMS.map((problem) => `'${problem}'`).join(','))}])[1 + (g / ${TOPICS.length}::int) % ${PROBLEMS.length}::int] || ' for account ' || g,
        'thread-' || g, 'It happens every time we try.', '<p>It happens every time we try.</p>', 'It happens every time we try.',
        ${NOW.toISOString()}::timestamptz - make_interval(hours => (g % (${ageDays}::int * 24))), ${NOW.toISOString()}::timestamptz - make_interval(hours => (g % (${ageDays}::int * 24)))
      from generate_series(${from}::int, ${from + count - 1}::int) g
      returning id, author_id, title, created_at)
    insert into queue_items (thread_id, source, title, kind, severity, state, team_slug, requester_id, sla, created_at, updated_at)
    select id, 'forum', title, 'bug', 'normal', 'new', 'platform', author_id,
      '{"policyId":null,"policyName":"None","version":1,"firstResponseMinutes":240,"nextResponseMinutes":480,"resolutionMinutes":2400,"calendar":{"timezone":"UTC","windows":[],"holidays":[]}}'::jsonb,
      created_at, created_at
    from t`)
}

async function main(): Promise<void> {
  const cluster = await startPostgresCluster({ settings: { shared_buffers: "'256MB'" } })
  try {
    const database = openPostgres(cluster.url, { poolSize: 10 })
    try {
      await database.migrate()
      const db = database.db
      const at = NOW.toISOString()
      await db.execute(sql`insert into users (email, display_name, password_hash, role, created_at) values ('s@bench.test', 'Staff', 'x', 'support', ${at}::timestamptz)`)
      await db.execute(sql`insert into users (email, display_name, password_hash, role, created_at) select 'c' || g || '@bench.test', 'Customer ' || g, 'x', 'member', ${at}::timestamptz from generate_series(1, 500) g`)
      await db.execute(sql`insert into teams (slug, name, created_at) values ('platform', 'Platform', ${at}::timestamptz)`)
      await db.execute(sql`insert into categories (slug, name, team, created_at) values ('platform', 'Platform', 'platform', ${at}::timestamptz)`)
      // 5,000 older threads (the search engine's corpus) and 250 recent items (200 become candidates).
      await seedThreads(db, 1, 5000, 400)
      await db.execute(sql`update queue_items set created_at = created_at - interval '200 days'`)
      await seedThreads(db, 5001, 250, 60)
      const search = new PostgresSearchIndex(db)
      await rebuildSearchIndex(db, search)
      // As autovacuum leaves a live forum: GIN's pending list of new entries merged into the index
      // (after a bulk load every word lookup would read the whole list).
      await db.execute(sql`vacuum analyze`)
      const actor = { id: 1, role: 'support' as const, displayName: 'Staff', email: 's@bench.test', organisationId: null }
      // A fresh search engine object per cold run: the kept answers belong to it (one per app instance).
      const ctxWith = (engine: SearchIndex): Ctx => ({ actor, db, now: () => NOW, requestId: 'bench', search: engine })
      // The lookups as they were made before similarMany: one similar() per candidate, four at a time.
      const oneByOne = (engine: PostgresSearchIndex): SearchIndex =>
        Object.assign(Object.create(engine) as PostgresSearchIndex, {
          async similarMany(requests: Parameters<SearchIndex['similarMany']>[0]) {
            const answers = []
            for (let start = 0; start < requests.length; start += 4)
              answers.push(...(await Promise.all(requests.slice(start, start + 4).map((request) => engine.similar(request)))))
            return answers
          },
        })
      const cold: number[] = []
      const coldOneByOne: number[] = []
      let candidates = 0
      for (let i = 0; i < RUNS; i++) {
        let started = performance.now()
        candidates = (await getBugBashList(ctxWith(new PostgresSearchIndex(db)))).candidates
        cold.push(performance.now() - started)
        started = performance.now()
        await getBugBashList(ctxWith(oneByOne(new PostgresSearchIndex(db))))
        coldOneByOne.push(performance.now() - started)
      }
      // The same answers either way, for every candidate's title.
      const titles = await queryRows<{ title: string }>(db, sql`select t.title from threads t where t.id > 5000 order by t.id`)
      const requests = titles.map((row) => ({ title: row.title, limit: 8 }))
      const many = await search.similarMany(requests)
      let differing = 0
      for (const [index, request] of requests.entries())
        if (JSON.stringify(await search.similar(request)) !== JSON.stringify(many[index])) differing++
      console.log(`similarMany against one similar() each: ${differing} of ${requests.length} answers differ`)
      if (differing > 0) throw new Error('similarMany answered differently from similar()')
      const warmCtx = ctxWith(search)
      await getBugBashList(warmCtx)
      const warm: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now()
        await getBugBashList(warmCtx)
        warm.push(performance.now() - started)
      }
      await seedThreads(db, 5251, 20, 1)
      await rebuildSearchIndex(db, search)
      const started = performance.now()
      await getBugBashList(warmCtx)
      const afterNew = performance.now() - started
      const reference: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const begun = performance.now()
        await getBoard(warmCtx, {})
        reference.push(performance.now() - begun)
      }
      const rows: [string, number[]][] = [
        ['first view (every candidate looked up together: similarMany)', cold],
        ['first view as before (one similar() per candidate, four at a time)', coldOneByOne],
        ['a view with the answers kept', warm],
        ['reference: the support board read model (getBoard)', reference],
      ]
      for (const [label, ms] of rows) console.log(`${label}: p50 ${quantile(ms, 0.5).toFixed(0)} ms, p95 ${quantile(ms, 0.95).toFixed(0)} ms`)
      console.log(`after 20 new candidates: ${afterNew.toFixed(0)} ms`)
      const referenceP50 = quantile(reference, 0.5)
      writeSection(
        RESULTS,
        SECTION,
        `${SECTION}

Generated by \`npm run bench:bug-bash\` (bench/bug-bash/run.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores, PostgreSQL, on the shared machine (load average ${loadavg()[0]!.toFixed(1)}).
5,000 older threads and 270 recent ones that became items (titles from ten topics and eight problems), PostgreSQL full-text search;
the list compared ${candidates} candidates. getBugBashList, ${RUNS} runs each, wall-clock from Node; a fresh search engine object for
each first view (the kept answers belong to it), the two kinds of first view taking turns. Checked in the same run: similarMany's
answers for all ${requests.length} recent titles are the same as one similar() each (${differing} differ).

| Case | p50 ms | p95 ms | p50 / reference |
|---|--:|--:|--:|
${rows.map(([label, ms]) => `| ${label} | ${quantile(ms, 0.5).toFixed(0)} | ${quantile(ms, 0.95).toFixed(0)} | ${(quantile(ms, 0.5) / referenceP50).toFixed(1)} |`).join('\n')}
| after 20 new candidate threads (their lookups only) | ${afterNew.toFixed(0)} | | ${(afterNew / referenceP50).toFixed(1)} |

Each thread's similar() answer is kept per app instance for 15 minutes under its number and title (a new thread brings its own
lookup; links go both ways, so it joins the old ones' clusters); the threads not kept are looked up together: on PostgreSQL one
statement reads every title's words and another their postings (each word's once, however many titles hold it), candidates and
scores, as similar() does per title.
`,
      )
    } finally {
      await database.close()
    }
  } finally {
    cluster.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
