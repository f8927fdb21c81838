import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { openPglite, openPostgres, queryRows, type Database } from '../../src/db/client'
import { createSession } from '../../src/auth/sessions'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { cleanUpAll, cleanUpOnSignals, onCleanup } from '../support/cleanup'
import { cpuUsageBetween, findPostmaster, snapshotCpu } from './cpu'
import { fmtInt, fmtMs, renderSection, writeResults, type DatabaseRun, type Machine, type QueryProfile, type RouteDef, type RouteResult } from './report'
import { seedBenchData, type BenchTargets } from './seed'

// One reproducible run of the HTTP benchmark: for PostgreSQL and then PGlite, a fresh
// database is migrated and seeded, the app is started in a child process
// (bench/http/server.ts), and autocannon loads three routes in turn. The figures go to
// bench/RESULTS.md under "## HTTP: pages under load"; other sections there are kept.
//
// Knobs (environment): BENCH_DURATION (s per route, 10), BENCH_WARMUP (s, 3),
// BENCH_CONNECTIONS (50), BENCH_TIMEOUT (s per request, 30), BENCH_DATABASES ("postgres,pglite"), BENCH_DIAGNOSTICS ("1"; "0"
// skips the breakdown of the thread page), BENCH_ROUTES (only these route keys), BENCH_RESULTS
// (output file; a partial run should not overwrite the real one), BENCH_SERVER_NODE_ARGS
// (extra flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

const config = {
  duration: Number(process.env.BENCH_DURATION ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
  /** Seconds before autocannon counts a request as an error; its default of 10 is below PGlite's worst case. */
  timeout: Number(process.env.BENCH_TIMEOUT ?? 30),
  diagnosticDuration: Number(process.env.BENCH_DIAGNOSTIC_DURATION ?? 5),
  diagnosticWarmup: 2,
  databases: (process.env.BENCH_DATABASES ?? 'postgres,pglite').split(',').map((name) => name.trim()) as ('postgres' | 'pglite')[],
  diagnostics: process.env.BENCH_DIAGNOSTICS !== '0',
  /** Only these route keys (main and diagnostic), e.g. "thread-page" when profiling one route. */
  only: process.env.BENCH_ROUTES ? new Set(process.env.BENCH_ROUTES.split(',').map((key) => key.trim())) : null,
  resultsFile: process.env.BENCH_RESULTS ?? join(repoRoot, 'bench', 'RESULTS.md'),
}

// A CSRF cookie of the right shape: a returning anonymous visitor, who gets no new token.
const RETURNING_VISITOR_COOKIE = 'csrf=abcdefghijklmnopqrstuvwxyz234567'
let memberCookie = ''

// --- Clean-up that runs on success, failure and Ctrl-C --------------------------------

cleanUpOnSignals('stopping the server and the database, removing temporary files')

const log = (message: string) => console.log(`[bench:http ${new Date().toISOString().slice(11, 19)}] ${message}`)

// --- The app server in a child process ---------------------------------------------------

interface BenchServer {
  port: number
  barePort: number
  pid: number
  stop(): Promise<void>
}

async function startServer(databaseEnv: Record<string, string>): Promise<BenchServer> {
  const { DATABASE_URL: _url, DATA_DIR: _dir, ...inherited } = process.env
  // BENCH_SERVER_NODE_ARGS passes flags to the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'bench/http/server.ts'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_URL: 'http://127.0.0.1',
      // Request logging at info would put a JSON line per request on the hot path.
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      ...databaseEnv,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const stop = onCleanup('app server', async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  })

  const ready = await new Promise<{ port: number; barePort: number; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The app server did not report ready within 60 s.')), 60_000)
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      if (line.startsWith('BENCH_READY ')) {
        clearTimeout(timer)
        resolve(JSON.parse(line.slice('BENCH_READY '.length)))
      } else {
        console.log(`  [server] ${line}`)
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`The app server exited (code ${code}) before it was ready.`))
    })
  })
  return { ...ready, stop }
}

// --- Sanity checks: the routes answer what we think they answer ---------------------------

