import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { queryRows, type Database } from '../../src/db/client'
import { bundleEntry } from '../../test/support/bundle-entry'
import type { PostgresCluster } from '../../test/support/postgres-cluster'
import { signControl } from './control'
import type { ReplayRun, ReplayTransport } from './simulate'

// The soak's moving parts (run.ts --soak): two forum instances (instance.ts, each its own process
// with its own outbox worker) on the replay's PostgreSQL, one simulated clock for all of them, and
// the disturbances: one instance killed with SIGKILL while it delivers and started again an hour
// (simulated) later, and PostgreSQL restarted once. The people still act from the driver: API
// requests go to the instances over HTTP (round robin, the other one when one is down, as a load
// balancer would), the rest through the verbs on the driver's own connection to the same database
// (a third writer, as a third instance's request handlers would be). Every side effect is
// delivered by the instances' workers; the driver never runs the outbox.

const root = fileURLToPath(new URL('../..', import.meta.url))
// Two levels below the root, like the sources, so the app's relative paths (migrations/, public/) hold.
const bundle = `${root}node_modules/.wire-replay-bundle/instance.mjs`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Instance {
  name: string
  child: ChildProcess
  base: string
  control: string
  output: string
  alive: boolean
}

export interface SoakEvent {
  at: string
  what: string
  wallMs: number
  /** Date.now() when it happened. */
  epochMs: number
}

export interface SoakControl {
  transport: ReplayTransport
  events: SoakEvent[]
  /** Requests that found their instance down and went to the other one. */
  failedOver: number
  stop(): Promise<void>
}

export async function bundleInstance(): Promise<void> {
  mkdirSync(`${root}node_modules/.wire-replay-bundle`, { recursive: true })
  await bundleEntry('bench/replay/instance.ts', bundle)
}

