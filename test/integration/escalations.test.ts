import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  escalations,
  handoffs,
  loopReplies,
  notifications,
  queueItemEvents,
  queueItems,
  replies,
  threads,
  type Category,
  type QueueItem,
  type User,
} from '../../src/db/schema'
import { markDuplicate, setSubscription } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createOrganisation, createRotation, createTeam, createThread, createUser } from '../support/factories'

const HOUR = 3_600_000
const DAY = 24 * HOUR

let t: TestApp
let category: Category
let admin: User
let support: User
let ada: User
let bob: User
let lead: User
let asker: User
let otherAsker: User
let watcher: User
let stranger: User
let onCall: User
let offCall: User

const REPRODUCTION = {
  customerDid: 'Opened Settings → Webhooks and pressed “Send test event” for the orders endpoint.',
  whatHappened: 'The delivery log shows HTTP 502 Bad Gateway for every attempt since 2.4.0.',
  expected: 'A 200 from their endpoint, as before the upgrade.',
  logs: 'request id 7f3a-22; 2026-03-02T09:58:11Z webhook.deliver status=502 upstream=proxy-3',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time, since Friday',
  customersAffected: '3',
}

async function newItem(title: string, author = asker): Promise<{ item: QueueItem; thread: { id: number; slug: string } }> {
  const thread = await createThread(t, author, category, { title, body: `${title}. It happens every time I try, on the web app and on the desktop app alike.` })
  const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
  return { item, thread }
}

async function itemRow(itemId: number): Promise<QueueItem> {
  const [row] = await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))
  return row!
}

const eventsOf = async (itemId: number) => (await t.db.select().from(queueItemEvents).where(eq(queueItemEvents.itemId, itemId))).map((event) => event.kind)

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  const acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  ada = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer' })
  bob = await createUser(t.db, { displayName: 'Bob Engineer', role: 'engineer' })
  lead = await createUser(t.db, { displayName: 'Lee Lead', role: 'engineer' })
  asker = await createUser(t.db, { displayName: 'Mo Customer', organisationId: acme.id })
  otherAsker = await createUser(t.db, { displayName: 'Dee Duplicate' })
  watcher = await createUser(t.db, { displayName: 'Wes Watcher' })
  stranger = await createUser(t.db, { displayName: 'Stan Stranger' })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }], lead)
  await createTeam(t, 'lonely', [])
  await createRotation(t, admin, 'platform', [ada, bob], { confirmWaitDays: '7' })
  const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
  onCall = on!.userId === ada.id ? ada : bob
  offCall = onCall === ada ? bob : ada
})
afterAll(() => t.close())

describe('escalating an item', () => {
  it('refuses an escalation without the reproduction, with a message per field, and changes nothing', async () => {
    const { item } = await newItem('Webhook test events fail with 502 after the upgrade')
    const client = await t.client().signInAs(support)
    const response = await client.post(`/queue/items/${item.id}/escalate`, { customerDid: 'Clicked', whatHappened: '', expected: '', logs: '', account: 'Acme', frequency: '', customersAffected: '' })
    expect(response.status).toBe(422)
    const page = await html(response)
    for (const field of ['customerDid', 'whatHappened', 'expected', 'logs', 'frequency', 'customersAffected'])
      expect(page.querySelector(`#escalate-${field}-error`)?.text, field).toBeTruthy()
    expect(page.querySelector('#escalate-whatHappened-error')?.text).toMatch(/What happened/)
    expect(page.querySelector('#escalate-customerDid')?.text).toBe('Clicked')
    expect(await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))).toHaveLength(0)
    expect((await itemRow(item.id)).state).toBe(item.state)
  })

  it('goes to the engineer on rotation now, with the severity’s response target, and the item becomes tier 3', async () => {
    const { item } = await newItem('Webhook retries never stop for deleted endpoints')
    const client = await t.client().signInAs(support)
    const before = await html(await client.get(`/queue/items/${item.id}`))
    expect(before.querySelector('.escalation-target')?.text).toContain(`Goes to ${onCall.displayName} (on rotation`)
    expect(before.querySelector('.escalation-target')?.text).toContain('8 hours')
    const response = await client.post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    expect(response.status).toBe(303)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    expect(escalation).toMatchObject({ engineerId: onCall.id, escalatedById: support.id, answeredAt: null, ...REPRODUCTION })
    expect(escalation!.responseDueAt.getTime() - t.clock.now().getTime()).toBe(8 * HOUR)
    expect(await itemRow(item.id)).toMatchObject({ state: 'escalated', tier: 3 })
    const [notice] = await t.db.select().from(notifications).where(and(eq(notifications.userId, onCall.id), eq(notifications.itemId, item.id)))
    expect(notice!.message).toMatch(/Escalated to you/)
    // A second escalation while the first waits is refused.
    const again = await client.post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    expect(again.status).toBe(409)
    expect(await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))).toHaveLength(1)
  })

  it('refuses when the team has nobody on rotation and no lead, saying what to do', async () => {
    const thread = await createThread(t, asker, await createCategory(t.db, { team: 'lonely' }), { title: 'Nobody home for this team at all' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'normal', note: '' } })
    const response = await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    expect(response.status).toBe(409)
    expect(texts(await html(response), '#escalate .form-message').join(' ')).toMatch(/nobody on rotation now and no lead/)
    expect(await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))).toHaveLength(0)
  })
})