async function checkRoutes(server: BenchServer, targets: BenchTargets): Promise<{ threadPageBytes: number }> {
  const base = `http://127.0.0.1:${server.port}`
  const fail = (message: string): never => {
    throw new Error(`Sanity check failed: ${message}`)
  }

  const hello = await fetch(`${base}/bench/hello`)
  if (hello.status !== 200 || (await hello.text()) !== 'hello') fail(`/bench/hello answered ${hello.status}`)
  // Proof that the bench routes run behind the app's middleware: secure headers, request id, provideCtx.
  for (const header of ['content-security-policy', 'x-request-id']) if (!hello.headers.get(header)) fail(`/bench/hello lacks ${header}: it bypassed the middleware`)
  if (hello.headers.get('cache-control') !== 'private, no-cache') fail('/bench/hello did not pass through provideCtx')

  const bare = await fetch(`http://127.0.0.1:${server.barePort}/bench/hello`)
  if (bare.status !== 200 || bare.headers.get('content-security-policy')) fail('the bare hello app is not bare')

  const user = await fetch(`${base}/bench/users/${targets.userId}`)
  const userBody = (await user.json()) as { id?: number }
  if (user.status !== 200 || userBody.id !== targets.userId) fail(`/bench/users/${targets.userId} answered ${user.status}`)

  const page = await fetch(`${base}${targets.threadPath}`, { redirect: 'manual' })
  const html = await page.text()
  if (page.status !== 200) fail(`${targets.threadPath} answered ${page.status}, not 200`)
  if (!page.headers.get('content-type')?.startsWith('text/html')) fail('the thread page is not HTML')
  const replyCount = html.split('<article id="reply-').length - 1
  if (replyCount !== targets.measuredReplies) fail(`the thread page shows ${replyCount} replies, expected ${targets.measuredReplies}`)
  if (!html.includes(targets.threadTitle)) fail('the thread page does not show its title')
  if (!page.headers.get('set-cookie')?.includes('csrf=')) fail('an anonymous first visit got no CSRF cookie')
  return { threadPageBytes: Buffer.byteLength(html) }
}

// --- Which statements a request runs (PostgreSQL) --------------------------------------------

type Sql = ReturnType<typeof postgres>

async function setStatementTracking(monitor: Sql, on: boolean): Promise<void> {
  // Command-line settings would beat ALTER SYSTEM, so these two are only ever set here.
  await monitor.unsafe(`alter system set pg_stat_statements.track = '${on ? 'top' : 'none'}'`)
  await monitor.unsafe(`alter system set pg_stat_statements.track_planning = ${on ? 'on' : 'off'}`)
  await monitor`select pg_reload_conf()`
  // Backends read the new settings before their next command; give the signal time to land.
  await new Promise((resolve) => setTimeout(resolve, 300))
}

