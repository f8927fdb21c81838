import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { ParsedMail } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalations, handoffs, loopReplies, queueItems, rotationShifts, shiftSwaps, type Category, type QueueItem, type User } from '../../src/db/schema'
import { answerEscalation, confirmFix, draftHandoff, escalateItem, publishHandoff, sendLoopReplies } from '../../src/escalations'
import { setAcceptedReply, setSubscription } from '../../src/forum'
import { addInternalNote, assignItem, convertThread, replyToItem } from '../../src/queue'
import { answerSwap, requestSwap, whoIsOnRotation } from '../../src/rotation'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createReply, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Who hears what, by mail through a real SMTP server: each event reaches exactly the people it
// concerns (the full set of envelope recipients is asserted), threaded, in two parts, and nothing
// internal (notes, escalation details, staff-only item fields) reaches a customer.

const HOUR = 3_600_000
const SECRETS = ['NOTE-SECRET-4471', 'LOGS-SECRET-9902', 'ACCOUNT-SECRET-5150', 'ITEM-TITLE-SECRET-3318', 'ITEM-DESC-SECRET-8064']

const REPRODUCTION = {
  customerDid: 'Opened Settings → Webhooks and pressed “Send test event” for the orders endpoint.',
  whatHappened: 'The delivery log shows HTTP 502 Bad Gateway for every attempt since 2.4.0.',
  expected: 'A 200 from their endpoint, as before the upgrade.',
  logs: 'request id 7f3a-22 LOGS-SECRET-9902\nwebhook.deliver status=502 upstream=proxy-3',
  account: 'Acme Corp (enterprise) ACCOUNT-SECRET-5150',
  frequency: 'Every time, since Friday',
  customersAffected: '3',
}

let sink: SmtpSink
let t: TestApp
let category: Category
let admin: User
let support: User
let ada: User
let bob: User
let lead: User
let asker: User
let watcher: User
let helper: User
let onCall: User
let offCall: User
/** Everyone who could get mail, so that "nobody else" is checked against the whole cast. */
let everyone: User[]

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin', email: 'ann@staff.example' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support', email: 'sam@staff.example' })
  ada = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer', email: 'ada@staff.example' })
  bob = await createUser(t.db, { displayName: 'Bob Engineer', role: 'engineer', email: 'bob@staff.example' })
  lead = await createUser(t.db, { displayName: 'Lee Lead', role: 'engineer', email: 'lee@staff.example' })
  asker = await createUser(t.db, { displayName: 'Mo Customer', email: 'mo@customer.example' })
  watcher = await createUser(t.db, { displayName: 'Wes Watcher', email: 'wes@customer.example' })
  helper = await createUser(t.db, { displayName: 'Hal Helper', email: 'hal@customer.example' })
  await createUser(t.db, { displayName: 'Stan Stranger', email: 'stan@customer.example' })
  everyone = [admin, support, ada, bob, lead, asker, watcher, helper]
  await createTeam(t, 'platform', [{ user: support, onDuty: true }], lead)
  await createRotation(t, admin, 'platform', [ada, bob], { confirmWaitDays: '7' })
  const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
  onCall = on!.userId === ada.id ? ada : bob
  offCall = onCall === ada ? bob : ada
  await drainAll()
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

async function drainAll(): Promise<void> {
  for (let round = 0; round < 8 && (await t.drain()) > 0; round++);
}

interface Received {
  mail: ParsedMail
  to: string[]
}

/** What one step sends: the mails that arrive while it runs and the outbox drains. */
async function mailsOf(step: () => Promise<unknown>): Promise<Received[]> {
  await drainAll()
  const before = sink.received.length
  await step()
  await drainAll()
  return sink.received.slice(before).map((mail, index) => ({ mail, to: sink.envelopes[before + index]! }))
}

const recipients = (mails: Received[]) => [...new Set(mails.flatMap((mail) => mail.to))].sort()
const addresses = (...people: User[]) => [...new Set(people.map((person) => person.email))].sort()
const to = (mails: Received[], person: User) => mails.filter((mail) => mail.to.includes(person.email)).map((entry) => entry.mail)
const partsOf = (mail: ParsedMail) => [mail.subject ?? '', mail.text ?? '', String(mail.html)]

