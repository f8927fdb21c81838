import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { openPglite, openPostgres, pgliteExtensions, queryRows, type Database, type Db } from '../../src/db/client'
import * as schema from '../../src/db/schema'
import { PostgresSearchIndex } from '../../src/search'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { cpuUsageBetween, findPostmaster, snapshotCpu } from '../http/cpu'
import { cleanUpAll, cleanUpOnSignals, onCleanup } from '../support/cleanup'
import type { Machine } from '../http/report'
import {
  baseRowsSql,
  consistencySql,
  fixSequencesSql,
  heldOutQuestionsSql,
  insertRepliesSql,
  insertThreadsSql,
  insertThreadVotesSql,
  random,
} from './latency-corpus'
import { QUERIES, type Group } from './latency-queries'
import { PG_SETTINGS } from './latency-settings'
import {
  percentile,
  renderSection,
  SECTION_TITLE,
  writeSection,
  type DatabaseRun,
  type ExplainResult,
  type LatencyReport,
  type OpResult,
  type SizeRun,
  type StatementStat,
} from './latency-report'

// Search latency at 10k, 100k and 1M threads (the issue's goal: PostgreSQL p95 under 20 ms at
// 100k, growing less than 2x to 1M; similar questions p95 under 30 ms; PGlite reported too).
// One database per engine is grown size by size: seed the new threads in SQL, index them
// through PostgresSearchIndex.indexThreads, VACUUM ANALYZE, then time a fixed query set one
// call at a time. The figures go to bench/RESULTS.md under SECTION_TITLE; other sections stay.
//
// Knobs (environment): BENCH_SIZES ("10000,100000,1000000": PostgreSQL), BENCH_PGLITE_SIZES
// ("10000,100000"), BENCH_DATABASES ("postgres,pglite"), BENCH_PASSES (20), BENCH_INDEX_BATCH
// (500), BENCH_SEED_CHUNK (5000 threads per statement), BENCH_SIMILAR (20 held-out questions),
// BENCH_EXPLAIN_FROM (100000: EXPLAIN the slowest query per group at this size and above),
// BENCH_PG_SETTINGS ("key=value,..." added to or replacing latency-settings.ts), BENCH_RESULTS
// (output file), BENCH_JSON (raw figures, written after every size), BENCH_RENDER_ONLY (a
// BENCH_JSON file: only re-render the section from it, e.g. after editing latency-findings.md).

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean)

const config = {
  sizes: list(process.env.BENCH_SIZES ?? '10000,100000,1000000').map(Number),
  pgliteSizes: list(process.env.BENCH_PGLITE_SIZES ?? '10000,100000').map(Number),
  databases: list(process.env.BENCH_DATABASES ?? 'postgres,pglite') as ('postgres' | 'pglite')[],
  passes: Number(process.env.BENCH_PASSES ?? 20),
  indexBatch: Number(process.env.BENCH_INDEX_BATCH ?? 500),
  seedChunk: Number(process.env.BENCH_SEED_CHUNK ?? 5000),
  similarQuestions: Number(process.env.BENCH_SIMILAR ?? 20),
  explainFrom: Number(process.env.BENCH_EXPLAIN_FROM ?? 100_000),
  resultsFile: process.env.BENCH_RESULTS ?? join(repoRoot, 'bench', 'RESULTS.md'),
  jsonFile: process.env.BENCH_JSON ?? join(tmpdir(), 'bench-search-latency.json'),
  renderOnly: process.env.BENCH_RENDER_ONLY ?? null,
  findingsFile: join(repoRoot, 'bench', 'search', 'latency-findings.md'),
}

// --- Clean-up that runs on success, failure and Ctrl-C --------------------------------

cleanUpOnSignals('stopping the database and removing temporary files')

const log = (message: string) => console.log(`[bench:search-latency ${new Date().toISOString().slice(11, 19)}] ${message}`)
const seconds = (since: number) => (performance.now() - since) / 1000

// --- Disk: the largest the data directory got -------------------------------------------

