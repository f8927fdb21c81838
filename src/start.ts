import { hostname } from 'node:os'
import { serve, type ServerType } from '@hono/node-server'
import { pino, type Logger } from 'pino'
import { issueSetupLink } from './auth'
import { systemClock, type Clock } from './clock'
import type { Database } from './db/client'
import { openDatabase } from './db/open'
import type { Env } from './env'
import { outboxHandlers } from './jobs'
import { createMailer, mailSettingsOf } from './mail'
import { scheduleMailDigests } from './mail-preferences'
import { startInboundSmtp } from './inbound'
import { startOutboxWorker, type OutboxWorker } from './outbox'
import { scheduleQueueTick } from './queue/handlers'
import { scheduleEscalationTick } from './escalations'
import { scheduleRotationTick } from './rotation'
import { scheduleSafetyMaintenance } from './safety'
import { scheduleScoreboardJobs } from './scoreboard'
import { createSearchIndex } from './search/create-search-index'
import { ensureDefaultCategory } from './setup'
import { scheduleSearchMaintenance } from './search/handlers'
import { createApp } from './web/app'
import { loadAssets } from './web/assets'
import type { DemoMode } from './web/types'

export interface RunningForum {
  server: ServerType
  database: Database
  logger: Logger
  port: number
  /** The instance's outbox worker (its side effects and recurring jobs). */
  outbox: OutboxWorker
  stop(): Promise<void>
}

export interface StartOptions {
  clock?: Clock
  /** Runs after migrations and before listening (the demo seeds its data here). */
  prepare?: (database: Database, logger: Logger) => Promise<void>
  /** Lines printed under the "running at" banner. */
  notes?: (database: Database) => Promise<string[]>
  /** Set by `npm run demo` only: serves /demo with the demo's sign-ins and a banner on every page. */
  demo?: DemoMode
}

/**
 * What a fresh forum needs before its first visitor, after migrations (and after the demo's
 * seeding, so the demo keeps exactly its own categories): a default category and its team.
 */
export async function setUpFreshForum(database: Database, clock: Clock): Promise<{ created: boolean }> {
  return ensureDefaultCategory({ ctx: { actor: null, db: database.db, now: () => clock.now(), requestId: 'startup' } })
}

/** Opens the database, migrates it, and serves the forum until stop() or a signal. */
export async function startForum(env: Env, options: StartOptions = {}): Promise<RunningForum> {
  const clock = options.clock ?? systemClock
  const logger = pino({ level: env.logLevel })
  const database = await openDatabase(env)
  await database.migrate()
  await options.prepare?.(database, logger)
  const fresh = await setUpFreshForum(database, clock)

  const search = createSearchIndex(env, database.db)
  const mailer = createMailer(env.smtpUrl)
  await scheduleQueueTick(database.db, clock.now())
  await scheduleRotationTick(database.db, clock.now())
  await scheduleEscalationTick(database.db, clock.now())
  await scheduleSearchMaintenance(database.db, clock.now())
  await scheduleMailDigests(database.db, clock.now())
  await scheduleScoreboardJobs(database.db, clock.now())
  await scheduleSafetyMaintenance(database.db, clock.now())
  const worker = startOutboxWorker({
    db: database.db,
    handlers: outboxHandlers({ search, mail: { settings: mailSettingsOf(env), mailer } }),
    clock,
    logger,
    workerId: `${hostname()}:${process.pid}`,
    pollMs: env.outboxPollMs,
    leaseMs: env.outboxLeaseMs,
    concurrency: 4,
  })
  const app = createApp({ database, env, logger, clock, assets: loadAssets(), search, outbox: worker, demo: options.demo })
  // Replies by mail: the listener acts as nobody; the verbs it calls act as the reply address's person.
  const inbound =
    env.inboundSmtpPort === undefined
      ? null
      : await startInboundSmtp({
          port: env.inboundSmtpPort,
          host: env.host,
          logger,
          onReceived: () => worker.nudge(),
          ctx: () => ({ actor: null, db: database.db, now: () => clock.now(), requestId: 'inbound-mail', search, mail: mailSettingsOf(env) }),
        })
  const setupToken = await issueSetupLink({ ctx: { actor: null, db: database.db, now: () => clock.now(), requestId: 'startup' } })
  const notes = (await options.notes?.(database)) ?? []

  const server = await new Promise<ServerType>((resolve) => {
    const running = serve({ fetch: app.fetch, port: env.port, hostname: env.host }, () => resolve(running))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : env.port
  const where = database.kind === 'pglite' ? `embedded PGlite in ${env.dataDir}` : 'PostgreSQL'
  console.log(`\n  Forum running at ${env.publicUrl} (port ${port}, ${where})`)
  if (fresh.created) console.log(`\n  A fresh forum: questions go to the category "General" (/c/general), answered by the "support" team.`)
  if (setupToken) console.log(`\n  No admin exists yet. Create one with this one-time link:\n\n    ${env.publicUrl}/setup/${setupToken}`)
  if (inbound) console.log(`\n  Replies by mail: SMTP listener on port ${inbound.port} (reply+…@${mailSettingsOf(env).domain})`)
  for (const line of notes) console.log(`  ${line}`)
  console.log('')

  let stopped = false
  return {
    server,
    database,
    logger,
    port,
    outbox: worker,
    async stop() {
      if (stopped) return
      stopped = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive sockets would hold close() open; in-flight requests have had their chance.
      if ('closeAllConnections' in server) server.closeAllConnections()
      await closed
      await inbound?.close()
      await worker.stop()
      mailer.close()
      await database.close()
    },
  }
}

/** Stops the forum cleanly on Ctrl-C or a container stop. */
export function stopOnSignals(forum: RunningForum): void {
  const stop = (signal: string) => {
    forum.logger.info({ signal }, 'shutting down')
    forum.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}