describe('the engineer’s inbox and answers', () => {
  it('shows the engineer their open escalations oldest first, with the reproduction, the customer and the thread', async () => {
    const first = await newItem('CSV export drops the last row of every file')
    const second = await newItem('CSV export ignores the chosen date format')
    const client = await t.client().signInAs(support)
    await client.post(`/queue/items/${first.item.id}/escalate`, REPRODUCTION)
    t.clock.advance(60_000)
    await client.post(`/queue/items/${second.item.id}/escalate`, { ...REPRODUCTION, whatHappened: 'Dates come out as 03/02/2026 whatever the setting says.' })
    const inbox = await html(await (await t.client().signInAs(onCall)).get('/escalations/mine'))
    const titles = texts(inbox, '.inbox-escalation h2')
    expect(titles.indexOf(`#${first.item.id} CSV export drops the last row of every file`)).toBeLessThan(titles.indexOf(`#${second.item.id} CSV export ignores the chosen date format`))
    const card = inbox.querySelector(`#escalation-${(await t.db.select().from(escalations).where(eq(escalations.itemId, first.item.id)))[0]!.id}`)!
    expect(card.text).toContain('request id 7f3a-22')
    expect(card.text).toContain('Mo Customer')
    expect(card.text).toContain('Acme Corp')
    expect(card.text).toContain('It happens every time I try')
    // The other engineer has none of these.
    const other = await html(await (await t.client().signInAs(offCall)).get('/escalations/mine'))
    expect(other.text).not.toContain('CSV export drops the last row')
  })

  it('refuses an answer from someone it is not for, and an incomplete answer, changing nothing', async () => {
    const { item } = await newItem('Webhook signatures fail for bodies over 1 MB')
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    const notMine = await (await t.client().signInAs(offCall)).post(`/escalations/${escalation!.id}/answer`, { outcome: 'fixed', release: '2.4.1' })
    expect(notMine.status).toBe(403)
    expect((await html(notMine)).text).toContain(`it went to ${onCall.displayName}`)
    const member = await (await t.client().signInAs(asker)).post(`/escalations/${escalation!.id}/answer`, { outcome: 'fixed', release: '2.4.1' })
    expect(member.status).toBe(403)
    const client = await t.client().signInAs(onCall)
    const noRelease = await client.post(`/escalations/${escalation!.id}/answer`, { outcome: 'fixed', answer: 'Chunked bodies were hashed twice.' })
    expect(noRelease.status).toBe(422)
    const page = await html(noRelease)
    expect(page.querySelector(`#answer-${escalation!.id}-release-error`)?.text).toMatch(/which release ships the fix/)
    expect(page.querySelector(`#answer-${escalation!.id}-answer`)?.text).toBe('Chunked bodies were hashed twice.')
    const shortWontFix = await client.post(`/escalations/${escalation!.id}/answer`, { outcome: 'wont_fix', answer: 'Not now.' })
    expect((await html(shortWontFix)).querySelector(`#answer-${escalation!.id}-answer-error`)?.text).toMatch(/plain-language explanation/)
    const noOutcome = await client.post(`/escalations/${escalation!.id}/answer`, { answer: 'Hmm' })
    expect((await html(noOutcome)).querySelector(`#answer-${escalation!.id}-outcome-error`)?.text).toMatch(/Choose an outcome/)
    expect((await t.db.select().from(escalations).where(eq(escalations.id, escalation!.id)))[0]).toMatchObject({ answeredAt: null, outcome: null })
    expect((await itemRow(item.id)).state).toBe('escalated')
  })

  it('needs info sends the item back to support with the question', async () => {
    const { item } = await newItem('Webhook payload is missing the customer id field')
    await t.db.update(queueItems).set({ assigneeId: support.id }).where(eq(queueItems.id, item.id))
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    const response = await (await t.client().signInAs(onCall)).post(`/escalations/${escalation!.id}/answer`, { outcome: 'needs_info', answer: 'Which API version does their endpoint expect?' })
    expect(response.status).toBe(303)
    expect(await itemRow(item.id)).toMatchObject({ state: 'in_progress', tier: 2 })
    const [notice] = await t.db.select().from(notifications).where(and(eq(notifications.userId, support.id), eq(notifications.kind, 'escalation_answered'), eq(notifications.itemId, item.id)))
    expect(notice!.message).toContain('Which API version does their endpoint expect?')
    // Support can escalate again once they have the answer.
    expect((await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)).status).toBe(303)
  })
})

