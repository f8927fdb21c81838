import { pino } from 'pino'
import { completeSetup, createOrganisation, issueSetupLink, signUp, updateUserAccess } from '../../src/auth'
import type { Clock } from '../../src/clock'
import type { Actor, Ctx } from '../../src/ctx'
import type { Database } from '../../src/db/client'
import { loadEnv } from '../../src/env'
import { createCategory } from '../../src/forum'
import { outboxHandlers } from '../../src/jobs'
import { createMailer, mailSettingsOf } from '../../src/mail'
import { scheduleMailDigests } from '../../src/mail-preferences'
import { scheduleQueueTick, createApiToken, saveCalendar, saveSlaPolicy, saveTeam } from '../../src/queue'
import { scheduleEscalationTick } from '../../src/escalations'
import { addUnavailability, saveRotation, scheduleRotationTick } from '../../src/rotation'
import { scheduleSearchMaintenance } from '../../src/search/handlers'
import { PostgresSearchIndex } from '../../src/search'
import { ensureDefaultCategory } from '../../src/setup'
import { createWebhookEndpoint, WEBHOOK_EVENT_TYPES } from '../../src/webhooks'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { drainOutbox } from '../../src/outbox'
import type { TrafficPlan } from './traffic'
import { ZONE } from './traffic'

// The replayed forum, set up as an admin would: through the verbs behind the admin pages, on the
// injected clock. People sign up like anyone (argon2 and all) and the admin gives them a role or
// an organisation. Nothing is written to the database behind the application's back.

export const PASSWORD = 'replay passphrase 2026'

export interface Person extends Actor {
  /** Bearer token for the HTTP API (support: items; some customers: threads). */
  token: string | null
}

export interface ReplayWorld {
  app: ReturnType<typeof createApp>
  database: Database
  clock: Clock
  ctx(person: Person | null): Ctx
  /** Delivers every due outbox row, as the production worker would at this minute. */
  drain(): Promise<number>
  admin: Person
  support: Person[]
  engineers: Person[]
  customers: Person[]
  categories: { help: number; problems: number; helpSlug: string; problemsSlug: string }
  rotationId: number
  handlerTimings: Map<string, { runs: number; ms: number }>
  /** Closes the mailer's pooled SMTP connections: the sink's close waits for open ones (up to its 30 s timeout). */
  close(): void
}

export interface WorldOptions {
  database: Database
  clock: Clock & { set(at: Date | string): void }
  plan: TrafficPlan
  smtpUrl: string
  webhookUrl: string
  onWebhookSecret(secret: string): void
  /** Customers who post through the HTTP API (every nth); the rest use the web form's verb. */
  apiEvery?: number
  /** Support people on the team (four by default). */
  supportPeople?: number
  /**
   * Customers signed up at once (1 by default). Each sign-up is argon2 (19 MiB, two passes) on
   * libuv's threads, so a batch keeps both cores busy; the soak's 1,890 customers took 9 minutes
   * one by one. Users' ids then follow the order the batch's inserts land in, not the plan's.
   */
  signUpConcurrency?: number
}

