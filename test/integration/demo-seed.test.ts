import { and, eq, isNotNull, like, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../src/db/client'
import { organisations, replies, threads, users } from '../../src/db/schema'
import {
  BUMPS,
  CATEGORIES,
  CHECK_INS,
  CONFIRMATIONS,
  FOLLOW_UPS_FROM_ASKER,
  GENERIC_CLARIFY,
  GENERIC_DETAILS,
  HIDDEN_SECRET_NOTE,
  INTROS,
  LEAKED_SECRET_REPLY,
  LOCK_NOTES,
  ME_TOO_REPLIES,
  OUTROS,
  SCENARIOS,
  SLOT_VALUES,
  SPAM_REPLY,
  THANKS,
  type Slots,
} from '../../src/demo/content'
import { mulberry32, refreshDemoPasswords, seedDemo, seedDemoIfEmpty, type SeedDemoSummary } from '../../src/demo/seed-demo'
import { BODY_LIMITS, listThreads, REPLY_LIMITS, TITLE_LIMITS } from '../../src/forum'
import { characterCount } from '../../src/validation'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createUser } from '../support/factories'

// The demo's 300 threads take several seconds; a third of them shows the same shape.
const THREADS = 100
const DAY = 24 * 60 * 60 * 1000

let t: TestApp
let summary: SeedDemoSummary
let now: Date
beforeAll(async () => {
  t = await createTestApp()
  now = t.clock.now()
  summary = await seedDemo(t.db, { now, threads: THREADS })
}, 120_000)
afterAll(() => t.close())

const countOf = async (query: ReturnType<typeof sql>, app: TestApp = t) => Number((await queryRows<{ n: number }>(app.db, query))[0]!.n)