function expectNothingInternal(mail: ParsedMail): void {
  for (const part of partsOf(mail)) for (const secret of SECRETS) expect(part, `${mail.subject}: ${secret}`).not.toContain(secret)
}

function expectTwoPartsThreaded(mail: ParsedMail, threadId: number): void {
  expect(mail.messageId).toMatch(/^<.+@forum\.example>$/)
  expect(mail.inReplyTo).toBe(`<thread-${threadId}@forum.example>`)
  expect(mail.references).toBe(`<thread-${threadId}@forum.example>`)
  expect(mail.text?.length).toBeGreaterThan(20)
  expect(String(mail.html)).toContain('<!doctype html>')
}

/** A customer's thread turned into an item support works, with secrets in its note and staff fields. */
async function workedItem(title: string): Promise<{ item: QueueItem; thread: { id: number; slug: string } }> {
  const thread = await createThread(t, asker, category, { title, body: `${title}. It happens every time, on the web app and on the desktop app alike.` })
  await setSubscription({ ctx: t.ctx(watcher), input: { threadId: thread.id, on: true } })
  const converted = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
  await assignItem({ ctx: t.ctx(support), input: { itemId: converted.id, assigneeId: 'me' } })
  await addInternalNote({ ctx: t.ctx(support), input: { itemId: converted.id, body: 'NOTE-SECRET-4471: customer is on the legacy cluster' } })
  await t.db
    .update(queueItems)
    .set({ title: `${title} ITEM-TITLE-SECRET-3318`, description: 'ITEM-DESC-SECRET-8064' })
    .where(eq(queueItems.id, converted.id))
  await drainAll()
  const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, converted.id))
  return { item: item!, thread }
}

describe('customers hear', () => {
  it('a reply to their thread or one they follow: the asker and the followers, not the author', async () => {
    const thread = await createThread(t, asker, category, { title: 'How do I rotate <API> keys?', body: 'Our security policy wants new keys every 90 days.' })
    await setSubscription({ ctx: t.ctx(watcher), input: { threadId: thread.id, on: true } })
    const mails = await mailsOf(() => createReply(t, helper, thread.id, 'Settings → API → **Rotate**, then update your clients.'))
    expect(recipients(mails)).toEqual(addresses(asker, watcher))
    const [mail] = to(mails, asker)
    expect(mail!.subject).toBe('New reply: How do I rotate <API> keys?')
    expect(mail!.text).toContain('Hal Helper replied to your question')
    expect(String(mail!.html)).toContain('<strong>Rotate</strong>')
    expectTwoPartsThreaded(mail!, thread.id)
    expect(to(mails, watcher)[0]!.text).toContain('Hal Helper replied to “How do I rotate <API> keys?”')
  })

  it('their question’s accepted answer: the asker, followers and the answerer, not whoever accepted it', async () => {
    const thread = await createThread(t, asker, category, { title: 'Can exports include archived orders?', body: 'Archived orders are missing from my CSV export.' })
    await setSubscription({ ctx: t.ctx(watcher), input: { threadId: thread.id, on: true } })
    const reply = await createReply(t, helper, thread.id, 'Tick “Include archived” in the export dialog.')
    const mails = await mailsOf(() => setAcceptedReply({ ctx: t.ctx(asker), input: { replyId: reply.id, on: true } }))
    expect(recipients(mails)).toEqual(addresses(watcher, helper))
    expect(to(mails, helper)[0]!.subject).toBe('Solved: Can exports include archived orders?')
    expect(to(mails, helper)[0]!.text).toContain('Your answer to “Can exports include archived orders?” was accepted')
  })

  it('support’s reply, and support’s question when the item then waits on them, with nothing internal', async () => {
    const { item, thread } = await workedItem('Invoices show the wrong VAT rate')
    const replied = await mailsOf(() => replyToItem({ ctx: t.ctx(support), input: { itemId: item.id, body: 'We are looking into the VAT rates now.' } }))
    expect(recipients(replied)).toEqual(addresses(asker, watcher))
    expect(to(replied, asker)[0]!.subject).toBe('Support replied: Invoices show the wrong VAT rate')

    const asked = await mailsOf(() =>
      replyToItem({ ctx: t.ctx(support), input: { itemId: item.id, body: 'Which country is your company registered in?', then: 'waiting_on_customer' } }),
    )
    expect(recipients(asked)).toEqual(addresses(asker, watcher))
    const [question] = to(asked, asker)
    expect(question!.subject).toBe('Support needs more information: Invoices show the wrong VAT rate')
    expect(question!.text).toContain('Support needs more information from you')
    expect(question!.text).toContain('Which country is your company registered in?')
    expect(question!.text).toContain(`http://localhost/t/${thread.id}/`)
    // A follower reads it as a reply: the question is the asker's to answer.
    expect(to(asked, watcher)[0]!.subject).toBe('Support replied: Invoices show the wrong VAT rate')
    for (const { mail } of [...replied, ...asked]) expectNothingInternal(mail)
  })
})

