import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { categories, notifications, queueItemEvents, queueItems, threadWatches, type Category, type Organisation, type User } from '../../src/db/schema'
import { changeItemState, convertThread, loadItemWithPriority, runQueueTick } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { createCalendar, createCategory, createOrganisation, createPolicy, createReply, createTeam, createThread, createUser } from '../support/factories'

// The wire from public threads to the queue: rules, SLA clock, priority and routing, with a
// clock the tests move. Monday 2 March 2026, 10:00 UTC is 11:00 in Berlin.

let t: TestApp
let category: Category
let acme: Organisation
let customer: User
let freeCustomer: User
let alice: User
let bob: User
let lead: User

const HOUR = 3_600_000

const itemOf = async (threadId: number) => {
  const [row] = await t.db.select({ id: queueItems.id }).from(queueItems).where(eq(queueItems.threadId, threadId)).orderBy(asc(queueItems.id))
  return row ? ((await loadItemWithPriority(t.db, row.id)) ?? undefined) : undefined
}
const eventsOf = async (itemId: number) =>
  (await t.db.select().from(queueItemEvents).where(eq(queueItemEvents.itemId, itemId)).orderBy(asc(queueItemEvents.id))).map((event) => ({ kind: event.kind, data: event.data }))

const BUG_BODY = 'Since upgrading to 2.4.1 the export crashes:\n\n```\njava.lang.IllegalStateException: writer closed\n    at com.acme.export.CsvWriter.write(CsvWriter.java:42)\n```'

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Data', slug: 'data', team: 'platform' })
  acme = await createOrganisation(t.db, { name: 'Acme', plan: 'paid', mrrCents: 120_000 })
  customer = await createUser(t.db, { displayName: 'Paying Customer', organisationId: acme.id })
  freeCustomer = await createUser(t.db, { displayName: 'Free Customer' })
  alice = await createUser(t.db, { displayName: 'Alice Support', role: 'support' })
  bob = await createUser(t.db, { displayName: 'Bob Support', role: 'support' })
  lead = await createUser(t.db, { displayName: 'Lena Lead', role: 'support' })
  await createTeam(t, 'platform', [{ user: alice }, { user: bob }], lead)
  const office = await createCalendar(t.db, { name: 'Berlin office' })
  await createPolicy(t.db, { name: 'Paid', position: 1, matchPlan: 'paid', first: 240, next: 480, resolution: 2400, calendarId: office.id })
})
afterAll(() => t.close())

describe('bug signal rule', () => {
  it('turns a defect report into a routed, prioritised item that says why', async () => {
    const thread = await createThread(t, customer, category, { title: 'CSV export crashes since upgrading to 2.4.1', body: BUG_BODY })
    await t.drain()
    const item = await itemOf(thread.id)
    expect(item).toMatchObject({ kind: 'bug', state: 'new', teamSlug: 'platform', requesterId: customer.id, organisationId: acme.id })
    expect(item!.signals.bug!.signals.map((signal) => signal.name)).toEqual(expect.arrayContaining(['stack trace', 'exception name', 'regression']))
    expect(item!.priorityClass).toBe(3)
    expect(item!.priorityFactors).toMatchObject({ classReason: 'paying customer (paid plan)', plan: 6 })
    expect(item!.priorityFactors!.mrr).toBeCloseTo(2 * Math.log10(1 + 1200), 1)
    expect([alice.id, bob.id]).toContain(item!.assigneeId)
    // 4 business hours from Monday 11:00 Berlin: 15:00 Berlin = 14:00 UTC.
    expect(item!.firstResponseDueAt?.toISOString()).toBe('2026-03-02T14:00:00.000Z')
    expect(item!.sla).toMatchObject({ policyName: 'Paid', firstResponseMinutes: 240 })
    const events = await eventsOf(item!.id)
    expect(events.map((event) => event.kind)).toEqual(['created', 'assigned'])
    expect(events[0]!.data).toMatchObject({ rule: 'bug signal', source: 'forum' })
    expect(await t.db.select().from(notifications).where(eq(notifications.itemId, item!.id))).toHaveLength(1)
  })

  it('keeps one open item per thread: later signals update it and join its history', async () => {
    const thread = await createThread(t, customer, category, { title: 'Sync job fails with HTTP 502 errors', body: 'The nightly sync fails: status 502 Bad Gateway.' })
    await t.drain()
    const item = await itemOf(thread.id)
    const author = await t.client().signInAs(customer)
    await author.post(`/t/${thread.id}/edit`, {
      title: 'Sync job fails with HTTP 502 errors',
      body: `The nightly sync fails: status 502 Bad Gateway.\n\n${BUG_BODY}`,
      categoryId: String(category.id),
      tags: '',
    })
    await t.drain()
    const items = await t.db.select().from(queueItems).where(eq(queueItems.threadId, thread.id))
    expect(items).toHaveLength(1)
    expect(items[0]!.signals.bug!.score).toBeGreaterThan(item!.signals.bug!.score)
    expect((await eventsOf(item!.id)).filter((event) => event.kind === 'rule_fired')).toHaveLength(1)
    const staff = t.ctx(alice)
    await expect(convertThread({ ctx: staff, input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })).rejects.toThrow(/already has an open queue item/)
  })

  it('leaves how-to questions and feature requests alone', async () => {
    const thread = await createThread(t, customer, category, { title: 'How do I export projects to CSV?', body: 'I want a CSV of every project for the finance team.' })
    await t.drain()
    expect(await itemOf(thread.id)).toBeUndefined()
  })
})