let peakDiskBytes = 0
function duBytes(dir: string): Promise<number | null> {
  return new Promise((resolve) =>
    execFile('du', ['-sb', dir], (error, stdout) => resolve(error ? null : Number(stdout.split('\t')[0]) || null)),
  )
}
/** Samples `du` of a directory every 10 s while it lives; peakDiskBytes keeps the largest. */
function watchDisk(dir: string): { sample(): Promise<number | null>; stop(): void } {
  const sample = async () => {
    const bytes = await duBytes(dir)
    if (bytes !== null) peakDiskBytes = Math.max(peakDiskBytes, bytes)
    return bytes
  }
  const timer = setInterval(() => void sample(), 10_000)
  timer.unref()
  return { sample, stop: () => clearInterval(timer) }
}

// --- The two engines behind one small interface ------------------------------------------

interface Engine {
  kind: 'postgres' | 'pglite'
  /** The app's own client: every measured call goes through it. */
  database: Database
  index: PostgresSearchIndex
  /** Raw SQL for seeding and housekeeping (several statements allowed). */
  exec(text: string): Promise<void>
  rows<Row>(text: string): Promise<Row[]>
  /** Seed chunks written at once. */
  seedWorkers: number
  postmaster: number | null
  disk: { sample(): Promise<number | null> }
  /** PostgreSQL only: statement statistics and EXPLAIN of the slowest calls. */
  monitor: ReturnType<typeof postgres> | null
  explainIndex: { index: PostgresSearchIndex; captured: { query: string; params: unknown[] }[] } | null
}

async function startPostgresEngine(): Promise<{ engine: Engine; version: string; settings: string[] }> {
  log('PostgreSQL: starting a throwaway cluster')
  const cluster = await startPostgresCluster({ settings: PG_SETTINGS })
  onCleanup('PostgreSQL cluster', () => cluster.stop())
  const database = openPostgres(cluster.url, { poolSize: 1 })
  onCleanup('measured connection', () => database.close())
  await database.migrate()
  // The seed writes two chunks at once, one per core; JIT would spend a second compiling each statement.
  const seeder = postgres(cluster.url, { max: 2, onnotice: () => {}, connection: { jit: 'off' } })
  onCleanup('seed connections', () => seeder.end({ timeout: 5 }))
  const monitor = postgres(cluster.url, { max: 1, onnotice: () => {} })
  onCleanup('monitor connection', () => monitor.end({ timeout: 5 }))
  await monitor`create extension if not exists pg_stat_statements`
  const [{ server_version: version } = { server_version: '?' }] = await monitor<{ server_version: string }[]>`show server_version`
  const [{ data_directory: dataDirectory } = { data_directory: '' }] = await monitor<{ data_directory: string }[]>`show data_directory`
  const disk = watchDisk(dirname(dataDirectory))
  onCleanup('disk watcher', () => disk.stop())

  // A second client whose Drizzle logger records the statements of one call, to EXPLAIN them.
  const captured: { query: string; params: unknown[] }[] = []
  const explainClient = postgres(cluster.url, { max: 1, onnotice: () => {} })
  onCleanup('explain connection', () => explainClient.end({ timeout: 5 }))
  const explainDb = drizzlePostgres({ client: explainClient, schema, logger: { logQuery: (query, params) => void captured.push({ query, params }) } }) as unknown as Db

  const engine: Engine = {
    kind: 'postgres',
    database,
    index: new PostgresSearchIndex(database.db),
    exec: async (text) => void (await seeder.unsafe(text)),
    rows: async <Row>(text: string) => (await seeder.unsafe(text)) as unknown as Row[],
    seedWorkers: 2,
    postmaster: findPostmaster(Number(new URL(cluster.url).port)),
    disk,
    monitor,
    explainIndex: { index: new PostgresSearchIndex(explainDb), captured },
  }
  const settings = Object.entries(PG_SETTINGS).map(([key, value]) => `${key}=${value.replace(/'/g, '')}`)
  const [{ jit } = { jit: '?' }] = await monitor<{ jit: string }[]>`show jit`
  settings.push(`jit=${jit} (server default)`)
  return { engine, version: `PostgreSQL ${version}`, settings }
}

