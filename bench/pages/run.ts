import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { createSession } from '../../src/auth/sessions'
import { openPglite, openPostgres, queryRows, type Database } from '../../src/db/client'
import { PostgresSearchIndex } from '../../src/search'
import { findPostgresBin } from '../../test/support/postgres-cluster'
import { PG_SETTINGS } from '../search/latency-settings'
import { cpuUsageBetween, findPostmaster, snapshotCpu } from '../http/cpu'
import { cleanUpAll, cleanUpOnSignals, onCleanup } from '../support/cleanup'
import { renderPagesSection, type PageResult, type SizeRun, type StatementProfile } from './report'
import { writeSection } from '../support/results-file'
import { GROUPS, pageRoutes, type Cookies, type PageRoute } from './routes'
import { readTargets, seedNow, seedPages, type SeedTargets } from './seed'
import { startWriter } from './writer'

// `npm run bench:pages`: every page of the forum, the support queue and the engineering side
// under load, at several forum sizes, each divided by a bare Hono + postgres.js one-select route
// measured in the same run. See bench/README.md ("Pages") for what it does and its knobs.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean)

const config = {
  sizes: list(process.env.BENCH_SIZES ?? '2000,100000,1000000').map(Number),
  pgliteSizes: list(process.env.BENCH_PGLITE_SIZES ?? '2000').map(Number),
  databases: list(process.env.BENCH_DATABASES ?? 'postgres,pglite'),
  duration: Number(process.env.BENCH_DURATION ?? 5),
  warmup: Number(process.env.BENCH_WARMUP ?? 2),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  /** Generated databases are kept here between runs (a PostgreSQL data directory, PGlite directories). */
  dataRoot: process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'wire-bench-pages'),
  only: process.env.BENCH_ROUTES ? new Set(list(process.env.BENCH_ROUTES)) : null,
  profileRequests: Number(process.env.BENCH_PROFILE_REQUESTS ?? 20),
  resultsFile: process.env.BENCH_RESULTS ?? join(repoRoot, 'bench', 'RESULTS.md'),
  json: process.env.BENCH_JSON ?? join(tmpdir(), 'bench-pages.json'),
  seedOnly: process.env.BENCH_SEED_ONLY === '1',
  /** Sizes above this are not indexed for search (1M takes about 30 min alone, hours on a busy machine); their search pages are skipped. */
  searchIndexUpTo: Number(process.env.BENCH_SEARCH_INDEX_UP_TO ?? 100_000),
  /** Forum posts committed per second in the background while each page is loaded (PostgreSQL only); 0: none. See writer.ts. */
  writerPostsPerSecond: Number(process.env.BENCH_WRITER ?? 0),
}

/** Bumped whenever seed.ts writes different rows: a kept database of an older seed is rebuilt. */
const SEED_VERSION = 3
const SECTION_TITLE = '## Pages: every page under load (`npm run bench:pages`)'

cleanUpOnSignals('stopping the server and PostgreSQL (the generated databases are kept)')
const log = (message: string) => console.log(`[bench:pages ${new Date().toISOString().slice(11, 19)}] ${message}`)

// --- A PostgreSQL cluster whose data directory outlives the run ------------------------------

interface KeptCluster {
  url: (database: string) => string
  port: number
  stop(): void
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function startKeptCluster(root: string): Promise<KeptCluster> {
  const bin = findPostgresBin()
  if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) were not found. Install the postgresql package.')
  const asRoot = process.getuid?.() === 0
  mkdirSync(root, { recursive: true })
  chmodSync(root, 0o777)
  const dataDir = join(root, 'pg')
  const command = (name: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, name), ...args]] : [join(bin, name), args]
  const run = (name: string, args: string[]) => {
    const [file, argv] = command(name, args)
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root })
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initdb ${dataDir}`)
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'])
  }
  // Another run (say, one generating a larger size) may have the cluster up: share it and leave
  // it running. A stale pid file (a run killed hard) is handled by pg_ctl start.
  const pidFile = join(dataDir, 'postmaster.pid')
  if (existsSync(pidFile)) {
    const runningPort = Number(readFileSync(pidFile, 'utf8').split('\n')[3])
    const probe = postgres(`postgres://postgres@127.0.0.1:${runningPort}/postgres`, { max: 1, connect_timeout: 3, onnotice: () => {} })
    const up = await probe`select 1`.then(() => true, () => false)
    await probe.end({ timeout: 1 })
    if (up) {
      log(`sharing the PostgreSQL cluster already running on port ${runningPort}`)
      return { url: (database) => `postgres://postgres@127.0.0.1:${runningPort}/${database}`, port: runningPort, stop() {} }
    }
  }
  const port = await freePort()
  const settings: Record<string, string> = {
    ...PG_SETTINGS,
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${root}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
  }
  const flags = Object.entries(settings)
    .map(([key, value]) => `-c ${key}=${value}`)
    .join(' ')
  run('pg_ctl', ['-D', dataDir, '-o', flags, '-l', join(root, 'server.log'), '-w', 'start'])
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    stop() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop'])
      } catch (error) {
        console.error('pg_ctl stop failed:', error instanceof Error ? error.message : error)
      }
    },
  }
}