describe('support hears', () => {
  it('an item assigned to them, as “[#item] title” with a link to the item', async () => {
    const thread = await createThread(t, asker, category, { title: 'Two-factor codes arrive late', body: 'The SMS codes take five minutes to arrive.' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'normal', note: '' } })
    // Routing may have given it to support already: start from nobody.
    await assignItem({ ctx: t.ctx(admin), input: { itemId: item.id, assigneeId: '' } })
    await drainAll()
    const mails = await mailsOf(() => assignItem({ ctx: t.ctx(admin), input: { itemId: item.id, assigneeId: String(support.id) } }))
    expect(recipients(mails)).toEqual(addresses(support))
    expect(mails[0]!.mail.subject).toBe(`[#${item.id}] Two-factor codes arrive late`)
    expect(mails[0]!.mail.text).toContain(`http://localhost/queue/items/${item.id}`)
    expect(mails[0]!.mail.text).toContain('Ann Admin assigned')
  })

  it('a customer’s reply on their item: the assignee, with the reply, and the followers; never the asker who wrote it', async () => {
    const { item, thread } = await workedItem('Exports time out after 30 seconds')
    const mails = await mailsOf(() => createReply(t, asker, thread.id, 'It also happens with the smaller date range, sadly.'))
    expect(recipients(mails)).toEqual(addresses(support, watcher))
    const [staff] = to(mails, support)
    expect(staff!.subject).toBe(`[#${item.id}] Exports time out after 30 seconds ITEM-TITLE-SECRET-3318`)
    expect(staff!.text).toContain('Mo Customer replied on')
    expect(staff!.text).toContain('It also happens with the smaller date range')
    expect(staff!.text).toContain(`http://localhost/queue/items/${item.id}`)
    expectNothingInternal(to(mails, watcher)[0]!)
    // Delivered again (at least once), nobody hears twice.
    const again = await mailsOf(async () => {
      await t.db.execute(sql`update outbox set due_at = ${t.clock.now().toISOString()}::timestamptz, parked_at = null where topic = 'notify.thread_event'`)
    })
    expect(again).toHaveLength(0)
  })
})