export async function startSoak(options: {
  databaseUrl: string
  cluster: PostgresCluster
  smtpUrl: string
  /** The simulated time now (the instances start at it), and the period the disturbances fall in. */
  now: Date
  start: Date
  end: Date
  log(message: string): void
}): Promise<SoakControl> {
  const secret = randomBytes(32).toString('hex')
  let seq = 0
  let clockAt = options.now
  const events: SoakEvent[] = []
  const began = performance.now()
  const note = (what: string) => {
    events.push({ at: clockAt.toISOString(), what, wallMs: Math.round(performance.now() - began), epochMs: Date.now() })
    options.log(`soak: ${what} at ${clockAt.toISOString()}`)
  }

  async function startInstance(name: string): Promise<Instance> {
    const child = spawn(process.execPath, [bundle], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: options.databaseUrl,
        SMTP_URL: options.smtpUrl,
        MAIL_FROM: 'support@replay.localhost',
        PUBLIC_URL: 'http://replay.localhost',
        SITE_NAME: 'Replay Community',
        API_RATE_LIMIT_PER_MINUTE: '600',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        MEILI_URL: '',
        // The workers run when the driver moves the clock and when a request's commit nudges them,
        // never on a timer of their own (a timer pass could start between the two steps of a move).
        OUTBOX_POLL_MS: '60000',
        REPLAY_CONTROL_SECRET: secret,
        REPLAY_CLOCK_START: clockAt.toISOString(),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const instance: Instance = { name, child, base: '', control: '', output: '', alive: true }
    child.stdout!.on('data', (chunk) => (instance.output = (instance.output + chunk).slice(-20_000)))
    child.stderr!.on('data', (chunk) => (instance.output = (instance.output + chunk).slice(-20_000)))
    child.on('exit', () => (instance.alive = false))
    const started = Date.now()
    while (!/replay control on port (\d+)/.test(instance.output)) {
      if (child.exitCode !== null || Date.now() - started > 90_000) throw new Error(`instance ${name} did not start:\n${instance.output}`)
      await sleep(50)
    }
    instance.base = `http://127.0.0.1:${/\(port (\d+)/.exec(instance.output)![1]}`
    instance.control = `http://127.0.0.1:${/replay control on port (\d+)/.exec(instance.output)![1]}`
    return instance
  }

  // Where the driver's wall time goes, logged every four simulated hours (the soak's own profile).
  const cost = { moves: 0, moveMs: 0, syncs: 0, syncMs: 0, requests: 0, requestMs: 0 }
  let costLoggedAt = 0

  /** Moves one instance's clock to `at` and waits for its worker to have nothing due. */
  async function moveClock(instance: Instance, at: Date): Promise<void> {
    cost.moves++
    const body = JSON.stringify({ seq: ++seq, at: at.toISOString() })
    const response = await fetch(`${instance.control}/clock`, { method: 'POST', body, headers: { 'x-replay-signature': signControl(body, secret) } })
    if (!response.ok) throw new Error(`instance ${instance.name} refused the clock: ${response.status} ${await response.text()}`)
  }

  await bundleInstance()
  const instances = [await startInstance('a'), await startInstance('b')]
  note('two instances started')
  let next = 0
  let failedOver = 0
  let synced = 0

  const live = () => instances.filter((instance) => instance.alive)
  // Two steps. First every instance finishes what it is doing at the old time (a pass a request's
  // commit started, say); only then do the clocks move. Moved one by one, an instance could claim,
  // at the new time, rows the other claimed a simulated minute earlier and is still delivering:
  // their 60-second lease has passed on the jumped clock, not in the delivery's real time.
  // The first step is needed only when a pass may be running at the old time: a request went out
  // since the last move (its commit nudged a worker), or the workers' own poll (OUTBOX_POLL_MS, a
  // real minute) may have fired. On most quiet minutes neither holds, and one step is enough.
  let instancesAt = options.now
  let sentSinceSync = true
  let lastSyncWall = 0
  // One sync at a time: support people acting at once each ask for one before their request, and
  // two interleaved would send an instance its moves out of sequence (409 stale, seen at 10x).
  let syncing: Promise<void> | null = null
  const sync = async (at: Date) => {
    clockAt = at
    while (syncing) await syncing
    if (synced === at.getTime()) return
    syncing = moveAll(at).finally(() => (syncing = null))
    await syncing
  }
  const moveAll = async (at: Date) => {
    const began = performance.now()
    const before = instancesAt < at ? instancesAt : at
    if (before < at && (sentSinceSync || Date.now() - lastSyncWall > 45_000)) await Promise.all(live().map((instance) => moveClock(instance, before)))
    await Promise.all(live().map((instance) => moveClock(instance, at)))
    instancesAt = at
    synced = at.getTime()
    sentSinceSync = false
    lastSyncWall = Date.now()
    cost.syncs++
    cost.syncMs += performance.now() - began
  }

  // The disturbances, at fixed points of the period (simulated time).
  const span = options.end.getTime() - options.start.getTime()
  const killAt = options.start.getTime() + Math.round(span * 0.4)
  const restartAt = killAt + 60 * 60_000
  const postgresAt = options.start.getTime() + Math.round(span * 0.7)
  let killed = false
  let restarted = false
  let postgresRestarted = false

  const transport: ReplayTransport = {
    async request(path, init) {
      await sync(clockAt)
      for (let tries = 0; tries < 4; tries++) {
        const candidates = live()
        const instance = candidates[next++ % candidates.length]!
        try {
          const began = performance.now()
          sentSinceSync = true
          const response = await fetch(`${instance.base}${path}`, init)
          cost.requests++
          cost.requestMs += performance.now() - began
          return response
        } catch (error) {
          // Connection refused: that instance is down; the balancer sends the request to the other.
          failedOver++
          if (instance.child.exitCode === null && instance.alive) await sleep(100)
          if (tries === 3) throw error
        }
      }
      throw new Error('unreachable')
    },
    async drain(at) {
      synced = 0
      await sync(at)
      return null
    },
    async beforeMinute(at) {
      clockAt = at
      const now = at.getTime()
      if (now - costLoggedAt >= 4 * 60 * 60_000) {
        costLoggedAt = now
        options.log(`soak cost: ${cost.syncs} clock syncs ${(cost.syncMs / 1000).toFixed(1)} s (${cost.moves} moves), ${cost.requests} API requests ${(cost.requestMs / 1000).toFixed(1)} s`)
      }
      if (!killed && now >= killAt) {
        killed = true
        // Killed while it delivers: its clock moves (which starts a pass over due work) and it dies mid-pass.
        const victim = instances[1]!
        const moving = moveClock(victim, at).catch(() => {})
        await sleep(15)
        victim.child.kill('SIGKILL')
        await moving
        await new Promise((resolve) => (victim.child.exitCode !== null || victim.child.signalCode ? resolve(null) : victim.child.once('exit', resolve)))
        victim.alive = false
        note('instance b killed with SIGKILL')
      }
      if (killed && !restarted && now >= restartAt) {
        restarted = true
        instances[1] = await startInstance('b')
        synced = 0
        sentSinceSync = true
        note('instance b started again')
      }
      if (!postgresRestarted && now >= postgresAt) {
        postgresRestarted = true
        // Restarted while both instances deliver the minute's work.
        synced = 0
        sentSinceSync = true
        const drains = Promise.all(live().map((instance) => moveClock(instance, at).catch((error) => options.log(`soak: a drain during the restart failed: ${error}`))))
        await options.cluster.restart('fast')
        await drains
        note('PostgreSQL restarted (pg_ctl restart -m fast)')
        // The workers back off while the database is away; wake them now that it is back.
        synced = 0
        sentSinceSync = true
        await sync(at)
      }
    },
  }

  return {
    transport,
    events,
    get failedOver() {
      return failedOver
    },
    async stop() {
      for (const instance of instances) {
        if (!instance.alive) continue
        instance.child.kill('SIGTERM')
        await Promise.race([new Promise((resolve) => instance.child.once('exit', resolve)), sleep(10_000)])
        if (instance.child.exitCode === null) instance.child.kill('SIGKILL')
      }
    },
  }
}

/** What the soak adds to the report: was anything lost or doubled across the disturbances. */
export interface SoakFigures {
  events: SoakEvent[]
  failedOver: number
  questionsAcknowledged: number
  threadsInDatabase: number
  mailsInDatabase: number
  mailsSent: number
  mailsNotSent: number
  distinctMailsAtSink: number
  mailsMissingAtSink: number
  mailsDeliveredTwice: number
  webhookDeliveries: number
  webhookDeliveriesDone: number
  distinctWebhooksAtReceiver: number
  webhooksDeliveredTwice: number
  /** Of the repeated deliveries (same Message-ID / webhook-id), how many came after the SIGKILL (a redelivery of what the dead instance had in flight), and how many before it. */
  repeatsAfterKill: number
  repeatsOtherwise: number
  outboxLeft: number
  outboxParked: number
}

export async function measureSoak(run: ReplayRun, soak: SoakControl, database: Database): Promise<SoakFigures> {
  const db = database.db
  const [threads] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from threads t join users u on u.id = t.author_id where u.role = 'member' and t.created_at >= ${run.plan.start.toISOString()}::timestamptz`)
  const [mail] = await queryRows<{ total: number; sent: number; ids: string[] }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where status = 'sent')::int as sent, coalesce(array_agg(headers->>'Message-ID') filter (where status = 'sent'), '{}') as ids from mail_messages`,
  )
  const [hooks] = await queryRows<{ total: number; done: number }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where delivered_at is not null)::int as done from webhook_deliveries`,
  )
  const [outbox] = await queryRows<{ left: number; parked: number }>(
    db,
    sql`select count(*) filter (where parked_at is null and key not like 'recurring:%' and due_at <= ${run.checkedAt.toISOString()}::timestamptz)::int as left,
        count(*) filter (where parked_at is not null)::int as parked from outbox`,
  )
  const atSink = new Set(run.mail.byMessageId.keys())
  // A redelivery of what the dead instance had in flight arrives once the survivor takes the rows
  // over: after the kill, within the lease and the time the instance took to come back.
  const kill = soak.events.find((event) => event.what.includes('SIGKILL'))?.epochMs ?? Number.POSITIVE_INFINITY
  const repeats = [...run.mail.repeats.values(), ...run.webhooks.repeats.values()].flat()
  return {
    events: soak.events,
    failedOver: soak.failedOver,
    questionsAcknowledged: run.log.questionsPosted,
    threadsInDatabase: threads?.n ?? 0,
    mailsInDatabase: mail?.total ?? 0,
    mailsSent: mail?.sent ?? 0,
    mailsNotSent: (mail?.total ?? 0) - (mail?.sent ?? 0),
    distinctMailsAtSink: atSink.size,
    mailsMissingAtSink: (mail?.ids ?? []).filter((id) => !atSink.has(id)).length,
    mailsDeliveredTwice: [...run.mail.byMessageId.values()].filter((count) => count > 1).length,
    webhookDeliveries: hooks?.total ?? 0,
    webhookDeliveriesDone: hooks?.done ?? 0,
    distinctWebhooksAtReceiver: run.webhooks.byId.size,
    webhooksDeliveredTwice: [...run.webhooks.byId.values()].filter((count) => count > 1).length,
    repeatsAfterKill: repeats.filter((at) => at >= kill).length,
    repeatsOtherwise: repeats.filter((at) => at < kill).length,
    outboxLeft: outbox?.left ?? 0,
    outboxParked: outbox?.parked ?? 0,
  }
}
