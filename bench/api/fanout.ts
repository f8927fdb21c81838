import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import type { Ctx } from '../../src/ctx'
import { openPostgres, queryRows } from '../../src/db/client'
import { WEBHOOK_DELIVER } from '../../src/outbox'
import { createWebhookEndpoint, emitWebhookEvent } from '../../src/webhooks'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { onCleanup } from '../support/cleanup'

// Webhook fan-out: BENCH_EVENTS (10,000) item events, each to 3 endpoints, delivered by two app
// instances (src/server.ts: the outbox worker, 4 lanes each) on one PostgreSQL to 3 real local
// HTTP receivers that verify every signature with the standardwebhooks library. The events are
// written first (as the verbs write them: event, a delivery per endpoint and its outbox row);
// the clock starts when the instances start. Counted: signed deliveries, distinct per endpoint,
// doubles, bad signatures; the time to the last one and the rate.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000)
const ENDPOINTS = 3
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000
const log = (message: string) => console.log(`[bench:api ${new Date().toISOString().slice(11, 19)}] ${message}`)

export interface FanoutRun {
  events: number
  endpoints: number
  expected: number
  received: number
  distinct: number
  doubled: number
  badSignatures: number
  emitSeconds: number
  firstSeconds: number
  seconds: number
  deliveriesPerSecond: number
  statuses: Record<string, number>
  load: number
}

interface Receiver {
  url: string
  secret: string
  received: number
  badSignatures: number
  /** webhook-id -> how many times it arrived here. */
  byId: Map<string, number>
  arrivals: number[]
  close(): Promise<void>
}

async function startReceiver(): Promise<Omit<Receiver, 'secret'> & { setSecret(secret: string): void; secret: string }> {
  let verifier: Webhook | null = null
  const receiver = {
    url: '',
    secret: '',
    received: 0,
    badSignatures: 0,
    byId: new Map<string, number>(),
    arrivals: [] as number[],
    setSecret(secret: string) {
      receiver.secret = secret
      verifier = new Webhook(secret)
    },
    close: async () => {},
  }
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      try {
        verifier!.verify(body, request.headers as Record<string, string>)
      } catch {
        receiver.badSignatures++
        response.writeHead(401).end('bad signature')
        return
      }
      const id = String(request.headers['webhook-id'])
      receiver.byId.set(id, (receiver.byId.get(id) ?? 0) + 1)
      receiver.received++
      receiver.arrivals.push(performance.now())
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return receiver
}

function startInstance(name: string, env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onCleanup(`instance ${name}`, () => child.exitCode === null && child.kill('SIGKILL'))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Forum running')) resolve()
    })
    child.stderr!.on('data', (chunk: Buffer) => process.env.BENCH_VERBOSE && process.stderr.write(`[${name}] ${chunk}`))
    child.once('exit', (code) => reject(new Error(`instance ${name} exited with ${code} before it was ready`)))
  })
  return { child, ready }
}