// --- Generating (or reusing) one size -------------------------------------------------------

async function indexSearch(database: Database, threads: number): Promise<void> {
  const index = new PostgresSearchIndex(database.db)
  const started = performance.now()
  let after = 0
  let done = 0
  let nextReport = threads / 10
  for (;;) {
    const batch = await queryRows<{ id: number }>(database.db, sql`select id from threads where id > ${after} and hidden_at is null order by id limit 500`)
    if (batch.length === 0) break
    await index.indexThreads(batch.map((row) => row.id))
    after = batch[batch.length - 1]!.id
    done += batch.length
    if (done >= nextReport) {
      log(`  indexed ${done.toLocaleString('en-US')} threads for search (${Math.round(done / ((performance.now() - started) / 1000))}/s)`)
      nextReport += threads / 10
    }
  }
  await index.maintain(seedNow(threads))
}

interface Prepared {
  searchIndexed: boolean
  targets: SeedTargets
  seedSeconds: number | null
  reused: boolean
}

/** Whether the kept database is of this seed and size, and whether it was indexed for search; null when it is not current. */
async function keptState(database: Database, threads: number): Promise<{ searchIndexed: boolean } | null> {
  try {
    const [row] = await queryRows<{ version: number; threads: number; search_indexed: boolean }>(database.db, sql`select * from bench_pages_meta`)
    return row && row.version === SEED_VERSION && row.threads === threads ? { searchIndexed: row.search_indexed } : null
  } catch {
    return null
  }
}

async function generate(database: Database, threads: number, searchIndex: boolean): Promise<number> {
  const started = performance.now()
  await database.migrate()
  await seedPages(database.db, threads, log)
  if (searchIndex) await indexSearch(database, threads)
  await database.db.execute(sql`vacuum analyze`)
  await database.db.execute(sql`create table bench_pages_meta (version int not null, threads int not null, search_indexed boolean not null, seeded_at timestamptz not null)`)
  await database.db.execute(sql`insert into bench_pages_meta values (${SEED_VERSION}, ${threads}, ${searchIndex}, now())`)
  return (performance.now() - started) / 1000
}