describe('engineers hear, and the loop closes by mail', () => {
  let escalated: { item: QueueItem; thread: { id: number; slug: string } }

  it('an escalation pages the engineer on rotation with the reproduction and the response target, and nobody else', async () => {
    escalated = await workedItem('Webhook test events fail with 502')
    const mails = await mailsOf(() => escalateItem({ ctx: t.ctx(support), input: { itemId: escalated.item.id, ...REPRODUCTION } }))
    expect(recipients(mails)).toEqual(addresses(onCall))
    const { mail } = mails[0]!
    expect(mail.subject).toBe(`[#${escalated.item.id}] Webhook test events fail with 502 ITEM-TITLE-SECRET-3318`)
    expect(mail.text).toContain('Escalated to you')
    for (const value of Object.values(REPRODUCTION)) for (const line of value.split('\n')) expect(mail.text).toContain(line)
    expect(mail.text).toMatch(/Respond by:\n {2}Mon 2 Mar, 19:00 \(Europe\/Berlin\) \(within 8 hours/)
    expect(String(mail.html)).toContain('What the customer did</dt>')
    expect(String(mail.html)).toContain('LOGS-SECRET-9902\nwebhook.deliver')
    expect(mail.text).toContain(`http://localhost/queue/items/${escalated.item.id}`)
  })

  it('the fix: every asker and follower, once; the asker is asked “This solved it” or “Still broken”, with the release', async () => {
    await answerEscalation({
      ctx: t.ctx(onCall),
      input: { escalationId: (await escalationOf(escalated.item.id)).id, outcome: 'fixed', answer: 'The proxy dropped chunked bodies.', trackerUrl: 'https://tracker.example.com/issues/4411', release: '2.4.1' },
    })
    await drainAll()
    const mails = await mailsOf(() => sendLoopReplies({ ctx: t.ctx(support), input: { itemId: escalated.item.id } }))
    expect(recipients(mails)).toEqual(addresses(asker, watcher))
    const [fixed] = to(mails, asker)
    expect(fixed!.subject).toBe('Fixed in 2.4.1: Webhook test events fail with 502')
    expect(fixed!.text).toContain('The fix ships in release 2.4.1.')
    expect(fixed!.text).toMatch(/This solved it: http:\/\/localhost\/\S+/)
    expect(fixed!.text).toMatch(/Still broken: http:\/\/localhost\/\S+/)
    expect(String(fixed!.html)).toContain('>This solved it</a>')
    expectTwoPartsThreaded(fixed!, escalated.thread.id)
    const [followed] = to(mails, watcher)
    expect(followed!.subject).toBe('Fixed in 2.4.1: Webhook test events fail with 502')
    // Only the asker confirms: a follower gets the reply, not the buttons.
    expect(followed!.text).not.toMatch(/This solved it: http/)
    expect(String(followed!.html)).not.toContain('>This solved it</a>')
    for (const { mail } of mails) {
      expectNothingInternal(mail)
      expect(partsOf(mail).join(' ')).not.toContain('tracker.example.com')
    }
  })

  it('“still broken”: the assignee and the engineer', async () => {
    const [loop] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, escalated.item.id))
    const mails = await mailsOf(() => confirmFix({ ctx: t.ctx(asker), input: { loopReplyId: loop!.id, solved: '0' } }))
    expect(recipients(mails)).toEqual(addresses(support, onCall))
    expect(to(mails, onCall)[0]!.text).toContain('still broken after the fix')
  })

  it('a won’t-fix explanation: the asker and followers, as the team’s answer', async () => {
    const { item } = await workedItem('Please support IE11 for the dashboard')
    await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    const explanation = 'We no longer support Internet Explorer: it stopped receiving security updates, and keeping it working would slow down every other fix.'
    await answerEscalation({ ctx: t.ctx(onCall), input: { escalationId: (await escalationOf(item.id)).id, outcome: 'wont_fix', answer: explanation } })
    await drainAll()
    const mails = await mailsOf(() => sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id } }))
    expect(recipients(mails)).toEqual(addresses(asker, watcher))
    const [answer] = to(mails, asker)
    expect(answer!.subject).toBe('Our answer: Please support IE11 for the dashboard')
    expect(answer!.text).toContain('We no longer support Internet Explorer')
    for (const { mail } of mails) expectNothingInternal(mail)
  })

  it('a swap request reaches the other engineer; the answer reaches the one who asked', async () => {
    const ahead = await t.db
      .select()
      .from(rotationShifts)
      .where(gt(rotationShifts.startsAt, t.clock.now()))
      .orderBy(asc(rotationShifts.startsAt))
      .limit(4)
    // Two shifts after the next one, so the next engineer stays who they are.
    const mine = ahead.slice(1).find((shift) => shift.userId === onCall.id)!
    const theirs = ahead.slice(1).find((shift) => shift.userId === offCall.id)!
    const asked = await mailsOf(() => requestSwap({ ctx: t.ctx(onCall), input: { shiftId: mine.id, otherShiftId: theirs.id } }))
    expect(recipients(asked)).toEqual(addresses(offCall))
    expect(asked[0]!.mail.text).toContain(`${onCall.displayName} asks to swap Platform rotation shifts`)
    expect(asked[0]!.mail.text).toContain('http://localhost/rotations')
    const [swap] = await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.shiftId, mine.id))
    const answered = await mailsOf(() => answerSwap({ ctx: t.ctx(offCall), input: { swapId: swap!.id, accept: '1' } }))
    expect(recipients(answered)).toEqual(addresses(onCall))
    expect(answered[0]!.mail.text).toContain(`${offCall.displayName} accepted your Platform rotation swap`)
  })

  it('a published handoff reaches the engineer of the next shift (and the lead)', async () => {
    await draftHandoff({ ctx: t.ctx(onCall), input: { teamSlug: 'platform' } })
    const [handoff] = await t.db.select().from(handoffs).where(eq(handoffs.engineerId, onCall.id))
    const mails = await mailsOf(() =>
      publishHandoff({ ctx: t.ctx(onCall), input: { handoffId: handoff!.id, priorities: 'Watch the webhook proxy after 2.4.1.', publish: '1' } }),
    )
    expect(recipients(mails)).toEqual(addresses(offCall, lead))
    expect(to(mails, offCall)[0]!.text).toContain(`${onCall.displayName} published the Platform rotation handoff`)
    expect(to(mails, offCall)[0]!.text).toContain('http://localhost/handoffs')
  })
})

