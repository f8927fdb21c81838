import { pino } from 'pino'
import { manualClock } from '../../src/clock'
import type { Actor, Ctx } from '../../src/ctx'
import type { Database, Db } from '../../src/db/client'
import type { User } from '../../src/db/schema'
import { loadEnv } from '../../src/env'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { outboxHandlers } from '../../src/jobs'
import { createMailer, mailSettingsOf, type Mailer } from '../../src/mail'
import { drainOutbox } from '../../src/outbox'
import { runQueueTick } from '../../src/queue'
import { runEscalationTick } from '../../src/escalations'
import { runRotationTick } from '../../src/rotation'
import { PostgresSearchIndex } from '../../src/search/postgres-index'
import type { SearchIndex } from '../../src/search/types'
import { createTestDatabase } from './db'
import { TestClient } from './client'

export const TEST_START = '2026-03-02T10:00:00.000Z'

export type TestClock = ReturnType<typeof manualClock>

export interface TestApp {
  app: ReturnType<typeof createApp>
  database: Database
  db: Db
  clock: TestClock
  /** A domain context acting as `user` (or anonymously), on this app's database and clock. */
  ctx(user?: Pick<User, 'id' | 'role' | 'displayName' | 'email' | 'organisationId'> | null): Ctx
  client(): TestClient
  search: SearchIndex
  /** Outgoing mail: kept in the database unless the test passed SMTP_URL (a real SMTP server it runs). */
  mailer: Mailer
  /** Delivers every due outbox row now (tests run no background worker). Returns how many. */
  drain(): Promise<number>
  /** Runs the queue's periodic work once, at the clock's current time. */
  tick(): ReturnType<typeof runQueueTick>
  /** Runs the rotation's periodic work once (the planning horizon), at the clock's time. */
  rotationTick(): ReturnType<typeof runRotationTick>
  /** Runs the escalation path's periodic work once (response targets, handoff drafts, auto-resolve). */
  escalationTick(): ReturnType<typeof runEscalationTick>
  close(): Promise<void>
}

let assets: ReturnType<typeof loadAssets> | undefined

/** The real app on a fresh database of its own (PGlite or PostgreSQL, per TEST_DB), with a clock that stands still. */
export async function createTestApp(
  options: { env?: Record<string, string>; start?: Date | string; search?: (db: Db) => SearchIndex } = {},
): Promise<TestApp> {
  const database = await createTestDatabase()
  const clock = manualClock(options.start ?? TEST_START)
  // Write limits and the forms' bot checks are off unless a test turns them on (WRITE_RATE_LIMITS,
  // FORM_BOT_CHECKS: 'true'): most tests post far faster than a person, on a clock that stands
  // still, and test/integration/safety-*.test.ts prove both.
  const env = loadEnv({ PUBLIC_URL: 'http://localhost', SITE_NAME: 'Test Community', WRITE_RATE_LIMITS: 'false', FORM_BOT_CHECKS: 'false', ...options.env })
  assets ??= loadAssets()
  const logger = pino({ level: process.env.TEST_LOG ?? 'error' })
  const search = options.search?.(database.db) ?? new PostgresSearchIndex(database.db)
  const app = createApp({ database, env, logger, clock, assets, search })
  const mailer = createMailer(env.smtpUrl)
  const handlers = outboxHandlers({ search, mail: { settings: mailSettingsOf(env), mailer } })
  const testApp: TestApp = {
    app,
    database,
    db: database.db,
    clock,
    ctx(user = null) {
      const actor: Actor | null = user
        ? { id: user.id, role: user.role, displayName: user.displayName, email: user.email, organisationId: user.organisationId }
        : null
      return { actor, db: database.db, now: () => clock.now(), requestId: 'test', search, mail: mailSettingsOf(env), ssoPrivateNetwork: env.ssoAllowPrivateNetwork }
    },
    client: () => new TestClient(testApp),
    search,
    mailer,
    tick: () => runQueueTick(database.db, clock.now()),
    rotationTick: () => runRotationTick(database.db, clock.now()),
    escalationTick: () => runEscalationTick(database.db, clock.now()),
    drain: () => drainOutbox({ db: database.db, handlers, clock, logger, workerId: 'test' }),
    close: async () => {
      mailer.close()
      await database.close()
    },
  }
  return testApp
}