async function preparePostgres(cluster: KeptCluster, threads: number): Promise<Prepared & { url: string }> {
  const name = `pages_${threads}`
  const url = cluster.url(name)
  const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: () => {} })
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`
    if (exists) {
      const database = openPostgres(url, { poolSize: 2 })
      try {
        const kept = await keptState(database, threads)
        if (kept) {
          // Other changes may have added migrations since the database was generated.
          await database.migrate()
          log(`PostgreSQL ${threads.toLocaleString('en-US')}: reusing ${name}`)
          return { url, targets: await readTargets(database.db, threads), seedSeconds: null, reused: true, searchIndexed: kept.searchIndexed }
        }
      } finally {
        await database.close()
      }
      log(`PostgreSQL ${threads.toLocaleString('en-US')}: ${name} is from another seed; rebuilding`)
      await admin.unsafe(`drop database ${name} with (force)`)
    }
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  log(`PostgreSQL ${threads.toLocaleString('en-US')}: generating ${name}`)
  const database = openPostgres(url, { poolSize: 2 })
  try {
    await database.db.execute(sql`create extension if not exists pg_stat_statements`)
    const searchIndexed = threads <= config.searchIndexUpTo
    const seedSeconds = await generate(database, threads, searchIndexed)
    log(`PostgreSQL ${threads.toLocaleString('en-US')}: generated in ${Math.round(seedSeconds)} s`)
    return { url, targets: await readTargets(database.db, threads), seedSeconds, reused: false, searchIndexed }
  } finally {
    await database.close()
  }
}

async function preparePglite(threads: number): Promise<Prepared & { dataDir: string }> {
  const dataDir = join(config.dataRoot, `pglite-${threads}`)
  const existed = existsSync(join(dataDir, 'pglite'))
  let database = await openPglite(join(dataDir, 'pglite'))
  try {
    if (existed && (await keptState(database, threads))) {
      await database.migrate()
      log(`PGlite ${threads.toLocaleString('en-US')}: reusing ${dataDir}`)
      return { dataDir, targets: await readTargets(database.db, threads), seedSeconds: null, reused: true, searchIndexed: false }
    }
    if (existed) {
      await database.close()
      execFileSync('rm', ['-rf', join(dataDir, 'pglite')])
      database = await openPglite(join(dataDir, 'pglite'))
    }
    log(`PGlite ${threads.toLocaleString('en-US')}: generating ${dataDir}`)
    const seedSeconds = await generate(database, threads, false)
    return { dataDir, targets: await readTargets(database.db, threads), seedSeconds, reused: false, searchIndexed: false }
  } finally {
    await database.close()
  }
}

// --- The app server ------------------------------------------------------------------------

interface BenchServer {
  port: number
  referencePort: number
  pid: number
  stop(): Promise<void>
}

async function startServer(databaseEnv: Record<string, string>): Promise<BenchServer> {
  const { DATABASE_URL: _url, DATA_DIR: _dir, ...inherited } = process.env
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/pages/server.ts'], {
    cwd: repoRoot,
    // TRUST_PROXY: pages measured as many visitors give each request its address in X-Forwarded-For.
    env: { ...inherited, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: 'http://127.0.0.1', LOG_LEVEL: 'warn', TRUST_PROXY: '1', ...databaseEnv },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const stop = onCleanup('app server', async () => {
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  })
  const ready = await new Promise<{ port: number; referencePort: number; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The app server did not start within 120 s.')), 120_000)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('BENCH_READY ')) {
        clearTimeout(timer)
        resolve(JSON.parse(line.slice('BENCH_READY '.length)))
      } else console.log(`  [server] ${line}`)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`The app server exited (code ${code}) before it was ready.`))
    })
  })
  return { ...ready, stop }
}

async function signIn(database: Database, userId: number): Promise<string> {
  return `session=${(await createSession(database.db, userId, new Date())).token}; ${RETURNING_VISITOR}`
}
const RETURNING_VISITOR = 'csrf=abcdefghijklmnopqrstuvwxyz234567'

/** How many members take turns on pages measured with many visitors (search, similar questions). */
const MANY_MEMBERS = 200

async function sessions(openDb: () => Promise<Database>, targets: SeedTargets): Promise<Cookies> {
  const database = await openDb()
  try {
    const members = await queryRows<{ id: number }>(database.db, sql`select id from users where role = 'member' order by id limit ${MANY_MEMBERS}`)
    return {
      anonymous: RETURNING_VISITOR,
      member: await signIn(database, targets.memberId),
      support: await signIn(database, targets.supportId),
      engineer: await signIn(database, targets.engineerId),
      members: await Promise.all(members.map((row) => signIn(database, row.id))),
    }
  } finally {
    await database.close()
  }
}

// --- Measuring -------------------------------------------------------------------------------

/** Fails unless the page answers 200 as the role it is measured for. */
async function checkPage(base: string, route: PageRoute, cookies: Cookies): Promise<number> {
  const response = await fetch(`${base}${route.path}`, { headers: { cookie: cookies[route.as], 'accept-encoding': 'identity' }, redirect: 'manual' })
  const body = await response.text()
  if (response.status !== 200) throw new Error(`${route.key}: ${route.path} answered ${response.status} as ${route.as}: ${body.slice(0, 300)}`)
  if (route.expect && !body.includes(route.expect)) throw new Error(`${route.key}: ${route.path} does not contain “${route.expect}”`)
  return Buffer.byteLength(body)
}

const execFileAsync = promisify(execFile)

interface WrkResult {
  requestsPerSecond: number
  total: number
  p50: number
  p99: number
  errors: string | null
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim())
  if (!match) return Number.NaN
  const n = Number(match[1])
  return match[2] === 'us' ? n / 1000 : match[2] === 'ms' ? n : match[2] === 's' ? n * 1000 : n * 60_000
}

/**
 * A wrk script that makes every request another visitor: its own address (X-Forwarded-For; the
 * bench server trusts the proxy header) and, for a signed-in page, one of many members' sessions
 * in turn. Search and similar questions count every request against the visitor's per-minute
 * limits (src/safety/write-limits.ts), as they should; one wrk visitor sending thousands a second
 * measured only the 429 path. The limits still run, and write their buckets, for every request.
 */
let visitorsScriptKept = false
function manyVisitorsScript(cookies: string[]): string {
  const file = join(tmpdir(), `bench-pages-visitors-${process.pid}.lua`)
  if (!visitorsScriptKept) onCleanup('wrk visitors script', () => rmSync(file, { force: true }))
  visitorsScriptKept = true
  const list = cookies.map((cookie) => JSON.stringify(cookie)).join(',\n  ')
  writeFileSync(
    file,
    `local cookies = {
  ${list}
}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end
local n = 0
function request()
  n = n + 1
  local visitor = n + (offset or 0)
  wrk.headers["X-Forwarded-For"] = "10." .. (math.floor(visitor / 62500) % 250) .. "." .. (math.floor(visitor / 250) % 250) .. "." .. (visitor % 250 + 1)
  wrk.headers["Cookie"] = cookies[(visitor % #cookies) + 1]
  return wrk.format(nil)
end
`,
  )
  return file
}

async function wrk(url: string, cookie: string | string[], seconds: number, connections: number): Promise<WrkResult> {
  // Every request says what a browser says: it takes gzip (only feeds and sitemaps are sent so).
  const visitors = Array.isArray(cookie) ? ['-s', manyVisitorsScript(cookie)] : ['-H', `Cookie: ${cookie}`]
  const { stdout } = await execFileAsync(
    'wrk',
    ['-t2', `-c${connections}`, `-d${seconds}s`, '--timeout', '30s', '--latency', '-H', 'Accept-Encoding: gzip', ...visitors, url],
    { maxBuffer: 1 << 20 },
  )
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN)
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0)
  const p50 = toMs(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? '')
  const p99 = toMs(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? '')
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1]
  const socket = /Socket errors: (.*)/.exec(stdout)?.[1]
  const socketBad = socket && /(connect|read|write|timeout) [1-9]/.test(socket) ? socket : null
  const errors = [non2xx ? `${non2xx} non-2xx/3xx` : null, socketBad ? `socket errors: ${socketBad}` : null].filter(Boolean).join('; ') || null
  return { requestsPerSecond: rps, total, p50, p99, errors }
}

type Sql = ReturnType<typeof postgres>

async function setTracking(monitor: Sql, on: boolean): Promise<void> {
  await monitor.unsafe(`alter system set pg_stat_statements.track = '${on ? 'top' : 'none'}'`)
  await monitor`select pg_reload_conf()`
  await new Promise((resolve) => setTimeout(resolve, 300))
}

/** The statements one request runs (pg_stat_statements over sequential requests, no load). */
async function profileStatements(monitor: Sql, base: string, route: PageRoute, cookies: Cookies): Promise<StatementProfile> {
  const get = async () => {
    const response = await fetch(`${base}${route.path}`, { headers: { cookie: cookies[route.as] } })
    await response.arrayBuffer()
  }
  for (let i = 0; i < 3; i++) await get()
  await monitor`select pg_stat_statements_reset()`
  const started = performance.now()
  for (let i = 0; i < config.profileRequests; i++) await get()
  const wallMs = (performance.now() - started) / config.profileRequests
  const rows = await monitor<{ query: string; calls: string; total: number; mean: number }[]>`
    select query, calls::text, total_exec_time + total_plan_time as total, mean_exec_time as mean from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database()) and query not ilike '%pg_stat_statements%'
      and query not ilike 'alter system%' and query not ilike '%pg_reload_conf%'
    order by total_exec_time desc`
  const requests = config.profileRequests
  const top = rows[0]
  return {
    statementsPerRequest: rows.reduce((sum, row) => sum + Number(row.calls), 0) / requests,
    databaseMsPerRequest: rows.reduce((sum, row) => sum + row.total, 0) / requests,
    wallMsPerRequest: wallMs,
    top: top ? { query: top.query.replace(/\s+/g, ' ').slice(0, 220), meanMs: top.mean, callsPerRequest: Number(top.calls) / requests } : null,
  }
}

/**
 * Waits until the requests wrk left in flight are done: a slow page (the queue board at 100k
 * items) keeps PostgreSQL busy for seconds after wrk stops, and the next page would pay for it.
 */
async function drain(monitor: Sql | null): Promise<void> {
  if (!monitor) return new Promise((resolve) => setTimeout(resolve, 2000))
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const [row] = await monitor<{ active: number }[]>`
      select count(*)::int as active from pg_stat_activity
      where datname = current_database() and state <> 'idle' and pid <> pg_backend_pid()`
    if (!row || row.active === 0) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function measurePage(
  server: BenchServer,
  route: PageRoute,
  cookies: Cookies,
  postmaster: number | null,
  monitor: Sql | null,
  port?: number,
  writerTarget?: { url: string; threads: number; avoidThreadId: number } | null,
): Promise<PageResult> {
  const url = `http://127.0.0.1:${port ?? server.port}${route.path}`
  const visitors = route.manyVisitors ? (route.as === 'member' ? cookies.members : [cookies.anonymous]) : cookies[route.as]
  const writer = writerTarget && config.writerPostsPerSecond > 0 ? startWriter(writerTarget.url, config.writerPostsPerSecond, writerTarget.threads, writerTarget.avoidThreadId) : null
  if (config.warmup > 0) await wrk(url, visitors, config.warmup, config.connections)
  const before = snapshotCpu(server.pid, postmaster)
  const writesBefore = writer?.commits ?? 0
  const started = performance.now()
  const result = await wrk(url, visitors, config.duration, config.connections)
  const writesPerSecond = writer ? (writer.commits - writesBefore) / ((performance.now() - started) / 1000) : null
  const after = snapshotCpu(server.pid, postmaster)
  const cpu = cpuUsageBetween(before, after, result.total)
  await writer?.stop()
  await drain(monitor)
  log(
    `  ${route.key.padEnd(22)} ${Math.round(result.requestsPerSecond).toString().padStart(6)} req/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms${writesPerSecond === null ? '' : `  (${writesPerSecond.toFixed(1)} posts/s beside it)`}${result.errors ? `  ERRORS ${result.errors}` : ''}`,
  )
  return {
    key: route.key,
    label: route.label,
    group: route.group,
    requestsPerSecond: result.requestsPerSecond,
    p50: result.p50,
    p99: result.p99,
    total: result.total,
    errors: result.errors,
    appCpuMs: cpu.serverMsPerRequest,
    postgresCpuMs: cpu.postgresMsPerRequest,
    othersBusyShare: cpu.othersBusyShare,
    bytes: 0,
    statements: null,
  }
}