describe('time-based rules', () => {
  it('queues a question nobody answered within the category window (business hours)', async () => {
    t.clock.set('2026-03-06T15:00:00Z') // Friday 16:00 Berlin
    const thread = await createThread(t, freeCustomer, category, { title: 'Where is the audit log stored?', body: 'I cannot find the audit log anywhere in settings.' })
    await t.drain()
    const [watch] = await t.db.select().from(threadWatches).where(eq(threadWatches.threadId, thread.id))
    // Free plan: no SLA, so the default 8 h window on the default 24/7 clock.
    expect(watch!.unansweredDueAt.toISOString()).toBe('2026-03-06T23:00:00.000Z')
    expect(watch!.staffReplyDueAt).toBeNull()
    t.clock.set('2026-03-06T22:59:00Z')
    await t.tick()
    expect(await itemOf(thread.id)).toBeUndefined()
    t.clock.set('2026-03-06T23:00:00Z')
    await t.tick()
    const item = await itemOf(thread.id)
    expect(item).toMatchObject({ kind: 'question', priorityClass: 4 })
    expect(item!.signals.unanswered).toMatchObject({ windowMinutes: 480 })
    await t.tick()
    expect(await t.db.select().from(queueItems).where(eq(queueItems.threadId, thread.id))).toHaveLength(1)
  })

  it('does not queue a question someone else answered in time', async () => {
    t.clock.set('2026-03-09T08:00:00Z')
    const thread = await createThread(t, freeCustomer, category, { title: 'Is there a keyboard shortcut for search?', body: 'I keep reaching for the mouse to search.' })
    await t.drain()
    t.clock.advance(HOUR)
    await createReply(t, customer, thread.id, 'Press / anywhere to jump to search.')
    t.clock.advance(9 * HOUR)
    await t.tick()
    expect(await itemOf(thread.id)).toBeUndefined()
  })

  it('queues a paying customer’s question that only the community answered within their SLA', async () => {
    t.clock.set('2026-03-10T08:00:00Z') // Tuesday 09:00 Berlin
    const thread = await createThread(t, customer, category, { title: 'Can we pin the data region to the EU?', body: 'Our legal team asks where the data lives.' })
    await t.drain()
    t.clock.advance(HOUR)
    await createReply(t, freeCustomer, thread.id, 'I think there is an EU region option.')
    t.clock.set('2026-03-10T12:00:00Z') // 13:00 Berlin: 4 business hours passed
    await t.tick()
    const item = await itemOf(thread.id)
    expect(item?.signals.noStaffReply).toMatchObject({ targetMinutes: 240 })
    expect((await eventsOf(item!.id))[0]!.data).toMatchObject({ rule: 'no staff reply' })
  })
})