async function startPgliteEngine(): Promise<{ engine: Engine; version: string }> {
  log('PGlite: creating a fresh data directory')
  const dir = mkdtempSync(join(tmpdir(), 'wire-bench-search-pglite-'))
  onCleanup('PGlite data directory', () => rmSync(dir, { recursive: true, force: true }))
  const client = await PGlite.create(join(dir, 'pglite'), { extensions: pgliteExtensions })
  const database = await openPglite(client)
  onCleanup('PGlite', () => database.close())
  await database.migrate()
  const disk = watchDisk(dir)
  onCleanup('disk watcher', () => disk.stop())
  const [row] = await queryRows<{ server_version: string }>(database.db, sql`show server_version`)
  const pgliteVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', '@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version
  const engine: Engine = {
    kind: 'pglite',
    database,
    index: new PostgresSearchIndex(database.db),
    exec: async (text) => void (await client.exec(text)),
    rows: async <Row>(text: string) => (await client.query<Row>(text)).rows,
    seedWorkers: 1,
    postmaster: null,
    disk,
    monitor: null,
    explainIndex: null,
  }
  return { engine, version: `PGlite ${pgliteVersion} (PostgreSQL ${row?.server_version ?? '?'} as WebAssembly, in this process)` }
}

// --- Seeding and indexing -------------------------------------------------------------------

async function seedThreads(engine: Engine, from: number, to: number): Promise<Record<string, number>> {
  const chunks: [number, number][] = []
  for (let a = from; a <= to; a += config.seedChunk) chunks.push([a, Math.min(to, a + config.seedChunk - 1)])
  let done = 0
  let nextReport = 0.1
  const started = performance.now()
  const worker = async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const [a, b] = chunk
      // Replies reference their thread, so threads go first; every value is a function of the id.
      await engine.exec(insertThreadsSql(a, b))
      await engine.exec(insertRepliesSql(a, b))
      await engine.exec(insertThreadVotesSql(a, b))
      done += b - a + 1
      if (done / (to - from + 1) >= nextReport) {
        log(`  seeded ${done.toLocaleString('en-US')} of ${(to - from + 1).toLocaleString('en-US')} threads (${Math.round(done / seconds(started))}/s)`)
        nextReport += 0.1
      }
    }
  }
  await Promise.all(Array.from({ length: engine.seedWorkers }, worker))
  await engine.exec(fixSequencesSql)
  const [check] = await engine.rows<Record<string, number>>(consistencySql(from, to))
  const mismatches = Object.entries(check ?? {}).filter(([key, value]) => !['threads', 'accepted', 'hidden'].includes(key) && Number(value) !== 0)
  if (!check || Number(check.threads) !== to - from + 1 || mismatches.length > 0)
    throw new Error(`The seed of threads ${from}-${to} is inconsistent: ${JSON.stringify(check)}`)
  return Object.fromEntries(Object.entries(check).map(([key, value]) => [key, Number(value)]))
}

/** Indexes the visible threads of [from, to] in batches, as rebuildSearchIndex does. */
async function indexThreads(engine: Engine, from: number, to: number): Promise<number> {
  let after = from - 1
  let done = 0
  const total = to - from + 1
  let nextReport = 0.1
  const started = performance.now()
  for (;;) {
    const batch = await queryRows<{ id: number }>(
      engine.database.db,
      sql`select id from threads where id > ${after} and id <= ${to} and hidden_at is null order by id limit ${config.indexBatch}`,
    )
    if (batch.length === 0) break
    await engine.index.indexThreads(batch.map((row) => row.id))
    after = batch[batch.length - 1]!.id
    done += batch.length
    if ((after - from + 1) / total >= nextReport) {
      log(`  indexed ${done.toLocaleString('en-US')} threads (${Math.round(done / seconds(started))}/s)`)
      nextReport += 0.1
    }
  }
  return done
}