export async function buildWorld(options: WorldOptions): Promise<ReplayWorld> {
  const { database, clock, plan } = options
  const env = loadEnv({
    PUBLIC_URL: 'http://replay.localhost',
    SITE_NAME: 'Replay Community',
    SMTP_URL: options.smtpUrl,
    MAIL_FROM: 'support@replay.localhost',
    // The API limit is per token; a support engineer polling the board every few minutes and a
    // customer posting a question stay far below the default, but the replay states it.
    API_RATE_LIMIT_PER_MINUTE: '600',
    LOG_LEVEL: 'error',
  })
  const logger = pino({ level: process.env.REPLAY_LOG ?? 'error' })
  const search = new PostgresSearchIndex(database.db)
  const app = createApp({ database, env, logger, clock, assets: loadAssets(), search })
  const mailer = createMailer(env.smtpUrl)
  const mail = mailSettingsOf(env)
  // Each handler timed as it runs: the report says where the outbox's time goes.
  const handlerTimings = new Map<string, { runs: number; ms: number }>()
  const handlers = Object.fromEntries(
    Object.entries(outboxHandlers({ search, mail: { settings: mail, mailer } })).map(([topic, handler]) => [
      topic,
      async (...args: Parameters<typeof handler>) => {
        const began = performance.now()
        try {
          return await handler(...args)
        } finally {
          const entry = handlerTimings.get(topic) ?? { runs: 0, ms: 0 }
          entry.runs++
          entry.ms += performance.now() - began
          handlerTimings.set(topic, entry)
        }
      },
    ]),
  )
  const ctx = (person: Person | null): Ctx => ({
    actor: person ? { id: person.id, role: person.role, displayName: person.displayName, email: person.email, organisationId: person.organisationId } : null,
    db: database.db,
    now: () => clock.now(),
    requestId: 'replay',
    search,
    mail,
  })
  const anonymous = ctx(null)

  // First run, as startForum does it: the default category, then the setup link for the admin.
  await ensureDefaultCategory({ ctx: anonymous })
  const setupToken = await issueSetupLink({ ctx: anonymous })
  if (!setupToken) throw new Error('the replay needs a fresh database (an admin exists already)')
  const made = await completeSetup({ ctx: anonymous, input: { token: setupToken, email: 'admin@replay.localhost', displayName: 'Ada Admin', password: PASSWORD } })
  const admin: Person = { id: made.userId, role: 'admin', displayName: 'Ada Admin', email: 'admin@replay.localhost', organisationId: null, token: null }
  const asAdmin = ctx(admin)

  let ip = 0
  const join = async (email: string, displayName: string, role: Person['role'], organisationId: number | null): Promise<Person> => {
    ip++
    const { userId } = await signUp({ ctx: anonymous, input: { email, displayName, password: PASSWORD, clientIp: `10.${ip >> 16}.${(ip >> 8) & 255}.${ip & 255}` } })
    if (role !== 'member' || organisationId !== null) await updateUserAccess({ ctx: asAdmin, input: { userId: String(userId), role, organisationId: organisationId ? String(organisationId) : '' } })
    return { id: userId, role, displayName, email, organisationId, token: null }
  }

  const organisationIds: number[] = []
  for (const org of plan.organisations) {
    const row = await createOrganisation({
      ctx: asAdmin,
      input: { name: org.name, plan: org.plan, mrr: String(org.mrr), isPriority: org.priority ? '1' : '', isTrial: org.trial ? '1' : '' },
    })
    organisationIds.push(row.id)
  }

  const supportNames = Array.from({ length: options.supportPeople ?? 4 }, (_, n) => `${['Sam', 'Sol', 'Sia', 'Seb'][n % 4]} Support${n >= 4 ? ` ${Math.floor(n / 4) + 1}` : ''}`)
  const engineerNames = ['Eve Engineer', 'Eli Engineer', 'Emi Engineer', 'Eno Engineer', 'Ezra Engineer']
  const support: Person[] = []
  for (const [n, name] of supportNames.entries()) support.push(await join(`support${n + 1}@replay.localhost`, name, 'support', null))
  const engineers: Person[] = []
  for (const [n, name] of engineerNames.entries()) engineers.push(await join(`engineer${n + 1}@replay.localhost`, name, 'engineer', null))
  const customers: Person[] = []
  const batch = Math.max(1, options.signUpConcurrency ?? 1)
  for (let first = 0; first < plan.customers.length; first += batch)
    customers.push(
      ...(await Promise.all(
        plan.customers
          .slice(first, first + batch)
          .map((customer, k) => join(`customer${first + k + 1}@example.net`, `Customer ${first + k + 1}`, 'member', customer.organisation === null ? null : organisationIds[customer.organisation]!)),
      )),
    )

  // Tokens for the HTTP API: support read and work the board through it; every few customers ask through it.
  for (const person of support)
    person.token = (await createApiToken({ ctx: ctx(person), input: { name: 'Replay board', scopes: ['items:read', 'items:write'] } })).token
  const apiEvery = options.apiEvery ?? 4
  const withTokens = customers.filter((_, n) => n % apiEvery === 0)
  for (let first = 0; first < withTokens.length; first += batch)
    await Promise.all(
      withTokens.slice(first, first + batch).map(async (person) => {
        person.token = (await createApiToken({ ctx: ctx(person), input: { name: 'Replay client', scopes: ['threads:read', 'threads:write'] } })).token
      }),
    )

  // Business hours, SLA policies per plan (first match by position), the team and the rotation.
  const calendar = await saveCalendar({ ctx: asAdmin, input: { name: 'Berlin office', timezone: ZONE, windows: 'Mon-Fri 09:00-17:00', holidays: '' } })
  const policies = [
    { name: 'Critical, any plan', matchSeverity: 'critical', first: 30, next: 120, resolution: 960 },
    { name: 'Enterprise', matchPlan: 'enterprise', first: 60, next: 240, resolution: 2400 },
    { name: 'Paid', matchPlan: 'paid', first: 240, next: 480, resolution: 4800 },
    { name: 'Startup', matchPlan: 'startup', first: 480, next: 960, resolution: 7200 },
    { name: 'Free and community', first: 1440, next: 2880, resolution: 14400 },
  ]
  for (const [position, policy] of policies.entries())
    await saveSlaPolicy({
      ctx: asAdmin,
      input: {
        name: policy.name,
        position: String(position + 1),
        matchPlan: policy.matchPlan ?? '',
        matchSeverity: policy.matchSeverity ?? '',
        matchKind: '',
        firstResponseMinutes: String(policy.first),
        nextResponseMinutes: String(policy.next),
        resolutionMinutes: String(policy.resolution),
        calendarId: String(calendar.id),
      },
    })
  await saveTeam({ ctx: asAdmin, input: { slug: 'support', name: 'Support', leadId: String(support[0]!.id), memberIds: support.map((person) => String(person.id)) } })
  const help = await createCategory({ ctx: asAdmin, input: { name: 'Product help', slug: 'help', description: 'How do I…?', team: 'support', position: '1', unansweredWindowHours: '1' } })
  const problems = await createCategory({ ctx: asAdmin, input: { name: 'Problems', slug: 'problems', description: 'Something is broken', team: 'support', position: '2', unansweredWindowHours: '1' } })
  const rotation = await saveRotation({
    ctx: asAdmin,
    input: {
      teamSlug: 'support',
      name: 'Engineering rotation',
      shiftDays: '2',
      handoff: '09:00',
      timezone: ZONE,
      memberIds: engineers.map((person) => String(person.id)),
      responseLow: '24',
      responseNormal: '8',
      responseHigh: '4',
      responseCritical: '1',
      confirmWaitDays: '5',
    },
  })
  const secretHolder = await createWebhookEndpoint({
    ctx: asAdmin,
    input: { url: options.webhookUrl, description: 'Replay receiver', eventTypes: [...WEBHOOK_EVENT_TYPES], enabled: '1', internal: '1', allowPrivateNetwork: '1' },
  })
  options.onWebhookSecret(secretHolder.secret)

  // Time away planned ahead: the fifth engineer is off for four days in the middle of the period.
  const away = new Date(plan.start.getTime() + Math.floor(((plan.end.getTime() - plan.start.getTime()) * 0.55) / 86_400_000) * 86_400_000)
  const day = (at: Date) => at.toLocaleDateString('sv-SE', { timeZone: ZONE })
  await addUnavailability({ ctx: ctx(engineers[4]!), input: { startsOn: day(away), endsOn: day(new Date(away.getTime() + 3 * 86_400_000)), reason: 'Conference' } })

  // The recurring work every instance schedules at start.
  const now = clock.now()
  await scheduleQueueTick(database.db, now)
  await scheduleRotationTick(database.db, now)
  await scheduleEscalationTick(database.db, now)
  await scheduleSearchMaintenance(database.db, now)
  await scheduleMailDigests(database.db, now)

  return {
    app,
    database,
    clock,
    ctx,
    drain: () => drainOutbox({ db: database.db, handlers, clock, logger, workerId: 'replay', concurrency: 4 }),
    admin,
    support,
    engineers,
    customers,
    categories: { help: help.id, problems: problems.id, helpSlug: 'help', problemsSlug: 'problems' },
    rotationId: rotation.id,
    handlerTimings,
    close: () => mailer.close(),
  }
}
