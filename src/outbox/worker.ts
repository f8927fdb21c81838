import { sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Clock } from '../clock'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { isDatabaseUnavailable } from '../db/unavailable'

export interface DeliveryContext {
  db: Db
  now: Date
  key: string
  attempt: number
  logger: Logger
}

export type OutboxHandler = (payload: unknown, context: DeliveryContext) => Promise<void>
export type OutboxHandlers = Record<string, OutboxHandler>

export interface OutboxOptions {
  db: Db
  handlers: OutboxHandlers
  clock: Clock
  logger: Logger
  /** Distinguishes instances in claimed_by, for the admin page and for debugging. */
  workerId: string
  /** How long a claim lasts before another worker may retry the row. */
  leaseMs?: number
  batchSize?: number
  /**
   * Rows of a claimed batch delivered at once (default 1). Rows are independent side effects,
   * each handler idempotent and in its own transaction; a fan-out of mail waits on SMTP round
   * trips, not on this process, so an app instance delivers several at a time.
   */
  concurrency?: number
  /** After this many failed attempts a row is parked for a person to look at. */
  maxAttempts?: number
}

const DEFAULT_LEASE_MS = 60_000
const DEFAULT_BATCH = 20
export const DEFAULT_MAX_ATTEMPTS = 8

interface ClaimedRow {
  id: number
  topic: string
  key: string
  payload: unknown
  attempts: number
  revision: number
}

/** Backoff before retry N: 5 s, 10 s, 20 s ... capped at an hour, with ±20% jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 60 * 60_000)
  return Math.round(base * (0.8 + 0.4 * random()))
}

/**
 * Claims due rows with FOR UPDATE SKIP LOCKED, so workers on several app instances never take
 * the same row at once; the claim is a lease that expires if this worker dies mid-delivery.
 */
async function claimDue(options: OutboxOptions, now: Date): Promise<ClaimedRow[]> {
  const at = now.toISOString()
  const until = new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString()
  return queryRows<ClaimedRow>(
    options.db,
    sql`
      update outbox set claimed_until = ${until}::timestamptz, claimed_by = ${options.workerId}, attempts = attempts + 1
      where id in (
        select id from outbox
        where parked_at is null and due_at <= ${at}::timestamptz
          and (claimed_until is null or claimed_until <= ${at}::timestamptz)
        order by due_at, id
        limit ${options.batchSize ?? DEFAULT_BATCH}
        for update skip locked)
      returning id::int as id, topic, key, payload, attempts, revision`,
  )
}

/** Runs one row's handler; returns whether it succeeded (a failure is recorded here, at once). */
async function deliver(options: OutboxOptions, row: ClaimedRow): Promise<boolean> {
  const { db, logger } = options
  const handler = options.handlers[row.topic]
  const now = options.clock.now()
  try {
    if (!handler) throw new Error(`No handler for topic "${row.topic}"`)
    const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
    await handler(payload, { db, now, key: row.key, attempt: row.attempts, logger })
    return true
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const park = !handler || row.attempts >= (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)
    const retryAt = new Date(now.getTime() + retryDelayMs(row.attempts)).toISOString()
    logger.warn({ topic: row.topic, key: row.key, attempts: row.attempts, park, err: message }, 'outbox delivery failed')
    await db.execute(sql`
      update outbox set
        claimed_until = null, claimed_by = null, last_error = ${message.slice(0, 2000)},
        parked_at = ${park ? now.toISOString() : null}::timestamptz,
        due_at = case when ${park} then due_at else ${retryAt}::timestamptz end
      where id = ${row.id}`)
    return false
  }
}

/**
 * Completes a batch's delivered rows in one statement (not one per row): each is deleted, unless
 * it was enqueued again meanwhile (its revision moved: a recurring job's next run, an event that
 * happened again), which stays, released, to run again. Should the process die before this, the
 * batch's delivered rows run again once their lease ends: at least once, and handlers are
 * idempotent.
 */
async function completeDelivered(db: Db, rows: ClaimedRow[]): Promise<void> {
  if (rows.length === 0) return
  const ids = `{${rows.map((row) => row.id).join(',')}}`
  const revisions = `{${rows.map((row) => row.revision).join(',')}}`
  await db.execute(sql`
    with delivered as (select * from unnest(${ids}::bigint[], ${revisions}::int[]) as d(id, revision)),
    done as (delete from outbox o using delivered d where o.id = d.id and o.revision = d.revision returning o.id)
    update outbox set claimed_until = null, claimed_by = null, attempts = 0
    where id in (select id from delivered) and id not in (select id from done)`)
}

/** Delivers every row due now, batch after batch; returns how many deliveries were attempted. */
export async function drainOutbox(options: OutboxOptions): Promise<number> {
  let attempted = 0
  for (;;) {
    const rows = await claimDue(options, options.clock.now())
    if (rows.length === 0) return attempted
    const lanes = Math.max(1, Math.min(options.concurrency ?? 1, rows.length))
    const delivered: ClaimedRow[] = []
    let next = 0
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (next < rows.length) {
          const row = rows[next++]!
          if (await deliver(options, row)) delivered.push(row)
        }
      }),
    )
    await completeDelivered(options.db, delivered)
    attempted += rows.length
  }
}

export interface OutboxWorker {
  /** Wakes the worker now instead of at the next poll (after a commit that enqueued work). */
  nudge(): void
  /**
   * Wakes the worker and resolves once it has nothing due left (its pass, and any pass asked for
   * meanwhile, finished): for an operator's "deliver now" and for drivers that move the clock.
   */
  drainNow(): Promise<void>
  stop(): Promise<void>
}

/**
 * The wait before the next pass after `failures` passes in a row found the database unreachable:
 * the poll interval doubled per failure, capped, with ±20% jitter so instances spread out.
 */
export function outageBackoffMs(failures: number, pollMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(pollMs * 2 ** Math.max(0, failures - 1), Math.max(maxMs, pollMs))
  return Math.round(base * (0.8 + 0.4 * random()))
}

const DEFAULT_MAX_BACKOFF_MS = 30_000

/** Polls for due rows in the background of an app process until stopped. */
export function startOutboxWorker(options: OutboxOptions & { pollMs?: number; maxBackoffMs?: number }): OutboxWorker {
  const pollMs = options.pollMs ?? 1000
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false
  /** Passes in a row that found the database unreachable; 0 while it answers. */
  let outageFailures = 0

  const tick = async () => {
    timer = undefined
    try {
      do {
        again = false
        await drainOutbox(options)
      } while (again && !stopped)
      if (outageFailures > 0) options.logger.info({ failedPasses: outageFailures }, 'outbox worker: database reachable again, resuming')
      outageFailures = 0
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // A restart or failover: say so once per outage, not on every pass, and poll less often.
        if (outageFailures === 0) options.logger.warn({ err: error }, 'outbox worker: database unreachable, backing off until it answers')
        outageFailures++
      } else {
        options.logger.error({ err: error }, 'outbox worker pass failed')
      }
    } finally {
      running = undefined
      const wait = outageFailures > 0 ? outageBackoffMs(outageFailures, pollMs, options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS) : pollMs
      if (!stopped) timer = setTimeout(schedule, wait)
    }
  }
  const schedule = () => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    if (timer) clearTimeout(timer)
    running = tick()
  }
  schedule()
  return {
    nudge: schedule,
    async drainNow() {
      schedule()
      while (running) await running
    },
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