async function relationSizes(engine: Engine): Promise<{ relationBytes: Record<string, number>; databaseBytes: number }> {
  const names = ['threads', 'replies', 'thread_votes', 'search_documents', 'search_vectors', 'search_lexemes', 'search_terms']
  const rows = await engine.rows<{ name: string; bytes: string }>(`
    select name, pg_total_relation_size(name::regclass)::text as bytes from unnest(array[${names.map((n) => `'${n}'`).join(', ')}]) name
    union all select 'search_documents_document_idx', pg_relation_size('search_documents_document_idx')::text
    union all select 'search_documents_created_idx', pg_relation_size('search_documents_created_idx')::text
    union all select 'search_tier_indexes', coalesce(sum(pg_relation_size(i.indexrelid)), 0)::text
      from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname ~ '^search_tier_[0-9]+_'
    union all select 'database', pg_database_size(current_database())::text`)
  const relationBytes = Object.fromEntries(rows.map((row) => [row.name, Number(row.bytes)]))
  const databaseBytes = relationBytes.database ?? 0
  delete relationBytes.database
  return { relationBytes, databaseBytes }
}

// --- The measured calls ----------------------------------------------------------------------

interface Op {
  key: string
  group: Group
  label: string
  filters: string
  run(index: PostgresSearchIndex): Promise<{ total: number | null; capped: boolean; corrected: string | null; hits: number }>
}

function buildOps(heldOut: { title: string; body: string }[]): Op[] {
  const counters = new Map<string, number>()
  const ops: Op[] = QUERIES.map((query) => {
    const n = (counters.get(query.group) ?? 0) + 1
    counters.set(query.group, n)
    const filters = [query.filters?.categoryId ? `category ${query.filters.categoryId}` : '', query.filters?.state ?? ''].filter(Boolean).join(', ')
    return {
      key: `${query.group}-${n}`,
      group: query.group,
      label: query.text,
      filters,
      run: async (index) => {
        const response = await index.search({ text: query.text, filters: query.filters ?? {}, sort: 'relevance', page: 1, pageSize: 20 })
        return { total: response.total, capped: response.capped, corrected: response.correctedText ?? null, hits: response.hits.length }
      },
    }
  })
  heldOut.forEach((question, i) =>
    ops.push({
      key: `similar-${i + 1}`,
      group: 'similar',
      label: question.title,
      filters: '',
      run: async (index) => {
        const hits = await index.similar({ title: question.title, body: question.body, limit: 5 })
        return { total: null, capped: false, corrected: null, hits: hits.length }
      },
    }),
  )
  return ops
}

function shuffled<T>(items: T[], seed: number): T[] {
  const next = random(seed)
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** pg_stat_statements by statement shape: similar() lists its terms, so each length is its own entry. */
async function statementStats(monitor: ReturnType<typeof postgres>): Promise<StatementStat[]> {
  const rows = await monitor<{ query: string; calls: string; plan: number; exec: number; rows: string }[]>`
    select query, calls::text, total_plan_time as plan, total_exec_time as exec, rows::text
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database()) and query not ilike '%pg_stat_statements%'`
  const shapes = new Map<string, { calls: number; plan: number; exec: number; rows: number }>()
  for (const row of rows) {
    const shape = row.query
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\(\$\d+, \$\d+::float8\)(, \(\$\d+, \$\d+::float8\))*/g, '(…)')
      .replace(/array\[\$\d+(, \$\d+)*\]/g, 'array[…]')
      .replace(/\$\d+/g, '$n')
    const entry = shapes.get(shape) ?? { calls: 0, plan: 0, exec: 0, rows: 0 }
    entry.calls += Number(row.calls)
    entry.plan += row.plan
    entry.exec += row.exec
    entry.rows += Number(row.rows)
    shapes.set(shape, entry)
  }
  return [...shapes.entries()]
    .map(([query, s]) => ({
      query,
      calls: s.calls,
      meanPlanMs: s.plan / Math.max(1, s.calls),
      meanExecMs: s.exec / Math.max(1, s.calls),
      totalMs: s.plan + s.exec,
      rowsPerCall: s.rows / Math.max(1, s.calls),
    }))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, 8)
}