async function measureSize(
  kind: 'postgres' | 'pglite',
  threads: number,
  server: BenchServer,
  prepared: Prepared,
  cookies: Cookies,
  monitor: Sql | null,
  postmaster: number | null,
  writerUrl: string | null = null,
): Promise<SizeRun> {
  const base = `http://127.0.0.1:${server.port}`
  const targets = prepared.targets
  const routes = pageRoutes(targets)
    .filter((route) => (kind === 'pglite' ? route.group === 'anonymous' : true))
    .filter((route) => prepared.searchIndexed || route.group !== 'search')
    .filter((route) => !config.only || config.only.has(route.key))
  const bytes = new Map<string, number>()
  for (const route of routes) bytes.set(route.key, await checkPage(base, route, cookies))
  const profiles = new Map<string, StatementProfile>()
  if (monitor) {
    await setTracking(monitor, true)
    try {
      for (const route of routes) profiles.set(route.key, await profileStatements(monitor, base, route, cookies))
    } finally {
      await setTracking(monitor, false)
    }
  }
  const referenceRoute: PageRoute = { key: 'reference', label: 'Reference: bare Hono + postgres.js, one primary-key select', group: 'reference', as: 'anonymous', path: `/bench/users/${targets.userId}` }
  log(`${kind} ${threads.toLocaleString('en-US')}: ${config.duration} s per page at ${config.connections} connections`)
  const writerTarget = writerUrl ? { url: writerUrl, threads, avoidThreadId: targets.measuredThreadId } : null
  if (writerTarget && config.writerPostsPerSecond > 0) log(`  with ${config.writerPostsPerSecond} forum posts/s committed in the background during every page (BENCH_WRITER)`)
  const referenceBefore = await measurePage(server, referenceRoute, cookies, postmaster, monitor, server.referencePort, writerTarget)
  const pages: PageResult[] = []
  for (const route of routes) {
    const result = await measurePage(server, route, cookies, postmaster, monitor, undefined, writerTarget)
    pages.push({ ...result, bytes: bytes.get(route.key) ?? 0, statements: profiles.get(route.key) ?? null })
  }
  const referenceAfter = await measurePage(server, referenceRoute, cookies, postmaster, monitor, server.referencePort, writerTarget)
  return { kind, threads, reference: [referenceBefore, referenceAfter], pages, loadAverage: loadavg(), searchIndexed: prepared.searchIndexed }
}