describe('closing the loop', () => {
  it('fixed: drafts a reply on the thread and every duplicate, sends them in one click, notifies, and the asker confirms or disputes', async () => {
    const main = await newItem('Slack alerts arrive twice since Monday')
    const dupThread = await createThread(t, otherAsker, category, { title: 'Every Slack alert is duplicated', body: 'Each alert shows up twice in our channel, starting this week.' })
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: dupThread.id, duplicateOfId: main.thread.id } })
    await setSubscription({ ctx: t.ctx(watcher), input: { threadId: main.thread.id, on: true } })
    await t.drain()
    await (await t.client().signInAs(support)).post(`/queue/items/${main.item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, main.item.id))
    const answer = await (await t.client().signInAs(onCall)).post(`/escalations/${escalation!.id}/answer`, {
      outcome: 'fixed',
      answer: 'The retry queue re-sent alerts that had already been acknowledged.',
      trackerUrl: 'https://tracker.example.com/issues/4411',
      release: '2.4.1',
    })
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toBe(`/queue/items/${main.item.id}#engineering`)
    expect((await itemRow(main.item.id)).state).toBe('fixed_pending_confirmation')

    const drafts = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, main.item.id))
    expect(drafts.map((draft) => draft.threadId).sort()).toEqual([main.thread.id, dupThread.id].sort())
    expect(drafts[0]!.body).toMatch(/^This is fixed in 2\.4\.1\./)
    // The engineer's tracker link is internal: it is not in what customers would read.
    for (const draft of drafts) expect(draft.body).not.toContain('tracker.example.com')

    // Support reviews (editing one) and sends both with one click.
    const client = await t.client().signInAs(support)
    const itemPage = await html(await client.get(`/queue/items/${main.item.id}`))
    expect(itemPage.querySelector('#loop-form button')?.text).toBe('Send all 2 replies')
    const dupDraft = drafts.find((draft) => draft.threadId === dupThread.id)!
    const mainDraft = drafts.find((draft) => draft.threadId === main.thread.id)!
    const emptied = await client.post(`/queue/items/${main.item.id}/loop`, { draftIds: [String(mainDraft.id), String(dupDraft.id)], [`body-${mainDraft.id}`]: mainDraft.body, [`body-${dupDraft.id}`]: '' })
    expect(emptied.status).toBe(422)
    expect((await html(emptied)).querySelector(`#loop-body-${dupDraft.id}-error`)?.text).toMatch(/at least 10 characters/)
    expect(await t.db.select().from(replies).where(eq(replies.threadId, dupThread.id))).toHaveLength(0)
    const edited = `${dupDraft.body}\n\nThanks for your patience, Dee!`
    const sent = await client.post(`/queue/items/${main.item.id}/loop`, { draftIds: [String(mainDraft.id), String(dupDraft.id)], [`body-${mainDraft.id}`]: mainDraft.body, [`body-${dupDraft.id}`]: edited })
    expect(sent.status).toBe(303)
    const [dupReply] = await t.db.select().from(replies).where(eq(replies.threadId, dupThread.id))
    expect(dupReply!.bodyMarkdown).toContain('Thanks for your patience, Dee!')
    expect(dupReply!.authorId).toBe(support.id)
    expect((await itemRow(main.item.id)).fixedAt?.getTime()).toBe(t.clock.now().getTime())
    expect(await eventsOf(main.item.id)).toEqual(expect.arrayContaining(['escalated', 'escalation_answered', 'loop_closed']))
    // Sending twice is refused: nothing is posted twice.
    expect((await client.post(`/queue/items/${main.item.id}/loop`, { draftIds: [String(mainDraft.id)] })).status).toBe(409)

    // Askers and subscribers hear about it, on a page customers can reach.
    for (const person of [asker, otherAsker, watcher]) {
      const page = await html(await (await t.client().signInAs(person)).get('/notifications'))
      expect(page.querySelector('.notification-list li.unread')?.text, person.displayName).toMatch(/Fixed in 2\.4\.1/)
    }
    expect(await t.db.select().from(notifications).where(eq(notifications.userId, stranger.id))).toHaveLength(0)

    // The asker says it solved it: the reply becomes the accepted solution and the item resolves.
    const askerClient = await t.client().signInAs(asker)
    const threadPage = await html(await askerClient.get(`/t/${main.thread.id}/${main.thread.slug}`))
    expect(threadPage.querySelector('#fix-confirmation')?.text).toMatch(/Did it solve it for you\?/)
    // Someone else cannot answer for the asker.
    expect((await (await t.client().signInAs(otherAsker)).post(`/fixes/${mainDraft.id}`, { solved: '1' })).status).toBe(403)
    const solved = await askerClient.post(`/fixes/${mainDraft.id}`, { solved: '1' })
    expect(solved.status).toBe(303)
    const [mainThread] = await t.db.select().from(threads).where(eq(threads.id, main.thread.id))
    const [mainReply] = await t.db.select().from(replies).where(eq(replies.threadId, main.thread.id))
    expect(mainThread!.acceptedReplyId).toBe(mainReply!.id)
    expect((await itemRow(main.item.id)).state).toBe('resolved')
    expect((await html(await askerClient.get(`/t/${main.thread.id}/${main.thread.slug}`))).querySelector('#fix-confirmation')).toBeNull()

    // The duplicate's asker says it is still broken: the item reopens and the engineer hears.
    const broken = await (await t.client().signInAs(otherAsker)).post(`/fixes/${dupDraft.id}`, { solved: '0' })
    expect(broken.status).toBe(303)
    expect((await itemRow(main.item.id)).state).toBe('in_progress')
    expect(await eventsOf(main.item.id)).toEqual(expect.arrayContaining(['fix_confirmed', 'fix_disputed']))
    const [told] = await t.db.select().from(notifications).where(and(eq(notifications.userId, onCall.id), eq(notifications.kind, 'fix_disputed')))
    expect(told!.message).toMatch(/still broken/)
  })

  it('won’t fix: support relays the explanation and the item ends as heard, won’t fix now (resolved); a tracker link sends it to the backlog', async () => {
    const { item, thread } = await newItem('Please support IE11 for the dashboard')
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    const explanation = 'We no longer support Internet Explorer: it stopped receiving security updates, and keeping it working would slow down every other fix.'
    await (await t.client().signInAs(onCall)).post(`/escalations/${escalation!.id}/answer`, { outcome: 'wont_fix', answer: explanation, trackerUrl: 'https://tracker.example.com/issues/77' })
    expect(await itemRow(item.id)).toMatchObject({ state: 'in_progress', backlogUrl: 'https://tracker.example.com/issues/77' })
    expect(await eventsOf(item.id)).toContain('sent_to_backlog')
    const [draft] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    expect(draft!.body).toContain(explanation)
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/loop`, { draftIds: [String(draft!.id)] })
    const after = await itemRow(item.id)
    expect(after.state).toBe('wont_fix')
    expect(after.resolvedAt).not.toBeNull()
    const [reply] = await t.db.select().from(replies).where(eq(replies.threadId, thread.id))
    expect(reply!.bodyMarkdown).toContain(explanation)
    const itemPage = await html(await (await t.client().signInAs(support)).get(`/queue/items/${item.id}`))
    expect(itemPage.querySelector('.chips .state')?.text).toBe('Heard – won’t fix now')
  })

  it('duplicate: closes the item into the other, whose fix then reaches this item’s thread too', async () => {
    const kept = await newItem('Calendar sync skips recurring events')
    const dup = await newItem('Recurring meetings missing after calendar sync', otherAsker)
    const client = await t.client().signInAs(support)
    await client.post(`/queue/items/${dup.item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, dup.item.id))
    const engineer = await t.client().signInAs(onCall)
    const self = await engineer.post(`/escalations/${escalation!.id}/answer`, { outcome: 'duplicate', duplicateOfItemId: String(dup.item.id) })
    expect((await html(self)).querySelector(`#answer-${escalation!.id}-duplicateOfItemId-error`)?.text).toMatch(/cannot be a duplicate of itself/)
    const missing = await engineer.post(`/escalations/${escalation!.id}/answer`, { outcome: 'duplicate', duplicateOfItemId: '999999' })
    expect((await html(missing)).querySelector(`#answer-${escalation!.id}-duplicateOfItemId-error`)?.text).toMatch(/There is no item #999999/)
    await engineer.post(`/escalations/${escalation!.id}/answer`, { outcome: 'duplicate', duplicateOfItemId: String(kept.item.id) })
    expect(await itemRow(dup.item.id)).toMatchObject({ state: 'resolved', mergedIntoItemId: kept.item.id })
    expect((await itemRow(kept.item.id)).affectedCustomers).toBe(2)

    await client.post(`/queue/items/${kept.item.id}/escalate`, REPRODUCTION)
    const [keptEscalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, kept.item.id))
    await engineer.post(`/escalations/${keptEscalation!.id}/answer`, { outcome: 'fixed', release: '2.5.0' })
    const drafts = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, kept.item.id))
    expect(drafts.map((draft) => draft.threadId).sort()).toEqual([kept.thread.id, dup.thread.id].sort())
  })

  it('resolves a fix nobody confirmed after the rotation’s wait, saying so', async () => {
    const { item } = await newItem('Mobile app logs out after an hour')
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    await (await t.client().signInAs(onCall)).post(`/escalations/${escalation!.id}/answer`, { outcome: 'fixed', release: '3.1.2' })
    // Not sent yet: the customers do not know, so the clock does not run out on them.
    t.clock.advance(8 * DAY)
    await t.escalationTick()
    expect((await itemRow(item.id)).state).toBe('fixed_pending_confirmation')
    const [draft] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/loop`, { draftIds: [String(draft!.id)] })
    t.clock.advance(6 * DAY)
    await t.escalationTick()
    expect((await itemRow(item.id)).state).toBe('fixed_pending_confirmation')
    t.clock.advance(1 * DAY + 60_000)
    await t.escalationTick()
    expect((await itemRow(item.id)).state).toBe('resolved')
    expect(await eventsOf(item.id)).toContain('auto_resolved')
    const page = await html(await (await t.client().signInAs(support)).get(`/queue/items/${item.id}`))
    expect(page.querySelector('.timeline')?.text).toMatch(/Resolved automatically: no answer 7 days after the fix/)
  })
})

describe('past the response target', () => {
  it('flags the breach once, calls in the next person on the rotation, and lets them answer', async () => {
    const { item } = await newItem('Dashboard charts are empty for EU accounts')
    await (await t.client().signInAs(support)).post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    const [escalation] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    const engineer = escalation!.engineerId === ada.id ? ada : bob
    const other = engineer === ada ? bob : ada
    t.clock.set(new Date(escalation!.responseDueAt.getTime() + 60_000))
    expect((await t.escalationTick()).escalationBreaches).toBeGreaterThanOrEqual(1)
    expect((await t.escalationTick()).escalationBreaches).toBe(0)
    const [breached] = await t.db.select().from(escalations).where(eq(escalations.id, escalation!.id))
    expect(breached!.breachNotifiedAt).not.toBeNull()
    expect(breached!.backupId).toBe(other.id)
    const called = await t.db.select().from(notifications).where(and(eq(notifications.userId, other.id), eq(notifications.kind, 'escalation_breached'), eq(notifications.itemId, item.id)))
    expect(called[0]!.message).toMatch(/You are called in/)
    const leadNotice = await t.db.select().from(notifications).where(and(eq(notifications.userId, lead.id), eq(notifications.kind, 'escalation_breached'), eq(notifications.itemId, item.id)))
    expect(leadNotice).toHaveLength(1)
    const page = await html(await (await t.client().signInAs(support)).get(`/queue/items/${item.id}`))
    expect(page.querySelector(`#escalation-${escalation!.id} .escalation-status`)?.text).toMatch(/response target missed/)
    expect(page.querySelector('.timeline')?.text).toMatch(new RegExp(`${other.displayName} was called in`))
    const inbox = await html(await (await t.client().signInAs(other)).get('/escalations/mine'))
    expect(inbox.text).toContain('Dashboard charts are empty for EU accounts')
    const answered = await (await t.client().signInAs(other)).post(`/escalations/${escalation!.id}/answer`, { outcome: 'workaround', answer: 'Switch the dashboard region to “EU (legacy)” until the fix ships.' })
    expect(answered.status).toBe(303)
    expect((await t.db.select().from(escalations).where(eq(escalations.id, escalation!.id)))[0]).toMatchObject({ outcome: 'workaround', answeredById: other.id })
  })
})

