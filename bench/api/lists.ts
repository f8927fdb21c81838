import { spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { sql } from 'drizzle-orm'
import { hashToken } from '../../src/auth'
import { openPostgres, queryRows } from '../../src/db/client'
import { apiTokens, users } from '../../src/db/schema'
import { recomputePriorities } from '../../src/queue'
import { newApiToken } from '../../src/queue/api-tokens'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { NOW, seed } from '../queue/priority-seed'
import { onCleanup } from '../support/cleanup'

// GET /api/v1/threads and GET /api/v1/items at 100k threads and 100k open items on PostgreSQL,
// beside the reference (a bare Hono route reading one row by primary key through postgres.js)
// in the same run, 50 connections each, one route at a time.
//
// Data: bench/queue/priority-seed.ts (100k open items over 2,000 organisations, 50k threads),
// plus 50k more threads the same way; priorities computed once by the real recompute.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const THREADS = 100_000
const config = {
  duration: Number(process.env.BENCH_DURATION ?? 10),
  warmup: Number(process.env.BENCH_WARMUP ?? 3),
  /** GET /api/v1/items answers in seconds under 50 connections here: a longer run, no warm-up (whose abandoned requests would load the run). */
  itemsDuration: Number(process.env.BENCH_ITEMS_DURATION ?? 40),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
}
const log = (message: string) => console.log(`[bench:api ${new Date().toISOString().slice(11, 19)}] ${message}`)

export interface ListResult {
  key: string
  label: string
  path: string
  requestsPerSecond: number
  p50: number
  p99: number
  requests: number
  bytesPerResponse: number
  timeouts: number
  duration: number
}

export interface ListsRun {
  seedSeconds: number
  counts: { threads: number; openItems: number }
  results: ListResult[]
  connections: number
  duration: number
  load: number
}

async function startServer(databaseUrl: string): Promise<{ port: number; barePort: number; stop: () => Promise<void> }> {
  const { DATA_DIR: _dir, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api/server.ts'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      HOST: '127.0.0.1',
      PORT: '0',
      PUBLIC_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'warn',
      // The benchmark's one token would hit the per-token budget in a second; the count is still kept per request.
      API_RATE_LIMIT_PER_MINUTE: '1000000',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = onCleanup('api bench server', async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  })
  const ready = await new Promise<{ port: number; barePort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The server did not report ready within 60 s.')), 60_000)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('BENCH_READY ')) {
        clearTimeout(timer)
        resolve(JSON.parse(line.slice('BENCH_READY '.length)))
      } else console.log(`  [server] ${line}`)
    })
    void exited.then(() => reject(new Error('The server exited before it was ready.')))
  })
  return { ...ready, stop }
}

async function measure(url: string, headers: Record<string, string>, phases: { warmup: number; duration: number }): Promise<autocannon.Result> {
  const request = { url, connections: config.connections, pipelining: 1, timeout: 60, headers }
  if (phases.warmup > 0) await autocannon({ ...request, duration: phases.warmup })
  const result = await autocannon({ ...request, duration: phases.duration })
  // autocannon walks away from requests still running at the end; let the server finish them
  // before the next route, so one route's backlog is not measured against the next.
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  // A wrong answer ends the run; slow ones (timeouts) are figures, reported beside the rest.
  if (result.non2xx || result['2xx'] === 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result['2xx']} 2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
  return result
}

export async function runLists(): Promise<ListsRun> {
  log(`${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}; starting PostgreSQL`)
  const cluster = await startPostgresCluster({ settings: { shared_buffers: "'256MB'" } })
  const stopCluster = onCleanup('postgres (lists)', () => cluster.stop())
  const database = openPostgres(cluster.url, { poolSize: 4 })
  const closeDatabase = onCleanup('database pool (lists)', () => database.close())
  await database.migrate()

  const seedStarted = performance.now()
  await seed(database)
  const at = NOW.toISOString()
  const [existing] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from threads`)
  await database.db.execute(sql`
    insert into threads (category_id, author_id, title, slug, body_markdown, body_html, body_text, created_at, last_activity_at, upvote_count, me_too_count, view_count)
    select 1, 1 + g % 20000, 'Thread ' || g, 'thread-' || g, 'body', '<p>body</p>', 'body',
      ${at}::timestamptz - make_interval(hours => g % 500, mins => g % 60), ${at}::timestamptz, g % 13, g % 7, g % 1000
    from generate_series(${existing!.n + 1}::int, ${THREADS}::int) g`)
  await recomputePriorities(database.db, NOW)
  const [staff] = await database.db
    .insert(users)
    .values({ email: 'support@bench.test', displayName: 'Sam Support', passwordHash: 'x', role: 'support', createdAt: NOW })
    .returning({ id: users.id })
  const token = newApiToken()
  await database.db.insert(apiTokens).values({ name: 'bench', tokenHash: hashToken(token), scopes: ['threads:read', 'items:read'], createdById: staff!.id, createdAt: NOW })
  await database.db.execute(sql`analyze`)
  const [counts] = await queryRows<{ threads: number; open_items: number }>(
    database.db,
    sql`select (select count(*)::int from threads) as threads, (select count(*)::int from queue_items where state not in ('resolved', 'wont_fix')) as open_items`,
  )
  const seedSeconds = (performance.now() - seedStarted) / 1000
  log(`seeded in ${seedSeconds.toFixed(1)} s: ${counts!.threads} threads, ${counts!.open_items} open items`)

  const server = await startServer(cluster.url)
  const auth = { authorization: `Bearer ${token}` }
  const routes = [
    { key: 'bare-pk', label: 'Reference: one users row by primary key (bare Hono + postgres.js, no middleware)', path: '/bench/users/100', port: server.barePort, headers: {} },
    { key: 'threads', label: 'GET /api/v1/threads (first page of 30, newest first; token with threads:read)', path: '/api/v1/threads', port: server.port, headers: auth },
    { key: 'items', label: 'GET /api/v1/items (the board’s first page of 50; staff token with items:read)', path: '/api/v1/items', port: server.port, headers: auth },
  ]
  // Sanity: each route answers what we think it does.
  for (const route of routes) {
    const response = await fetch(`http://127.0.0.1:${route.port}${route.path}`, { headers: route.headers })
    const body = (await response.json()) as { data?: unknown[]; id?: number }
    if (response.status !== 200) throw new Error(`${route.path} answered ${response.status}`)
    if (route.key !== 'bare-pk' && body.data?.length !== (route.key === 'threads' ? 30 : 50)) throw new Error(`${route.path} returned ${body.data?.length} rows`)
  }
  const results: ListResult[] = []
  for (const route of routes) {
    const phases = route.key === 'items' ? { warmup: 0, duration: config.itemsDuration } : { warmup: config.warmup, duration: config.duration }
    log(`loading ${route.path} (${phases.warmup} s warm-up, ${phases.duration} s, ${config.connections} connections)`)
    const result = await measure(`http://127.0.0.1:${route.port}${route.path}`, route.headers, phases)
    results.push({
      key: route.key,
      label: route.label,
      path: route.path,
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      requests: result.requests.total,
      bytesPerResponse: result.throughput.total / Math.max(1, result.requests.total),
      timeouts: result.timeouts,
      duration: phases.duration,
    })
    log(`  ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms`)
  }
  const load = loadavg()[0]!
  await server.stop()
  await closeDatabase()
  await stopCluster()
  return { seedSeconds, counts: { threads: counts!.threads, openItems: counts!.open_items }, results, connections: config.connections, duration: config.duration, load }
}