// --- Main --------------------------------------------------------------------------------------

/** With BENCH_MERGE=1, the sizes of the previous run's raw figures (BENCH_JSON) that this run does not measure are kept in the report. */
function previousFigures(): { runs: SizeRun[]; seeding: { kind: string; threads: number; seconds: number | null }[] } {
  if (process.env.BENCH_MERGE !== '1' || !existsSync(config.json)) return { runs: [], seeding: [] }
  return JSON.parse(readFileSync(config.json, 'utf8'))
}

async function main(): Promise<void> {
  const startedAt = new Date()
  const previous = previousFigures()
  const runs: SizeRun[] = []
  const seeding: { kind: string; threads: number; seconds: number | null }[] = []
  const onPostgres = (threads: number) => config.databases.includes('postgres') && config.sizes.includes(threads)
  const onPglite = (threads: number) => config.databases.includes('pglite') && config.pgliteSizes.includes(threads)
  runs.push(...previous.runs.filter((run) => !(run.kind === 'postgres' ? onPostgres(run.threads) : onPglite(run.threads))))
  seeding.push(...previous.seeding.filter((entry) => !(entry.kind === 'PGlite' ? onPglite(entry.threads) : onPostgres(entry.threads))))
  if (config.databases.includes('postgres')) {
    const cluster = await startKeptCluster(config.dataRoot)
    const stopCluster = onCleanup('PostgreSQL cluster', () => cluster.stop())
    const monitorAdmin = postgres(cluster.url('postgres'), { max: 1, onnotice: () => {} })
    const [{ server_version: version } = { server_version: '?' }] = await monitorAdmin<{ server_version: string }[]>`show server_version`
    await monitorAdmin.end()
    for (const threads of config.sizes) {
      const prepared = await preparePostgres(cluster, threads)
      seeding.push({ kind: `PostgreSQL ${version}`, threads, seconds: prepared.seedSeconds })
      if (config.seedOnly) continue
      const monitor = postgres(prepared.url, { max: 1, onnotice: () => {} })
      const closeMonitor = onCleanup('monitor', () => monitor.end({ timeout: 5 }))
      await monitor`create extension if not exists pg_stat_statements`
      await monitor`analyze`
      const cookies = await sessions(async () => openPostgres(prepared.url, { poolSize: 1 }), prepared.targets)
      const server = await startServer({ DATABASE_URL: prepared.url })
      const run = await measureSize('postgres', threads, server, prepared, cookies, monitor, findPostmaster(cluster.port), prepared.url)
      runs.push({ ...run, version: `PostgreSQL ${version}` })
      await server.stop()
      await closeMonitor()
      writeFileSync(config.json, JSON.stringify({ startedAt, runs, seeding }, null, 1))
    }
    await stopCluster()
  }
  if (config.databases.includes('pglite')) {
    for (const threads of config.pgliteSizes) {
      const prepared = await preparePglite(threads)
      seeding.push({ kind: 'PGlite', threads, seconds: prepared.seedSeconds })
      if (config.seedOnly) continue
      const cookies = await sessions(async () => openPglite(join(prepared.dataDir, 'pglite')), prepared.targets)
      const server = await startServer({ DATA_DIR: prepared.dataDir })
      const run = await measureSize('pglite', threads, server, prepared, cookies, null, null)
      runs.push({ ...run, version: 'PGlite' })
      await server.stop()
      writeFileSync(config.json, JSON.stringify({ startedAt, runs, seeding }, null, 1))
    }
  }
  if (config.seedOnly) return
  runs.sort((a, b) => (a.kind === b.kind ? a.threads - b.threads : a.kind === 'postgres' ? -1 : 1))
  const section = renderPagesSection({
    title: SECTION_TITLE,
    runs,
    seeding,
    startedAt,
    machine: { cpu: cpus()[0]?.model.trim() ?? '?', cores: cpus().length, node: process.version },
    settings: { duration: config.duration, warmup: config.warmup, connections: config.connections },
    groups: GROUPS,
    findingsFile: join(repoRoot, 'bench', 'pages', 'FINDINGS.md'),
  })
  writeSection(config.resultsFile, SECTION_TITLE, section)
  log(`results in ${config.resultsFile}`)
}

try {
  await main()
} catch (error) {
  console.error(`\nbench:pages failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`)
  process.exitCode = 1
} finally {
  await cleanUpAll()
}