/** The statements one request runs, from pg_stat_statements over sequential requests (no load). */
async function profileQueries(monitor: Sql, server: BenchServer, route: RouteDef, requests = 50): Promise<QueryProfile> {
  const url = `http://127.0.0.1:${server.port}${route.path}`
  const get = async () => {
    const response = await fetch(url, { headers: route.headers })
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${route.path} answered ${response.status} during the query profile`)
  }
  await setStatementTracking(monitor, true)
  try {
    for (let i = 0; i < 5; i++) await get()
    await monitor`select pg_stat_statements_reset()`
    for (let i = 0; i < requests; i++) await get()
    const rows = await monitor<{ query: string; calls: string; plan: number; exec: number; rows: string }[]>`
      select query, calls::text, mean_plan_time as plan, mean_exec_time as exec, rows::text
      from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not ilike '%pg_stat_statements%'
      order by calls desc, mean_exec_time desc`
    const statements = rows.map((row) => ({
      query: row.query.replace(/\s+/g, ' ').trim(),
      callsPerRequest: Number(row.calls) / requests,
      planMs: row.plan,
      execMs: row.exec,
      rowsPerCall: Number(row.rows) / Number(row.calls),
    }))
    return { requests, statementsPerRequest: statements.reduce((sum, s) => sum + s.callsPerRequest, 0), statements }
  } finally {
    await setStatementTracking(monitor, false)
  }
}

// --- Load ----------------------------------------------------------------------------------

async function measure(
  server: BenchServer,
  route: RouteDef,
  options: { duration: number; warmup: number; postmaster: number | null; queries?: QueryProfile },
): Promise<RouteResult> {
  const port = route.port === 'bare' ? server.barePort : server.port
  const connections = route.connections ?? config.connections
  const request = { url: `http://127.0.0.1:${port}${route.path}`, connections, pipelining: 1, timeout: config.timeout, headers: route.headers }
  const check = (result: autocannon.Result, phase: string) => {
    const bad = { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, mismatches: result.mismatches, resets: result.resets }
    if (Object.values(bad).some((count) => count > 0) || result['2xx'] === 0)
      throw new Error(`${route.label} (${phase}) had failures: ${JSON.stringify({ ...bad, ok: result['2xx'] })}. Nothing is written.`)
  }
  if (options.warmup > 0) check(await autocannon({ ...request, duration: options.warmup }), 'warm-up')

  const before = snapshotCpu(server.pid, options.postmaster)
  const result = await autocannon({ ...request, duration: options.duration })
  const after = snapshotCpu(server.pid, options.postmaster)
  check(result, 'measured')
  const row: RouteResult = {
    route,
    connections,
    requestsPerSecond: result.requests.average,
    requestsPerSecondStddev: result.requests.stddev,
    meanMs: result.latency.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
    cpu: cpuUsageBetween(before, after, result.requests.total),
    statementsPerRequest: options.queries?.statementsPerRequest ?? null,
  }
  log(
    `  ${route.key.padEnd(14)} ${fmtInt(row.requestsPerSecond).padStart(7)} req/s  p50 ${fmtMs(row.p50)} ms  p99 ${fmtMs(row.p99)} ms  (${fmtInt(row.total)} requests)`,
  )
  return row
}

// --- One database ------------------------------------------------------------------------

const selected = (routes: RouteDef[]) => (config.only ? routes.filter((route) => config.only!.has(route.key)) : routes)

function mainRoutes(targets: BenchTargets): RouteDef[] {
  return selected([
    { key: 'hello', label: 'Hello world: `GET /bench/hello`', path: '/bench/hello', port: 'app' },
    { key: 'pk-select', label: 'One primary-key select: `GET /bench/users/:id`', path: `/bench/users/${targets.userId}`, port: 'app' },
    { key: 'thread-page', label: `Anonymous thread page, ${targets.measuredReplies} replies: \`GET /t/:id/:slug\``, path: targets.threadPath, port: 'app' },
  ])
}

function diagnosticRoutes(targets: BenchTargets): RouteDef[] {
  return selected([
    { key: 'bare-hello', label: 'Hello world on a bare Hono app (no middleware), same process', path: '/bench/hello', port: 'bare' },
    {
      key: 'thread-cookie',
      label: 'Thread page, returning anonymous visitor (CSRF cookie sent, none set)',
      path: targets.threadPath,
      port: 'app',
      headers: { cookie: RETURNING_VISITOR_COOKIE },
    },
    {
      key: 'thread-member',
      label: 'Thread page for a signed-in member (rendered for each request, as after every change)',
      path: targets.threadPath,
      port: 'app',
      headers: { cookie: memberCookie },
    },
    { key: 'thread-data', label: "Thread page's queries only, as the route runs them (JSON out)", path: `/bench/thread-data/${targets.threadId}`, port: 'app' },
    { key: 'thread-render', label: "Thread page's HTML from cached data (middleware + JSX, no database)", path: `/bench/thread-render/${targets.threadId}`, port: 'app' },
    { key: 'thread-1conn', label: 'Thread page at 1 connection (latency without queueing)', path: targets.threadPath, port: 'app', connections: 1 },
  ])
}

async function runPostgres(): Promise<DatabaseRun> {
  log('PostgreSQL: starting a throwaway cluster')
  // pg_stat_statements is loaded but switched off ('none') while loading; it is switched on
  // only for the short, sequential query profile, so it costs the measured runs nothing.
  const cluster = await startPostgresCluster({ settings: { shared_preload_libraries: "'pg_stat_statements'" } })
  onCleanup('PostgreSQL cluster', () => cluster.stop())
  const port = Number(new URL(cluster.url).port)

  const seeded = await prepare(openPostgres(cluster.url, { poolSize: 4 }))
  const monitor = postgres(cluster.url, { max: 1, onnotice: () => {} })
  const closeMonitor = onCleanup('monitor connection', () => monitor.end({ timeout: 5 }))
  const [{ server_version: version } = { server_version: '?' }] = await monitor<{ server_version: string }[]>`show server_version`
  await monitor`create extension if not exists pg_stat_statements`
  await setStatementTracking(monitor, false)

  const server = await startServer({ DATABASE_URL: cluster.url })
  const { threadPageBytes } = await checkRoutes(server, seeded.targets)
  const postmaster = findPostmaster(port)
  const queryProfiles = new Map<string, QueryProfile>()
  for (const route of mainRoutes(seeded.targets)) queryProfiles.set(route.key, await profileQueries(monitor, server, route))
  const routes: RouteResult[] = []
  log(`PostgreSQL ${version}: measuring ${config.duration} s per route at ${config.connections} connections`)
  for (const route of mainRoutes(seeded.targets))
    routes.push(await measure(server, route, { duration: config.duration, warmup: config.warmup, postmaster, queries: queryProfiles.get(route.key) }))
  const diagnostics: RouteResult[] = []
  if (config.diagnostics) {
    log(`PostgreSQL: diagnostics, ${config.diagnosticDuration} s each`)
    for (const route of diagnosticRoutes(seeded.targets))
      diagnostics.push(
        await measure(server, route, { duration: config.diagnosticDuration, warmup: config.diagnosticWarmup, postmaster }),
      )
  }
  await server.stop()
  await closeMonitor()
  return { kind: 'postgres', title: `PostgreSQL ${version}`, version: `PostgreSQL ${version}`, ...seeded, threadPageBytes, routes, diagnostics, threadQueries: queryProfiles.get('thread-page') ?? null }
}

async function runPglite(): Promise<DatabaseRun> {
  log('PGlite: creating a fresh data directory')
  const dataDir = mkdtempSync(join(tmpdir(), 'wire-bench-pglite-'))
  onCleanup('PGlite data directory', () => rmSync(dataDir, { recursive: true, force: true }))
  // The same path openDatabase uses for DATA_DIR; seeded here, then closed for the server to open.
  const seeded = await prepare(await openPglite(join(dataDir, 'pglite')))
  const pgliteVersion = packageVersion('@electric-sql/pglite')
  const version = `PGlite ${pgliteVersion} (PostgreSQL ${seeded.serverVersion} as WebAssembly, in the app's process)`

  const server = await startServer({ DATA_DIR: dataDir })
  const { threadPageBytes } = await checkRoutes(server, seeded.targets)
  const routes: RouteResult[] = []
  log(`PGlite: measuring ${config.duration} s per route at ${config.connections} connections`)
  for (const route of mainRoutes(seeded.targets))
    routes.push(await measure(server, route, { duration: config.duration, warmup: config.warmup, postmaster: null }))
  await server.stop()
  return { kind: 'pglite', title: `PGlite ${pgliteVersion}`, version, ...seeded, threadPageBytes, routes, diagnostics: [], threadQueries: null }
}

/** A dependency's installed version (read from disk: not every package exports its package.json). */
function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '?'
  }
}