function describeStatement(query: string): string {
  // A query's first check also looks for spelling suggestions (see PostgresSearchIndex.run).
  if (query.includes('numnode(')) return query.includes('from search_terms s') ? 'searchable check, spelling suggestions' : 'searchable check'
  if (query.includes('ts_rank_cd')) return 'ranked query'
  if (query.includes('count(*)::int as total')) return 'count'
  if (query.includes('title_terms')) return 'similar: term weights'
  if (query.includes('candidates')) return 'similar: candidates and scores'
  return query.replace(/\s+/g, ' ').trim().slice(0, 40)
}

/** EXPLAIN (ANALYZE, BUFFERS) of every statement one call runs; keeps the plan of the slowest. */
async function explainOp(engine: Engine, op: Op, p95: number): Promise<ExplainResult | null> {
  const target = engine.explainIndex
  if (!target || !engine.monitor) return null
  target.captured.length = 0
  await op.run(target.index)
  const statements: ExplainResult['statements'] = []
  let slowest = { ms: -1, plan: '' }
  // In one transaction, so that settings the engine makes for its statements (set local ...) hold
  // for their EXPLAINs too.
  await engine.monitor.begin(async (tx) => {
    // As on the app's own connections (openPostgres): compiling a search's plan costs far more than it saves.
    await tx.unsafe('set local jit = off')
    for (const { query: sent, params } of [...target.captured]) {
      // The engine's planner settings (set_config(..., true)), sent in one message with the
      // statement they are for (queryRowsInOneTrip): run, not explained, so that they hold for it.
      let query = sent
      const settingsEnd = /^\s*select set_config\(/i.test(sent) ? sent.indexOf(';\n') : -1
      if (settingsEnd > 0) {
        await tx.unsafe(sent.slice(0, settingsEnd))
        query = sent.slice(settingsEnd + 2)
      }
      const rows = await tx.unsafe(`explain (analyze, buffers) ${query}`, params as never[])
      // A statement's settings end with it.
      await tx.unsafe('reset all')
      await tx.unsafe('set local jit = off')
      const plan = rows.map((row) => String((row as Record<string, unknown>)['QUERY PLAN'])).join('\n')
      const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0)
      const planningMs = Number(/Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? 0)
      statements.push({ summary: describeStatement(query), executionMs, planningMs })
      if (executionMs + planningMs > slowest.ms) slowest = { ms: executionMs + planningMs, plan }
    }
  })
  return { key: op.key, group: op.group, label: op.label, p95, statements, plan: slowest.plan }
}

async function measure(engine: Engine, ops: Op[], threads: number): Promise<Pick<SizeRun, 'ops' | 'dbCpuMsPerOp' | 'processCpuMsPerOp' | 'othersBusyShare' | 'statements' | 'explains'>> {
  const results = new Map<string, OpResult>()
  log(`  warm-up pass: ${ops.length} calls`)
  for (const op of ops) {
    const outcome = await op.run(engine.index)
    results.set(op.key, { key: op.key, group: op.group, label: op.label, filters: op.filters, samples: [], ...outcome })
  }
  if (engine.monitor) await engine.monitor`select pg_stat_statements_reset()`
  // No separate server process: this process (and PGlite in it) is counted once, as the "load generator".
  const before = snapshotCpu(-1, engine.postmaster)
  const started = performance.now()
  for (let pass = 1; pass <= config.passes; pass++) {
    for (const op of shuffled(ops, 1_000 + pass)) {
      const t0 = performance.now()
      await op.run(engine.index)
      results.get(op.key)!.samples.push(performance.now() - t0)
    }
  }
  const after = snapshotCpu(-1, engine.postmaster)
  const calls = ops.length * config.passes
  const cpu = cpuUsageBetween(before, after, calls)
  log(`  ${config.passes} timed passes in ${seconds(started).toFixed(0)} s`)
  const statements = engine.monitor ? await statementStats(engine.monitor) : null

  const opResults = ops.map((op) => results.get(op.key)!)
  const explains: ExplainResult[] = []
  if (engine.explainIndex && threads >= config.explainFrom) {
    for (const group of new Set(ops.map((op) => op.group))) {
      const slowest = opResults.filter((r) => r.group === group).sort((a, b) => percentile(b.samples, 0.95) - percentile(a.samples, 0.95))[0]
      const op = slowest && ops.find((o) => o.key === slowest.key)
      if (!op || !slowest) continue
      const explain = await explainOp(engine, op, percentile(slowest.samples, 0.95))
      if (explain) explains.push(explain)
    }
  }
  return {
    ops: opResults,
    dbCpuMsPerOp: cpu.postgresMsPerRequest,
    processCpuMsPerOp: cpu.loadGeneratorMsPerRequest,
    othersBusyShare: cpu.othersBusyShare,
    statements,
    explains,
  }
}