describe('handoffs, the daily sync and the load view', () => {
  it('drafts a handoff at the end of a shift, which the engineer completes and publishes for the next one', async () => {
    const now = t.clock.now()
    const running = await whoIsOnRotation(t.db, 'platform', now)
    const outgoing = running!.userId === ada.id ? ada : bob
    const incoming = outgoing === ada ? bob : ada
    t.clock.set(new Date(running!.until!.getTime() + 5 * 60_000))
    await t.escalationTick()
    const drafts = await t.db.select().from(handoffs).where(eq(handoffs.engineerId, outgoing.id))
    const draft = drafts.find((handoff) => handoff.periodEnd.getTime() === running!.until!.getTime())!
    expect(draft).toBeTruthy()
    expect(draft.publishedAt).toBeNull()
    expect((await t.escalationTick()).handoffsDrafted).toBe(0)

    const client = await t.client().signInAs(outgoing)
    const page = await html(await client.get(`/handoffs/${draft.id}`))
    expect(page.querySelector('.handoff-summary')?.text).toMatch(/escalations received/)
    // Only the engineer (or the lead, or an admin) writes it.
    expect((await (await t.client().signInAs(support)).post(`/handoffs/${draft.id}`, { priorities: 'Fix the webhook retries for good.', publish: '1' })).status).toBe(403)
    const tooShort = await client.post(`/handoffs/${draft.id}`, { priorities: 'Hm', publish: '1' })
    expect(tooShort.status).toBe(422)
    expect((await html(tooShort)).querySelector('#handoff-priorities-error')?.text).toMatch(/at least 10/)
    const published = await client.post(`/handoffs/${draft.id}`, { priorities: 'Webhook retries keep coming back: fix the retry queue for good.', publish: '1' })
    expect(published.status).toBe(303)
    const inbox = await html(await (await t.client().signInAs(incoming)).get('/escalations/mine'))
    expect(inbox.querySelector('.handoff')?.text).toContain('Webhook retries keep coming back')
    const list = await html(await client.get('/handoffs?team=platform'))
    expect(list.querySelector('.handoff .plain-text')?.text).toContain('Webhook retries keep coming back')
    expect((await client.post(`/handoffs/${draft.id}`, { priorities: 'Changed my mind about all of it.', publish: '1' })).status).toBe(409)
  })

  it('the daily sync lists what was escalated, answered and breached since the last sync, and starts afresh once held', async () => {
    const client = await t.client().signInAs(support)
    const { item } = await newItem('Search results show archived projects')
    await client.post(`/queue/items/${item.id}/escalate`, REPRODUCTION)
    t.clock.advance(60_000)
    const sync = await html(await client.get('/sync?team=platform'))
    expect(sync.text).toContain('Search results show archived projects')
    expect((await client.post('/sync', { teamSlug: 'platform' })).status).toBe(303)
    t.clock.advance(60_000)
    const after = await html(await client.get('/sync?team=platform'))
    expect(after.querySelector('h2')?.text).toBe('Escalated (0)')
    expect(after.text).toContain('Since the last sync')
    expect((await client.post('/sync', { teamSlug: 'no-such-team' })).status).toBe(422)
  })

  it('the fairness view counts escalations, answers in time and out-of-hours per shift and per person', async () => {
    const page = await html(await (await t.client().signInAs(lead)).get('/fairness?team=platform'))
    const rows = page.querySelectorAll('.fairness-people tbody tr')
    expect(rows.length).toBe(2)
    const received = rows.map((row) => Number(row.querySelectorAll('td')[2]!.text))
    const total = (await t.db.select().from(escalations)).filter((escalation) => escalation.rotationId !== null).length
    expect(received.reduce((a, b) => a + b, 0)).toBe(total)
  })
})