describe('demo seed', () => {
  it('plants the threads in every category, over the last 90 days, replies after their question', async () => {
    expect(summary.threads).toBe(THREADS)
    expect(await countOf(sql`select count(*)::int as n from threads`)).toBe(THREADS)
    const perCategory = await queryRows<{ slug: string; n: number }>(
      t.db,
      sql`select c.slug, count(t.id)::int as n from categories c left join threads t on t.category_id = c.id group by c.slug`,
    )
    expect(perCategory).toHaveLength(CATEGORIES.length)
    for (const row of perCategory) expect(row.n, row.slug).toBeGreaterThan(0)

    const [span] = await queryRows<{ first: string; last: string }>(
      t.db,
      sql`select min(created_at) as first, greatest(max(last_activity_at), max(accepted_at), max(locked_at)) as last from threads`,
    )
    expect(new Date(span!.first).getTime()).toBeGreaterThanOrEqual(now.getTime() - 91 * DAY)
    expect(new Date(span!.first).getTime()).toBeLessThan(now.getTime() - 60 * DAY)
    expect(new Date(span!.last).getTime()).toBeLessThanOrEqual(now.getTime())
    expect(await countOf(sql`select count(*)::int as n from replies r join threads t on t.id = r.thread_id where r.created_at <= t.created_at`)).toBe(0)
    expect(await countOf(sql`select count(*)::int as n from replies where created_at > ${now.toISOString()}::timestamptz`)).toBe(0)
  })

  it('has solved and unanswered questions in the proportions of a real community', async () => {
    const ctx = t.ctx()
    const solved = (await listThreads(ctx, { filter: 'solved', limit: 1000 })).items
    const unanswered = (await listThreads(ctx, { filter: 'unanswered', limit: 1000 })).items
    expect(solved.length / THREADS).toBeGreaterThan(0.25)
    expect(solved.length / THREADS).toBeLessThan(0.55)
    expect(unanswered.length / THREADS).toBeGreaterThan(0.07)
    expect(unanswered.length / THREADS).toBeLessThan(0.3)
    expect(solved.every((item) => item.solved)).toBe(true)
    expect(unanswered.some((item) => item.meTooCount > 0 || item.upvoteCount > 0)).toBe(true)
    const replyCounts = await queryRows<{ n: number }>(t.db, sql`select reply_count as n from threads`)
    expect(Math.max(...replyCounts.map((r) => r.n))).toBeGreaterThanOrEqual(4)
    expect(Math.max(...replyCounts.map((r) => r.n))).toBeLessThanOrEqual(8)
  })

  it('keeps every counter equal to the rows it counts (it went through the verbs)', async () => {
    const drift = sql`
      select count(*)::int as n from threads t where
        t.reply_count <> (select count(*) from replies r where r.thread_id = t.id and r.hidden_at is null)
        or t.upvote_count <> (select count(*) from thread_votes v where v.thread_id = t.id)
        or t.me_too_count <> (select count(*) from me_toos m where m.thread_id = t.id)`
    expect(await countOf(drift)).toBe(0)
    expect(await countOf(sql`select count(*)::int as n from replies r where r.upvote_count <> (select count(*) from reply_votes v where v.reply_id = r.id)`)).toBe(0)
    expect(await countOf(sql`select count(*)::int as n from thread_votes`)).toBeGreaterThan(THREADS)
    expect(await countOf(sql`select count(*)::int as n from reply_votes`)).toBeGreaterThan(0)
    expect(await countOf(sql`select count(*)::int as n from me_toos`)).toBeGreaterThan(0)
  })

  it('has organisations on all four plans, priority ones, customers and every staff role', async () => {
    const orgs = await t.db.select().from(organisations)
    expect(new Set(orgs.map((o) => o.plan))).toEqual(new Set(['free', 'startup', 'paid', 'enterprise']))
    expect(orgs.filter((o) => o.isPriority).length).toBeGreaterThanOrEqual(2)
    expect(orgs.filter((o) => o.plan === 'free').every((o) => o.mrrCents === 0)).toBe(true)
    expect(orgs.filter((o) => o.plan === 'enterprise').every((o) => o.mrrCents > 100_000)).toBe(true)

    const people = await t.db.select({ role: users.role, organisationId: users.organisationId }).from(users)
    const roleCount = (role: string) => people.filter((p) => p.role === role).length
    expect({ support: roleCount('support'), engineer: roleCount('engineer'), admin: roleCount('admin') }).toEqual({
      support: 4,
      engineer: 4,
      admin: 1,
    })
    const customers = people.filter((p) => p.role === 'member')
    expect(customers.length).toBeGreaterThanOrEqual(55)
    expect(customers.filter((p) => p.organisationId !== null).length).toBeGreaterThan(customers.length / 2)
    expect(customers.some((p) => p.organisationId === null)).toBe(true)
    const staffReplies = sql`select count(*)::int as n from replies r join users u on u.id = r.author_id where u.role <> 'member'`
    expect(await countOf(staffReplies)).toBeGreaterThan(THREADS / 4)
  })

  it('shows the threads on the home page and renders a solved thread with its solution and highlighted code', async () => {
    const client = t.client()
    const home = await html(await client.get('/'))
    expect(texts(home, '.thread-row .thread-title a').length).toBeGreaterThanOrEqual(20)

    const [thread] = await t.db
      .select({ id: threads.id, slug: threads.slug, title: threads.title })
      .from(threads)
      .where(and(isNotNull(threads.acceptedReplyId), like(threads.bodyHtml, '%<pre>%')))
      .limit(1)
    expect(thread, 'a solved thread with a code block').toBeDefined()
    const page = await client.get(`/t/${thread!.id}/${thread!.slug}`)
    expect(page.status).toBe(200)
    const doc = await html(page)
    expect(doc.querySelector('h1')?.text).toBe(thread!.title)
    expect(doc.querySelector('.accepted-answer')).not.toBeNull()
    // node-html-parser keeps <pre> content as raw text, so look inside it as a string.
    expect(doc.querySelectorAll('pre').some((pre) => /<code tabindex="0" class="hljs language-\w+">/.test(pre.innerHTML))).toBe(true)
    expect(doc.querySelectorAll('.reply-list > li, .reply-list article').length).toBeGreaterThan(0)
  })

  it('has locked threads and hidden replies that visitors do not see', async () => {
    expect(summary.locked).toBe(2)
    expect(await countOf(sql`select count(*)::int as n from threads where locked_at is not null`)).toBe(2)
    const hidden = await t.db
      .select({ id: replies.id, threadId: replies.threadId, body: replies.bodyText })
      .from(replies)
      .where(isNotNull(replies.hiddenAt))
    expect(hidden).toHaveLength(2)
    const [thread] = await t.db.select({ slug: threads.slug }).from(threads).where(eq(threads.id, hidden[0]!.threadId))
    const page = await t.client().get(`/t/${hidden[0]!.threadId}/${thread!.slug}`)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain(`id="reply-${hidden[0]!.id}"`)
  })

  it('has rotations a quarter old and ahead, escalations in every state, and a published handoff', async () => {
    const ahead = await queryRows<{ team_slug: string; first: string; last: string }>(
      t.db,
      sql`select r.team_slug, min(s.starts_at)::text as first, max(s.ends_at)::text as last from rotations r join rotation_shifts s on s.rotation_id = r.id group by r.team_slug`,
    )
    expect(ahead.map((row) => row.team_slug).sort()).toEqual(['data', 'identity', 'platform'])
    for (const row of ahead) {
      expect(new Date(row.first).getTime(), row.team_slug).toBeLessThanOrEqual(now.getTime() - 80 * DAY)
      expect(new Date(row.last).getTime(), row.team_slug).toBeGreaterThanOrEqual(now.getTime() + 90 * DAY)
    }
    const outcomes = await queryRows<{ outcome: string | null; n: number }>(t.db, sql`select outcome, count(*)::int as n from escalations group by outcome`)
    expect(new Set(outcomes.map((row) => row.outcome))).toEqual(new Set([null, 'fixed', 'workaround', 'wont_fix', 'needs_info']))
    // The demo engineer is on the platform rotation now, with escalations waiting.
    const engineer = (await refreshDemoPasswords(t.db)).find((account) => account.key === 'engineer')!
    const client = t.client()
    await client.post('/login', { email: engineer.email, password: engineer.password })
    const inbox = await html(await client.get('/escalations/mine'))
    expect(inbox.querySelector('.on-rotation')?.text).toContain('platform')
    expect(inbox.querySelectorAll('.inbox-escalation').length).toBeGreaterThanOrEqual(1)
    expect(await countOf(sql`select count(*)::int as n from loop_replies where sent_at is not null`)).toBeGreaterThan(0)
    expect(await countOf(sql`select count(*)::int as n from handoffs where published_at is not null`)).toBe(1)
  })

  it('seeds only an empty forum, so starting the demo again duplicates nothing', async () => {
    const before = await countOf(sql`select count(*)::int as n from threads`)
    const usersBefore = await countOf(sql`select count(*)::int as n from users`)
    expect(await seedDemoIfEmpty(t.db, { now })).toBeNull()
    expect(await countOf(sql`select count(*)::int as n from threads`)).toBe(before)
    expect(await countOf(sql`select count(*)::int as n from users`)).toBe(usersBefore)
  })

  it('leaves a forum that already has people alone, even without threads', async () => {
    const other = await createTestApp()
    try {
      await createUser(other.db, { role: 'admin' })
      expect(await seedDemoIfEmpty(other.db, { now, threads: 5 })).toBeNull()
      expect(await countOf(sql`select count(*)::int as n from users`, other)).toBe(1)
      expect(await refreshDemoPasswords(other.db)).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('gives the demo accounts fresh passwords at every start, and the old ones stop working', async () => {
    const first = await refreshDemoPasswords(t.db)
    expect(first.map((a) => a.key)).toEqual(['admin', 'support', 'engineer', 'enterprise-customer', 'startup-customer'])
    expect(first.every((a) => /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/.test(a.password))).toBe(true)
    expect(new Set(first.map((a) => a.password)).size).toBe(first.length)

    const signIn = (email: string, password: string) => t.client().post('/login', { email, password })
    const admin = first[0]!
    const accepted = await signIn(admin.email, admin.password)
    expect(accepted.status).toBe(303)

    const second = await refreshDemoPasswords(t.db)
    expect(second[0]!.password).not.toBe(admin.password)
    expect((await signIn(admin.email, admin.password)).status).toBe(422)
    expect((await signIn(second[0]!.email, second[0]!.password)).status).toBe(303)

    const plans = await t.db
      .select({ email: users.email, plan: organisations.plan })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
    const customerPlans = second.filter((a) => a.key.endsWith('customer')).map((a) => plans.find((p) => p.email === a.email)?.plan)
    expect(new Set(customerPlans).size).toBe(2)
  })

  it('plants the same forum for the same seed', async () => {
    const [a, b] = await Promise.all([createTestApp(), createTestApp()])
    try {
      const seedTime = new Date('2026-01-15T12:00:00Z')
      await seedDemo(a.db, { now: seedTime, threads: 8, random: mulberry32(42) })
      await seedDemo(b.db, { now: seedTime, threads: 8, random: mulberry32(42) })
      const history = (db: TestApp['db']) =>
        queryRows(db, sql`
          select t.title, t.created_at, t.accepted_reply_id, t.upvote_count,
            (select string_agg(r.author_id || ':' || r.body_markdown, '|' order by r.id) from replies r where r.thread_id = t.id) as replies
          from threads t order by t.id`)
      const [left, right] = [await history(a.db), await history(b.db)]
      expect(left).toHaveLength(8)
      expect(JSON.stringify(left)).toBe(JSON.stringify(right))
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  }, 60_000)
})

describe('demo content', () => {
  // The longest value of every slot, so a template that fits here fits with any draw.
  const longest = <T>(values: readonly T[]): T => [...values].sort((x, y) => String(y).length - String(x).length)[0]!
  const slotSets: Slots[] = SLOT_VALUES.langs.map((lang) => ({
    asker: 'Patrick',
    workspace: 'northgatehealth',
    version: longest(SLOT_VALUES.versions),
    nextVersion: longest(SLOT_VALUES.versions),
    sdkVersion: longest(SLOT_VALUES.sdkVersions),
    cliVersion: longest(SLOT_VALUES.cliVersions),
    integration: longest(SLOT_VALUES.integrations),
    idp: longest(SLOT_VALUES.idps),
    warehouse: longest(SLOT_VALUES.warehouses),
    lang,
    os: longest(SLOT_VALUES.oses),
    browser: longest(SLOT_VALUES.browsers),
    region: longest(SLOT_VALUES.regions),
    code: 'E4999',
    status: 504,
    requestId: 'req_abcdefghijklmnop',
    ticket: 'RB-6999',
    rows: '1,204,118',
    mb: 240,
    seats: 40,
    activeSeats: 33,
    month: 'September',
    day: '28 Sep',
    minutes: 90,
    widgets: 28,
  }))
  const within = (value: string, limits: { min: number; max: number }) =>
    characterCount(value) >= limits.min && characterCount(value) <= limits.max

  it('fits every title, question and reply template within the forum limits', () => {
    const replyTemplates = [
      ...[BUMPS, THANKS, FOLLOW_UPS_FROM_ASKER, ME_TOO_REPLIES, GENERIC_CLARIFY, GENERIC_DETAILS, LOCK_NOTES, CONFIRMATIONS, CHECK_INS].flat(),
      LEAKED_SECRET_REPLY,
      HIDDEN_SECRET_NOTE,
      SPAM_REPLY,
    ]
    for (const s of slotSets) {
      for (const scenario of SCENARIOS) {
        for (const title of scenario.titles) {
          expect(within(title(s), TITLE_LIMITS), title(s)).toBe(true)
          expect(title(s), 'titles are one line').not.toMatch(/\n/)
        }
        const question = [longest(INTROS.map((f) => f(s))), scenario.question(s), longest(OUTROS.map((f) => f(s)))].join('\n\n')
        expect(within(question, BODY_LIMITS), scenario.titles[0]!(s)).toBe(true)
        const answers = [scenario.answer, scenario.fixed, scenario.clarify?.ask, scenario.clarify?.details, ...(scenario.followUps ?? [])]
        for (const answer of answers) if (answer) expect(within(answer(s), REPLY_LIMITS), answer(s).slice(0, 60)).toBe(true)
        expect(scenario.tags.length + (scenario.extraTag ? 1 : 0)).toBeLessThanOrEqual(5)
      }
      for (const reply of replyTemplates) expect(within(reply(s), REPLY_LIMITS), reply(s)).toBe(true)
    }
  })

  it('covers every category with several question templates', () => {
    for (const category of CATEGORIES) expect(SCENARIOS.filter((s) => s.category === category.slug).length).toBeGreaterThanOrEqual(5)
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(40)
  })
})

describe('the demo support queue', () => {
  it('turns the seeded history into queue items through the real rules, routed to on-duty staff', async () => {
    const { createTestApp } = await import('../support/app')
    const { seedDemo } = await import('../../src/demo/seed-demo')
    const { queueItems } = await import('../../src/db/schema')
    const demo = await createTestApp({ start: '2026-06-01T12:00:00Z' })
    try {
      await seedDemo(demo.db, { now: demo.clock.now(), threads: 25 })
      await demo.drain()
      await demo.tick()
      const items = await demo.db.select().from(queueItems)
      expect(items.length).toBeGreaterThan(5)
      expect(new Set(items.map((item) => item.kind))).toContain('bug')
      expect(items.some((item) => item.assigneeId !== null)).toBe(true)
      const board = await (await demo.client().signInAs({ id: items.find((item) => item.assigneeId)!.assigneeId! })).get('/queue')
      expect(board.status).toBe(200)
    } finally {
      await demo.close()
    }
  }, 120_000)
})