function summarise(size: SizeRun): string {
  const groups: Group[] = ['narrow', 'broad', 'phrase', 'typo', 'filtered', 'similar']
  return groups
    .map((group) => {
      const samples = size.ops.filter((op) => op.group === group).flatMap((op) => op.samples)
      return `${group} p50 ${percentile(samples, 0.5).toFixed(1)} / p95 ${percentile(samples, 0.95).toFixed(1)}`
    })
    .join(', ')
}

// --- One engine, grown size by size ----------------------------------------------------------

async function runEngine(engine: Engine, title: string, version: string, settings: string[], sizes: number[], heldOut: () => Promise<{ title: string; body: string }[]>, report: LatencyReport): Promise<DatabaseRun> {
  const run: DatabaseRun = { kind: engine.kind, title, version, settings, sizes: [], skipped: [] }
  report.runs.push(run)
  await engine.exec(baseRowsSql())
  let previous = 0
  for (const threads of sizes) {
    log(`${title}: seeding threads ${(previous + 1).toLocaleString('en-US')}-${threads.toLocaleString('en-US')}`)
    let t = performance.now()
    const consistency = await seedThreads(engine, previous + 1, threads)
    const seedSeconds = seconds(t)
    log(`  seeded in ${seedSeconds.toFixed(1)} s; indexing`)
    t = performance.now()
    const indexedThreads = await indexThreads(engine, previous + 1, threads)
    const indexSeconds = seconds(t)
    log(`  indexed ${indexedThreads.toLocaleString('en-US')} threads in ${indexSeconds.toFixed(1)} s; VACUUM ANALYZE`)
    t = performance.now()
    await engine.exec('vacuum analyze')
    const vacuumSeconds = seconds(t)
    // What the app's recurring upkeep (search.maintain) does as the forum grows: the tier of newest documents.
    t = performance.now()
    await engine.index.maintain(new Date())
    const tierSeconds = seconds(t)
    const [tier] = await engine.rows<{ documents: number }>('select documents from search_tiers order by edge desc limit 1')
    if (tier) log(`  tier of the newest ${tier.documents.toLocaleString('en-US')} documents built in ${tierSeconds.toFixed(1)} s`)
    const [counts] = await engine.rows<{ replies: string; visible: string }>(
      'select (select count(*) from replies)::text as replies, (select count(*) from threads where hidden_at is null)::text as visible',
    )
    const sizesNow = await relationSizes(engine)
    const diskBytes = await engine.disk.sample()
    const ops = buildOps(await heldOut())
    log(`  measuring: ${ops.length} calls × ${config.passes} passes`)
    const measured = await measure(engine, ops, threads)
    const size: SizeRun = {
      threads,
      replies: Number(counts?.replies ?? 0),
      visibleThreads: Number(counts?.visible ?? 0),
      seedSeconds,
      indexSeconds,
      indexedThreads,
      vacuumSeconds,
      tierSeconds,
      tierDocuments: tier ? Number(tier.documents) : null,
      ...sizesNow,
      diskBytes,
      consistency,
      ...measured,
    }
    run.sizes.push(size)
    log(`  ${threads.toLocaleString('en-US')} threads: ${summarise(size)}`)
    writeFileSync(config.jsonFile, JSON.stringify(report, null, 1))
    previous = threads
  }
  return run
}

// --- Main ----------------------------------------------------------------------------------