describe('watches between their due times', () => {
  it('reads an answered question again only at its staff-reply target, and queues it then if no staff replied', async () => {
    const quick = await createCategory(t.db, { name: 'Quick', slug: 'quick', team: 'platform' })
    await t.db.update(categories).set({ unansweredWindowMinutes: 30 }).where(eq(categories.id, quick.id))
    t.clock.set('2026-03-11T08:00:00Z') // Wednesday 09:00 Berlin
    const thread = await createThread(t, customer, quick, { title: 'Which SSO providers do you support?', body: 'We use Okta and want SSO.' })
    await t.drain()
    const watchOf = async () => (await t.db.select().from(threadWatches).where(eq(threadWatches.threadId, thread.id)))[0]!
    const watch = await watchOf()
    expect(watch.nextCheckAt.toISOString()).toBe(watch.unansweredDueAt.toISOString())
    t.clock.advance(10 * 60_000)
    await createReply(t, freeCustomer, thread.id, 'Okta works for us through OpenID Connect.')
    t.clock.advance(HOUR)
    await t.tick()
    // Answered in its window: no item, and the watch waits for its staff-reply target instead of
    // being read on every tick until then.
    expect(await itemOf(thread.id)).toBeUndefined()
    expect((await watchOf()).nextCheckAt.toISOString()).toBe(watch.staffReplyDueAt!.toISOString())
    t.clock.set(watch.staffReplyDueAt!)
    await t.tick()
    expect((await itemOf(thread.id))?.signals.noStaffReply).toMatchObject({ targetMinutes: 240 })
    expect((await watchOf()).settledAt).not.toBeNull()
  })
})

describe('me too rule', () => {
  it('queues a thread once enough distinct customers say "me too", counting them as affected', async () => {
    t.clock.set('2026-03-11T09:00:00Z')
    const thread = await createThread(t, freeCustomer, category, { title: 'Dashboard charts are blank this morning', body: 'All charts on the dashboard show nothing.' })
    await t.drain()
    const others = await Promise.all([1, 2, 3, 4].map(() => createUser(t.db)))
    for (const [index, person] of others.entries()) {
      await (await t.client().signInAs(person)).post(`/t/${thread.id}/me-too`, { on: '1' })
      await t.drain()
      expect(!!(await itemOf(thread.id))).toBe(index >= 2)
    }
    const item = await itemOf(thread.id)
    expect(item!.affectedCustomers).toBe(5)
    expect((await eventsOf(item!.id)).map((event) => event.kind)).toContain('customers_added')
    expect(item!.priorityFactors!.affectedCustomers).toBeCloseTo(8 * Math.log(6), 1)
  })
})

describe('SLA clock', () => {
  it('meets first response on the first staff reply, runs next response on customer replies, and pauses while waiting', async () => {
    t.clock.set('2026-03-16T08:00:00Z') // Monday 09:00 Berlin
    const thread = await createThread(t, customer, category, { title: 'Import fails with error code E4012', body: 'Every import fails with error code E4012 since the update.' })
    await t.drain()
    const item = (await itemOf(thread.id))!
    t.clock.advance(HOUR)
    await createReply(t, alice, thread.id, 'Thanks, looking into E4012 now.')
    await t.drain()
    let fresh = (await itemOf(thread.id))!
    expect(fresh.firstResponseAt?.toISOString()).toBe('2026-03-16T09:00:00.000Z')
    expect((await eventsOf(item.id)).find((event) => event.kind === 'sla_met')?.data).toMatchObject({ target: 'first_response', late: false })

    await changeItemState({ ctx: t.ctx(alice), input: { itemId: item.id, state: 'waiting_on_customer' } })
    t.clock.advance(24 * HOUR) // Tuesday 10:00 UTC; 8 business hours passed while waiting
    await createReply(t, customer, thread.id, 'Here is the file that fails to import.')
    await t.drain()
    fresh = (await itemOf(thread.id))!
    expect(fresh.state).toBe('in_progress')
    expect(fresh.pausedMinutes).toBe(8 * 60)
    // Resolution target (2400 business min) moved later by the 8 paused business hours.
    expect(fresh.resolutionDueAt!.getTime()).toBeGreaterThan(item.resolutionDueAt!.getTime())
    // The customer's message (Tuesday 10:00 Berlin) started a next-response target of 8 business
    // hours: 7 on Tuesday, 1 on Wednesday -> Wednesday 10:00 Berlin.
    expect(fresh.nextResponseDueAt?.toISOString()).toBe('2026-03-18T09:00:00.000Z')
    const resumed = (await eventsOf(item.id)).find((event) => event.kind === 'state_changed' && event.data.reason === 'The customer replied.')
    expect(resumed?.data).toMatchObject({ from: 'waiting_on_customer', to: 'in_progress' })

    t.clock.advance(HOUR)
    await createReply(t, bob, thread.id, 'Fixed on our side; please retry the import.')
    await t.drain()
    fresh = (await itemOf(thread.id))!
    expect(fresh.nextResponseDueAt).toBeNull()
    expect((await eventsOf(item.id)).filter((event) => event.kind === 'sla_met').map((event) => event.data.target)).toEqual(['first_response', 'next_response'])
  })

  it('warns once, then breaches once, notifying the assignee and the team lead and raising urgency', async () => {
    t.clock.set('2026-03-23T08:00:00Z') // Monday 09:00 Berlin
    const thread = await createThread(t, customer, category, { title: 'Webhooks fail with 500 Internal Server Error', body: 'Every webhook returns 500 Internal Server Error since the release.' })
    await t.drain()
    const item = (await itemOf(thread.id))!
    // A 4-hour target warns at 80%: after 3 h 12 min, 12:12 Berlin.
    expect(item.firstResponseWarnAt?.toISOString()).toBe('2026-03-23T11:12:00.000Z')
    t.clock.set('2026-03-23T11:12:00Z')
    await t.tick()
    await t.tick()
    let events = await eventsOf(item.id)
    expect(events.filter((event) => event.kind === 'sla_warning')).toHaveLength(1)
    const before = (await itemOf(thread.id))!.priorityScore
    t.clock.set('2026-03-23T12:00:00Z')
    await t.tick()
    await t.tick()
    events = await eventsOf(item.id)
    expect(events.filter((event) => event.kind === 'sla_breached').map((event) => event.data.target)).toEqual(['first_response'])
    const notified = await t.db.select().from(notifications).where(and(eq(notifications.itemId, item.id), eq(notifications.kind, 'sla_breached')))
    expect(notified.map((row) => row.userId).sort()).toEqual([item.assigneeId, lead.id].sort())
    const after = (await itemOf(thread.id))!
    expect(after.breached).toEqual(['first_response'])
    expect(after.priorityScore).toBeGreaterThan(before)
    expect(after.priorityFactors!.breached).toBe(25)
  })
})