/** Migrates and seeds an empty database, then closes it so the server can open it. */
async function prepare(database: Database): Promise<{ targets: BenchTargets; seedSeconds: number; serverVersion: string }> {
  const close = onCleanup(`${database.kind} seeding connection`, () => database.close())
  const started = performance.now()
  await database.migrate()
  const targets = await seedBenchData(database.db)
  // A signed-in member's session: their pages are rendered per request, never reused.
  memberCookie = `session=${(await createSession(database.db, targets.userId, new Date())).token}; ${RETURNING_VISITOR_COOKIE}`
  const [row] = await queryRows<{ server_version: string }>(database.db, sql`show server_version`)
  const seedSeconds = (performance.now() - started) / 1000
  log(
    `${database.kind}: migrated and seeded in ${seedSeconds.toFixed(1)} s (${targets.counts.users} users, ${targets.counts.threads} threads, ${targets.counts.replies} replies)`,
  )
  await close()
  return { targets, seedSeconds, serverVersion: row?.server_version ?? '?' }
}

// --- Main ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date()
  const started = performance.now()
  const machine: Machine = {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    kernel: release(),
    loadBefore: loadavg(),
  }
  log(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`)
  const runs: DatabaseRun[] = []
  for (const kind of config.databases) {
    if (kind === 'postgres') runs.push(await runPostgres())
    else if (kind === 'pglite') runs.push(await runPglite())
    else throw new Error(`Unknown database "${kind}" in BENCH_DATABASES (use postgres, pglite).`)
    await cleanUpAll()
  }
  const totalSeconds = (performance.now() - started) / 1000
  const section = renderSection(runs, machine, {
    connections: config.connections,
    timeout: config.timeout,
    warmup: config.warmup,
    duration: config.duration,
    diagnosticWarmup: config.diagnosticWarmup,
    diagnosticDuration: config.diagnosticDuration,
    startedAt,
    totalSeconds,
    findingsFile: join(repoRoot, 'bench', 'http', 'FINDINGS.md'),
  })
  writeResults(config.resultsFile, section)
  log(`done in ${Math.round(totalSeconds)} s; results in ${config.resultsFile}`)
}

try {
  await main()
} catch (error) {
  console.error(`\nbench:http failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`)
  process.exitCode = 1
} finally {
  await cleanUpAll()
}