describe('as time passes', () => {
  it('an escalation past its target: the next person is called in, the engineer and the lead are told', async () => {
    const { item } = await workedItem('Dashboards load blank for EU accounts')
    await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await drainAll()
    t.clock.advance(9 * HOUR)
    const mails = await mailsOf(() => t.escalationTick())
    const breach = mails.filter(({ mail }) => mail.subject === `[#${item.id}] Dashboards load blank for EU accounts ITEM-TITLE-SECRET-3318`)
    const [row] = await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))
    const backup = everyone.find((person) => person.id === row!.backupId)!
    expect(recipients(breach)).toEqual(addresses(backup, onCall, lead))
    expect(to(breach, backup)[0]!.text).toContain('You are called in')
    expect(to(breach, backup)[0]!.text).toContain('What the customer did')
    // Nothing about it reaches a customer.
    expect(recipients(mails).filter((address) => address.endsWith('@customer.example'))).toEqual([])
  })

  it('SLA warnings go to the assignee, breaches to the assignee and the lead', async () => {
    const { item } = await workedItem('Password reset mails never arrive')
    const warned = await mailsOf(async () => {
      const [fresh] = await t.db.select().from(queueItems).where(eq(queueItems.id, item.id))
      t.clock.set(new Date(fresh!.firstResponseWarnAt!.getTime() + 60_000))
      await t.tick()
    })
    const ofItem = (mails: Received[]) => mails.filter(({ mail }) => mail.subject?.startsWith(`[#${item.id}] `))
    expect(recipients(ofItem(warned))).toEqual(addresses(support))
    const breached = await mailsOf(async () => {
      const [fresh] = await t.db.select().from(queueItems).where(eq(queueItems.id, item.id))
      t.clock.set(new Date(fresh!.firstResponseDueAt!.getTime() + 60_000))
      await t.tick()
    })
    expect(recipients(ofItem(breached))).toEqual(addresses(support, lead))
    expect(ofItem(breached).some(({ mail }) => /was missed/.test(mail.text ?? ''))).toBe(true)
  })

  it('a shift starting within a day: its engineer, once, however often the tick runs', async () => {
    const [next] = await t.db
      .select()
      .from(rotationShifts)
      .where(and(gt(rotationShifts.startsAt, t.clock.now())))
      .orderBy(asc(rotationShifts.startsAt))
      .limit(1)
    const engineer = everyone.find((person) => person.id === next!.userId)!
    const mails = await mailsOf(async () => {
      t.clock.set(new Date(next!.startsAt.getTime() - 2 * HOUR))
      await t.rotationTick()
      await t.rotationTick()
    })
    const starting = mails.filter(({ mail }) => /shift starts within a day/.test(mail.text ?? ''))
    expect(recipients(starting)).toEqual(addresses(engineer))
    expect(starting).toHaveLength(1)
    expect(starting[0]!.mail.subject).toContain('Your Platform rotation shift starts within a day')
    expect(starting[0]!.mail.text).toContain('(Europe/Berlin)')
    const again = await mailsOf(async () => {
      t.clock.advance(10 * 60_000)
      await t.rotationTick()
    })
    expect(again.filter(({ mail }) => /shift starts within a day/.test(mail.text ?? ''))).toHaveLength(0)
  })
})

async function escalationOf(itemId: number) {
  const [row] = await t.db.select().from(escalations).where(eq(escalations.itemId, itemId)).orderBy(asc(escalations.id))
  return row!
}