describe('priority classes', () => {
  it('follows the documented order: incident, flagged, priority or trial or critical, paying or billing or high, the rest', async () => {
    t.clock.set('2026-04-01T08:00:00Z')
    const vip = await createOrganisation(t.db, { name: 'VIP', plan: 'enterprise', isPriority: true })
    const vipCustomer = await createUser(t.db, { organisationId: vip.id })
    const make = async (input: Record<string, unknown>) =>
      (await import('../../src/queue')).fileItem({
        ctx: t.ctx(alice),
        input: { source: 'email', title: 'An item from email', description: 'Filed from an email thread.', teamSlug: 'platform', kind: 'question', severity: 'normal', requesterEmail: '', ...input },
      })
    const incident = await make({ kind: 'incident' })
    const critical = await make({ severity: 'critical' })
    const priorityOrg = await make({ requesterEmail: vipCustomer.email })
    const billing = await make({ kind: 'billing' })
    const free = await make({})
    expect([incident, critical, priorityOrg, billing, free].map((item) => item.priorityClass)).toEqual([0, 2, 2, 3, 4])
    expect(priorityOrg.priorityFactors?.classReason).toBe('priority organisation')
    const { updateItemDetails } = await import('../../src/queue')
    const flagged = await updateItemDetails({ ctx: t.ctx(alice), input: { itemId: free.id, kind: 'question', severity: 'normal', tier: '1', teamSlug: 'platform', flagged: '1' } })
    expect(flagged.priorityClass).toBe(1)
    expect((await eventsOf(free.id)).map((event) => event.kind)).toEqual(expect.arrayContaining(['flagged', 'priority_changed']))
  })

  it('makes a bug that many customers hit in a day an incident (P0)', async () => {
    t.clock.set('2026-04-02T08:00:00Z')
    const thread = await createThread(t, freeCustomer, category, { title: 'Login fails with TypeError after the release', body: 'Login crashes: TypeError: cannot read properties of undefined' })
    await t.drain()
    expect((await itemOf(thread.id))!.priorityClass).toBe(4)
    for (let i = 0; i < 4; i++) {
      const person = await createUser(t.db)
      await (await t.client().signInAs(person)).post(`/t/${thread.id}/me-too`, { on: '1' })
    }
    await t.drain()
    const item = (await itemOf(thread.id))!
    expect(item.priorityClass).toBe(0)
    expect(item.priorityFactors?.classReason).toBe('5 customers reported this bug within 24 h')
  })
})