function freeDisk(dir: string): { text: string; bytes: number } {
  try {
    const line = execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' }).trim().split('\n').pop()!
    const bytes = Number(line.trim())
    return { text: `${(bytes / 1024 ** 3).toFixed(0)} GiB in ${dir}`, bytes }
  } catch {
    return { text: 'unknown', bytes: Number.POSITIVE_INFINITY }
  }
}

async function main(): Promise<void> {
  if (config.renderOnly) {
    const report = JSON.parse(readFileSync(config.renderOnly, 'utf8')) as LatencyReport
    report.findingsFile = config.findingsFile
    writeSection(config.resultsFile, SECTION_TITLE, renderSection(report))
    log(`re-rendered ${config.renderOnly} into ${config.resultsFile}`)
    return
  }
  for (const sizes of [config.sizes, config.pgliteSizes])
    if (sizes.some((size, i) => !Number.isInteger(size) || size <= 0 || (i > 0 && size <= sizes[i - 1]!)))
      throw new Error(`Sizes grow one database, so they must be positive and ascending: ${sizes.join(', ')}`)
  const started = performance.now()
  const machine: Machine = { cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU', cores: cpus().length, node: process.version, kernel: release(), loadBefore: loadavg() }
  const free = freeDisk(tmpdir())
  // The PostgreSQL data directory peaked at 21.0 GiB at 1M threads (tables, indexes, WAL); keep a margin.
  const largest = Math.max(...(config.databases.includes('postgres') ? config.sizes : [0]), ...(config.databases.includes('pglite') ? config.pgliteSizes : [0]))
  const needed = (largest / 1_000_000) * 25 * 1024 ** 3
  log(`${machine.cpuModel}, ${machine.cores} cores; ${free.text} free, ~${(needed / 1024 ** 3).toFixed(0)} GiB needed`)
  if (free.bytes < needed) throw new Error(`Not enough free disk in ${tmpdir()}: ${free.text}, need about ${(needed / 1024 ** 3).toFixed(0)} GiB. Lower BENCH_SIZES.`)

  const report: LatencyReport = {
    machine,
    startedAt: new Date().toISOString(),
    totalSeconds: 0,
    passes: config.passes,
    indexBatch: config.indexBatch,
    similarQuestions: config.similarQuestions,
    freeDiskBefore: free.text,
    peakDiskBytes: 0,
    runs: [],
    findingsFile: config.findingsFile,
  }
  let heldOutQuestions: { title: string; body: string }[] | null = null
  for (const kind of config.databases) {
    if (kind === 'postgres') {
      const { engine, version, settings } = await startPostgresEngine()
      const heldOut = async () => (heldOutQuestions ??= await engine.rows<{ title: string; body: string }>(heldOutQuestionsSql(config.similarQuestions)))
      await runEngine(engine, version.replace(/ \(.*\)$/, ''), version, settings, config.sizes, heldOut, report)
    } else if (kind === 'pglite') {
      const { engine, version } = await startPgliteEngine()
      const heldOut = async () => (heldOutQuestions ??= await engine.rows<{ title: string; body: string }>(heldOutQuestionsSql(config.similarQuestions)))
      await runEngine(engine, version.replace(/ \(.*\)$/, ''), version, [], config.pgliteSizes, heldOut, report)
    } else {
      throw new Error(`Unknown database "${kind}" in BENCH_DATABASES (use postgres, pglite).`)
    }
    report.peakDiskBytes = peakDiskBytes
    await cleanUpAll()
  }
  report.totalSeconds = seconds(started)
  report.peakDiskBytes = peakDiskBytes
  writeFileSync(config.jsonFile, JSON.stringify(report, null, 1))
  writeSection(config.resultsFile, SECTION_TITLE, renderSection(report))
  log(`done in ${Math.round(report.totalSeconds)} s; peak disk ${(peakDiskBytes / 1024 ** 3).toFixed(2)} GiB; results in ${config.resultsFile}, raw figures in ${config.jsonFile}`)
}

try {
  await main()
} catch (error) {
  console.error(`\nbench:search-latency failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`)
  process.exitCode = 1
} finally {
  await cleanUpAll()
}