export async function runFanout(): Promise<FanoutRun> {
  log(`fan-out: ${EVENTS} events to ${ENDPOINTS} endpoints; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`)
  const cluster = await startPostgresCluster({ settings: { shared_buffers: "'256MB'" } })
  const stopCluster = onCleanup('postgres (fan-out)', () => cluster.stop())
  const database = openPostgres(cluster.url, { poolSize: 8 })
  const closeDatabase = onCleanup('database pool (fan-out)', () => database.close())
  await database.migrate()
  const db = database.db

  const now = new Date()
  const at = now.toISOString()
  const [admin] = await queryRows<{ id: number }>(
    db,
    sql`insert into users (email, display_name, password_hash, role, created_at) values ('admin@bench.test', 'Ann Admin', 'x', 'admin', ${at}::timestamptz) returning id`,
  )
  const ctx: Ctx = { actor: { id: admin!.id, role: 'admin', displayName: 'Ann Admin', email: 'admin@bench.test', organisationId: null }, db, now: () => now, requestId: 'bench' }
  // 100 items the events are about (the payload reads the item, as a real event's does).
  await db.execute(sql`
    insert into queue_items (source, title, kind, severity, state, team_slug, sla, created_at, updated_at)
    select 'email', 'Bench item ' || g, 'bug', 'high', 'in_progress', 'support',
      '{"policyId":null,"policyName":"bench","version":1,"firstResponseMinutes":240,"nextResponseMinutes":480,"resolutionMinutes":2400,"calendar":{"timezone":"UTC","windows":[],"holidays":[]}}'::jsonb,
      ${at}::timestamptz, ${at}::timestamptz
    from generate_series(1, 100) g`)
  const itemIds = (await queryRows<{ id: number }>(db, sql`select id from queue_items order by id`)).map((row) => row.id)

  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, () => startReceiver()))
  for (const receiver of receivers) {
    onCleanup('webhook receiver', () => receiver.close())
    const { secret } = await createWebhookEndpoint({
      ctx,
      input: { url: receiver.url, description: 'bench receiver', eventTypes: ['item.state_changed'], enabled: '1', internal: '0', allowPrivateNetwork: '1' },
    })
    receiver.setSecret(secret)
  }

  // The events, as the state-change verb writes them (event, deliveries, outbox rows).
  log('writing the events')
  const emitStarted = performance.now()
  const lanes = 8
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      // Fifty events a transaction: writing them is not what is measured, and one transaction
      // each took minutes on the shared machine.
      for (let first = lane * 50; first < EVENTS; first += lanes * 50) {
        await db.transaction(async (tx) => {
          for (let n = first; n < Math.min(first + 50, EVENTS); n++)
            await emitWebhookEvent(tx, 'item.state_changed', { itemId: itemIds[n % itemIds.length]!, extra: { from: 'triaged', to: 'in_progress', n } }, now)
        })
      }
    }),
  )
  const emitSeconds = (performance.now() - emitStarted) / 1000
  const [written] = await queryRows<{ events: number; deliveries: number; outbox: number }>(
    db,
    sql`select (select count(*)::int from webhook_events) as events, (select count(*)::int from webhook_deliveries) as deliveries, (select count(*)::int from outbox) as outbox`,
  )
  log(`written in ${emitSeconds.toFixed(1)} s: ${written!.events} events, ${written!.deliveries} deliveries, ${written!.outbox} outbox rows`)

  const env = { DATABASE_URL: cluster.url, OUTBOX_POLL_MS: '100', DATABASE_POOL_SIZE: '5', PORT: '0' }
  const started = performance.now()
  const instances = [startInstance('a', env), startInstance('b', env)]
  await Promise.all(instances.map((instance) => instance.ready))
  log('two instances delivering')
  const expected = EVENTS * ENDPOINTS
  const total = () => receivers.reduce((sum, receiver) => sum + receiver.received, 0)
  let lastProgress = performance.now()
  while (performance.now() - started < TIMEOUT_MS) {
    const [pending] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from outbox where parked_at is null and topic = ${WEBHOOK_DELIVER}`)
    if (total() >= expected && pending!.n === 0) break
    if (performance.now() - lastProgress > 5000) {
      log(`${total()} deliveries received, ${pending!.n} webhook outbox rows pending`)
      lastProgress = performance.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const arrivals = receivers.flatMap((receiver) => receiver.arrivals)
  const last = Math.max(...arrivals)
  const first = Math.min(...arrivals)
  // A delivery sent twice would arrive a little later: give stragglers a moment.
  await new Promise((resolve) => setTimeout(resolve, 3000))
  for (const instance of instances) instance.child.kill('SIGTERM')

  const statuses = Object.fromEntries(
    (await queryRows<{ status: string; n: number }>(db, sql`select state as status, count(*)::int as n from webhook_deliveries group by state order by state`)).map((row) => [row.status, row.n]),
  )
  const received = total()
  const distinct = receivers.reduce((sum, receiver) => sum + receiver.byId.size, 0)
  const doubled = receivers.reduce((sum, receiver) => sum + [...receiver.byId.values()].filter((count) => count > 1).length, 0)
  const badSignatures = receivers.reduce((sum, receiver) => sum + receiver.badSignatures, 0)
  const seconds = (last - started) / 1000
  const load = loadavg()[0]!
  log(`received ${received} (${distinct} distinct, ${doubled} doubled, ${badSignatures} bad signatures) in ${seconds.toFixed(1)} s`)
  await closeDatabase()
  await stopCluster()
  return {
    events: EVENTS,
    endpoints: ENDPOINTS,
    expected,
    received,
    distinct,
    doubled,
    badSignatures,
    emitSeconds,
    firstSeconds: (first - started) / 1000,
    seconds,
    deliveriesPerSecond: received / seconds,
    statuses,
    load,
  }
}