describe('routing', () => {
  it('gives items to the least-loaded on-duty member under their cap, else leaves them waiting', async () => {
    const fresh = await createTestApp()
    try {
      const cat = await createCategory(fresh.db, { team: 'billing' })
      const asker = await createUser(fresh.db)
      const carol = await createUser(fresh.db, { role: 'support' })
      const dan = await createUser(fresh.db, { role: 'support' })
      await createTeam(fresh, 'billing', [
        { user: carol, cap: 1 },
        { user: dan, onDuty: false },
      ])
      const file = () =>
        import('../../src/queue').then(({ fileItem }) =>
          fileItem({ ctx: fresh.ctx(carol), input: { source: 'chat', title: 'Charged twice', description: 'Customer says they were charged twice.', teamSlug: 'billing', kind: 'billing', severity: 'normal' } }),
        )
      void cat
      void asker
      const first = await file()
      expect(first.assigneeId).toBe(carol.id)
      const second = await file()
      expect(second.assigneeId).toBeNull()
      const { setOnDuty } = await import('../../src/queue')
      const result = await setOnDuty({ ctx: fresh.ctx(dan), input: { onDuty: '1' } })
      expect(result.routed).toBe(1)
      const [routed] = await fresh.db.select().from(queueItems).where(eq(queueItems.id, second.id))
      expect(routed!.assigneeId).toBe(dan.id)
    } finally {
      await fresh.close()
    }
  })
})

describe('transitions', () => {
  it('refuses a change of state that the table does not allow, and changes nothing', async () => {
    const { fileItem } = await import('../../src/queue')
    const item = await fileItem({ ctx: t.ctx(alice), input: { source: 'call', title: 'Call about invoices', description: 'Customer called about invoices.', teamSlug: 'platform', kind: 'billing', severity: 'normal' } })
    await expect(changeItemState({ ctx: t.ctx(alice), input: { itemId: item.id, state: 'fixed_pending_confirmation' } })).rejects.toThrow(/cannot become “Fixed, pending confirmation”/)
    const [unchanged] = await t.db.select().from(queueItems).where(eq(queueItems.id, item.id))
    expect(unchanged!.state).toBe('new')
    await changeItemState({ ctx: t.ctx(alice), input: { itemId: item.id, state: 'resolved' } })
    const [resolved] = await t.db.select().from(queueItems).where(eq(queueItems.id, item.id))
    expect(resolved).toMatchObject({ state: 'resolved', resolvedById: alice.id })
    await expect(changeItemState({ ctx: t.ctx(customer), input: { itemId: item.id, state: 'in_progress' } })).rejects.toThrow(/Only support staff/)
  })
})

describe('policy versions', () => {
  it('leaves items on the policy version they started with when the policy changes', async () => {
    const { saveSlaPolicy, fileItem } = await import('../../src/queue')
    const admin = await createUser(t.db, { role: 'admin' })
    const policy = await createPolicy(t.db, { name: 'Email policy', position: 0, matchKind: 'feature_request', first: 60, next: 120, resolution: 600 })
    const before = await fileItem({ ctx: t.ctx(alice), input: { source: 'email', title: 'Feature: dark mode', description: 'A customer wants dark mode.', teamSlug: 'platform', kind: 'feature_request', severity: 'low' } })
    await saveSlaPolicy({
      ctx: t.ctx(admin),
      input: { policyId: String(policy.id), name: 'Email policy', position: '0', matchKind: 'feature_request', matchPlan: '', matchSeverity: '', firstResponseMinutes: '30', nextResponseMinutes: '120', resolutionMinutes: '600', calendarId: '' },
    })
    const after = await fileItem({ ctx: t.ctx(alice), input: { source: 'email', title: 'Feature: exports', description: 'A customer wants exports.', teamSlug: 'platform', kind: 'feature_request', severity: 'low' } })
    expect(before.sla).toMatchObject({ version: 1, firstResponseMinutes: 60 })
    expect(after.sla).toMatchObject({ version: 2, firstResponseMinutes: 30 })
    const [kept] = await t.db.select().from(queueItems).where(eq(queueItems.id, before.id))
    expect(kept!.sla.firstResponseMinutes).toBe(60)
  })
})

void runQueueTick