describe('who may see engineering pages', () => {
  it('refuses members and anonymous visitors everywhere', async () => {
    for (const path of ['/escalations/mine', '/handoffs', '/sync', '/fairness']) {
      expect((await t.client().get(path)).status, path).toBe(302)
      const response = await (await t.client().signInAs(asker)).get(path)
      expect(response.status, path).toBe(403)
      expect((await response.text()).includes(REPRODUCTION.logs), path).toBe(false)
    }
  })
})

describe('the inbox in pages', () => {
  it('shows 20 escalations a page, oldest first, pages through all of them once, and re-shows a refused answer on its own page', async () => {
    const client = await t.client().signInAs(support)
    // Escalations go to whoever is on the rotation now (earlier tests moved the clock).
    const escalate = async (n: number) => {
      const { item } = await newItem(`Paging check ${n}: exports stall at 99 percent`)
      expect((await client.post(`/queue/items/${item.id}/escalate`, REPRODUCTION)).status).toBe(303)
      const [row] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
      return row!.engineerId!
    }
    const engineerId = await escalate(0)
    const openOf = async () =>
      (await t.db.select({ id: escalations.id, answeredAt: escalations.answeredAt, engineerId: escalations.engineerId }).from(escalations)).filter(
        (row) => row.answeredAt === null && row.engineerId === engineerId,
      )
    for (let n = 1; (await openOf()).length < 23; n++) expect(await escalate(n)).toBe(engineerId)
    const open = await openOf()
    const engineer = await t.client().signInAs(engineerId === ada.id ? ada : bob)
    const first = await html(await engineer.get('/escalations/mine'))
    const cardIds = (page: Awaited<ReturnType<typeof html>>) => page.querySelectorAll('article.inbox-escalation').map((card) => Number(card.id.replace('escalation-', '')))
    expect(cardIds(first)).toHaveLength(20)
    const next = first.querySelector('.pagination a[rel="next"]')!
    const second = await html(await engineer.get(next.getAttribute('href')!))
    const seen = [...cardIds(first), ...cardIds(second)]
    expect(second.querySelector('.pagination a[rel="next"]')).toBeNull()
    expect(second.querySelector('.pagination a')?.text).toMatch(/page 1/)
    // Every escalation once, oldest first across the pages; the heading counts them all (those
    // sent to this engineer, and any they were called in on or are on rotation for).
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(expect.arrayContaining(open.map((row) => row.id)))
    expect(first.text).toContain(`${seen.length} waiting, oldest first`)
    expect(second.text).toContain(`${seen.length} waiting, oldest first`)

    // An answer on page 2 refused for a missing release comes back on the page that starts at it.
    const onPageTwo = cardIds(second)[0]!
    const refused = await engineer.post(`/escalations/${onPageTwo}/answer`, { outcome: 'fixed', answer: 'Exports now stream in chunks.' })
    expect(refused.status).toBe(422)
    const again = await html(refused)
    expect(cardIds(again)[0]).toBe(onPageTwo)
    expect(again.querySelector(`#answer-${onPageTwo}`)?.text).toContain('Exports now stream in chunks.')
  })
})
