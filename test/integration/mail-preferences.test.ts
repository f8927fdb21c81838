import { and, eq } from 'drizzle-orm'
import type { ParsedMail } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loopReplies, mailPreferences, notifications, queueItems, type Category, type QueueItem, type User } from '../../src/db/schema'
import { answerEscalation, escalateItem, sendLoopReplies } from '../../src/escalations'
import { mailSettingsOf } from '../../src/mail'
import { runMailDigests } from '../../src/mail-preferences'
import { loadEnv } from '../../src/env'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createReply, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// What a person chose decides what reaches their inbox (immediately, in a digest, never), mails
// carry one-click unsubscribe (RFC 8058) unless they are essential, and the fix mail's links act
// for the asker without a sign-in: a GET never changes anything, a POST acts once.

const DAY = 24 * 3_600_000
const ENV = { SMTP_URL: '', MAIL_FROM: 'Test Community <community@forum.example>' }

const REPRODUCTION = {
  customerDid: 'Opened Reports and pressed “Export to CSV” for last month’s orders.',
  whatHappened: 'The export fails with NullPointerException at ExportJob.run, every time.',
  expected: 'A CSV file with every order of the month.',
  logs: '2026-03-02T09:58:11Z export.run ERROR NullPointerException request=7f3a',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time since 2.4.0',
  customersAffected: '2',
}

let sink: SmtpSink
let t: TestApp
let category: Category
let admin: User
let support: User
let engineer: User
let helper: User

beforeAll(async () => {
  sink = await startSmtpSink()
  ENV.SMTP_URL = sink.url
  t = await createTestApp({ env: ENV })
  category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin', email: 'ann@staff.example' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support', email: 'sam@staff.example' })
  engineer = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer', email: 'ada@staff.example' })
  helper = await createUser(t.db, { displayName: 'Hal Helper', email: 'hal@customer.example' })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }], engineer)
  await createRotation(t, admin, 'platform', [engineer])
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

const settings = () => mailSettingsOf(loadEnv({ PUBLIC_URL: 'http://localhost', SITE_NAME: 'Test Community', ...ENV }))

async function deliver(): Promise<void> {
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
}

/** Runs the daily digest job as the clock reaches `at` (mail written then is due then), and delivers. */
async function runDigestsAt(at: string | Date): Promise<{ digests: number; summaries: number }> {
  const before = t.clock.now()
  t.clock.set(at)
  try {
    const sent = await runMailDigests(t.db, settings(), t.clock.now())
    await deliver()
    return sent
  } finally {
    t.clock.set(before)
  }
}

const mailsTo = (address: string): ParsedMail[] => sink.received.filter((_, index) => sink.envelopes[index]?.includes(address))

/** A header as sent, unfolded (mailparser folds List-* headers into one `list` object). */
function header(mail: ParsedMail | undefined, name: string): string | undefined {
  const line = mail?.headerLines.find((candidate) => candidate.key === name.toLowerCase())?.line
  return line?.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim()
}

/** The path of the first link after `label: ` in a mail's text part. */
function linkAfter(mail: ParsedMail | undefined, label: string): string {
  const match = new RegExp(`${label}: http://localhost(/\\S+)`).exec(mail?.text ?? '')
  if (!match) throw new Error(`no "${label}" link in: ${mail?.text ?? '(no mail)'}`)
  return match[1]!
}

let people = 0
async function customer(): Promise<User> {
  people++
  return createUser(t.db, { displayName: `Cus Tomer ${people}`, email: `customer${people}@customer.example` })
}

async function choose(user: User, fields: Record<string, string>): Promise<Response> {
  const client = await t.client().signInAs(user)
  return client.post('/account/notifications', fields)
}

const modeOf = async (user: User, kind: string) =>
  (await t.db.select().from(mailPreferences).where(and(eq(mailPreferences.userId, user.id), eq(mailPreferences.kind, kind))))[0]?.mode

describe('preferences', () => {
  it('the page lists the topics with their defaults; paging is shown as fixed to staff, absent for customers', async () => {
    const asker = await customer()
    const page = await html(await (await t.client().signInAs(asker)).get('/account/notifications'))
    expect(page.querySelector('input[name="mode.reply"][value="immediately"]')?.hasAttribute('checked')).toBe(true)
    expect(page.querySelector('#topic-escalated')).toBeNull()
    const staffPage = await html(await (await t.client().signInAs(engineer)).get('/account/notifications'))
    expect(staffPage.querySelector('#topic-escalated')?.text).toMatch(/Always immediately.*move the shift/s)
    expect(staffPage.querySelector('input[name="mode.escalated"]')).toBeNull()
    expect(staffPage.querySelector('input[name="mode.sla"][value="digest"]')).not.toBeNull()
  })

  it('refuses a mode the topic does not offer with a message by the field, and needs a sign-in', async () => {
    const asker = await customer()
    const refused = await choose(asker, { 'mode.reply': 'sometimes' })
    expect(refused.status).toBe(422)
    expect((await html(refused)).querySelector('#topic-reply-error')?.text).toMatch(/Choose one of the options/)
    const anonymous = await t.client().post('/account/notifications', { 'mode.reply': 'never' })
    expect([302, 303, 401]).toContain(anonymous.status)
    // Paging is not a customer's to set, and an engineer's "never" for it is ignored.
    await choose(engineer, { 'mode.escalated': 'never' })
    expect(await modeOf(engineer, 'escalated')).toBeUndefined()
  })

  it('never: the reply is in the app, and no mail is sent', async () => {
    const asker = await customer()
    expect((await choose(asker, { 'mode.reply': 'never', frequency: 'daily' })).status).toBe(303)
    const thread = await createThread(t, asker, category)
    await createReply(t, helper, thread.id, 'Have you tried the export wizard under Reports?')
    await deliver()
    expect(await t.db.select().from(notifications).where(eq(notifications.userId, asker.id))).toHaveLength(1)
    expect(mailsTo(asker.email)).toHaveLength(0)
  })

  it('immediately: the reply is mailed at once, with one-click unsubscribe and a footer link', async () => {
    const asker = await customer()
    const thread = await createThread(t, asker, category)
    await createReply(t, helper, thread.id, 'The export wizard under Reports does that.')
    await deliver()
    const [mail] = mailsTo(asker.email)
    expect(mail?.subject).toMatch(/^New reply:/)
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    expect(header(mail, 'List-Unsubscribe')).toMatch(/^<http:\/\/localhost\/mail\/unsubscribe\/[a-z2-7]{32}>$/)
    expect(mail!.text).toMatch(/Unsubscribe: http:\/\/localhost\/mail\/unsubscribe\/[a-z2-7]{32}/)
    expect(mail!.text).toContain('Choose which mails you get: http://localhost/account/notifications')
  })

  it('digest: held, then one mail for the day listing the notices, once; the notices are marked digested', async () => {
    const asker = await customer()
    await choose(asker, { 'mode.reply': 'digest', 'mode.accepted': 'digest', frequency: 'daily' })
    const first = await createThread(t, asker, category, { title: 'Where do I find the monthly invoices?' })
    const second = await createThread(t, asker, category, { title: 'Can the report include refunds?' })
    await createReply(t, helper, first.id, 'Billing → Invoices, one per month.')
    await createReply(t, helper, second.id, 'Yes: tick “Include refunds” before exporting.')
    await deliver()
    expect(mailsTo(asker.email)).toHaveLength(0)

    // Today's 06:00 run has passed (the clock says 10:00): the digest goes with tomorrow's.
    await runDigestsAt(t.clock.now())
    expect(mailsTo(asker.email)).toHaveLength(0)

    const tomorrow = new Date('2026-03-03T06:00:00Z')
    const sent = await runDigestsAt(tomorrow)
    expect(sent.digests).toBeGreaterThanOrEqual(1)
    const [digest, ...more] = mailsTo(asker.email)
    expect(more).toHaveLength(0)
    expect(digest!.subject).toBe('Your daily digest from Test Community')
    expect(digest!.text).toContain('Your daily digest: 2 notices')
    expect(digest!.text).toContain('Hal Helper replied to your question “Where do I find the monthly invoices?”')
    expect(digest!.text).toContain(`http://localhost/t/${second.id}/${second.slug}`)
    expect(header(digest, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    const rows = await t.db.select().from(notifications).where(eq(notifications.userId, asker.id))
    expect(rows.every((row) => row.digestedAt !== null)).toBe(true)

    // The same period again (a retry, a second instance), and a later run with nothing new: no mail.
    await runDigestsAt(tomorrow)
    await runDigestsAt(new Date(tomorrow.getTime() + 3 * 3_600_000))
    expect(mailsTo(asker.email)).toHaveLength(1)
  })

  it('weekly digest: waits for Monday', async () => {
    const asker = await customer()
    await choose(asker, { 'mode.reply': 'digest', frequency: 'weekly' })
    const thread = await createThread(t, asker, category)
    await createReply(t, helper, thread.id, 'A weekly answer for a weekly reader.')
    await deliver()
    await runDigestsAt('2026-03-04T06:00:00Z')
    expect(mailsTo(asker.email)).toHaveLength(0)
    await runDigestsAt('2026-03-09T06:00:00Z')
    const [digest, ...more] = mailsTo(asker.email)
    expect(more).toHaveLength(0)
    expect(digest?.subject).toBe('Your weekly digest from Test Community')
    expect(digest!.text).toContain('Your weekly digest: 1 notice')
  })
})

describe('the staff daily summary', () => {
  it('goes to staff with open items or breaches, once a day, unless they turned it off', async () => {
    const asker = await customer()
    const { item } = await bugThread(asker)
    expect(item.assigneeId).toBe(support.id)
    await t.db.update(queueItems).set({ breached: ['first_response'] }).where(eq(queueItems.id, item.id))
    const unanswered = await createThread(t, asker, category, { title: 'Is there an API for the report schedule?' })

    const morning = new Date('2026-03-05T06:00:00Z')
    await runDigestsAt(morning)
    const [summary, ...again] = mailsTo(support.email).filter((mail) => mail.subject?.startsWith('Your daily summary'))
    expect(again).toHaveLength(0)
    expect(summary!.subject).toBe('Your daily summary for 2026-03-05')
    expect(summary!.text).toMatch(/Your open items \(\d+\)/)
    expect(summary!.text).toContain(`#${item.id} `)
    expect(summary!.text).toMatch(/SLA breaches \(\d+\)[\s\S]*missed: first response/)
    expect(summary!.text).toContain(unanswered.slug)
    expect(header(summary, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    // The team's lead hears of the breach too; a customer gets no summary.
    expect(mailsTo(engineer.email).filter((mail) => mail.subject?.startsWith('Your daily summary'))).toHaveLength(1)
    expect(mailsTo(asker.email).filter((mail) => mail.subject?.startsWith('Your daily summary'))).toHaveLength(0)

    await runDigestsAt(new Date(morning.getTime() + 3_600_000))
    expect(mailsTo(support.email).filter((mail) => mail.subject?.startsWith('Your daily summary'))).toHaveLength(1)

    await choose(support, { 'mode.staff_summary': 'never' })
    await runDigestsAt(new Date(morning.getTime() + DAY))
    expect(mailsTo(support.email).filter((mail) => mail.subject?.startsWith('Your daily summary'))).toHaveLength(1)
    expect(mailsTo(engineer.email).filter((mail) => mail.subject?.startsWith('Your daily summary'))).toHaveLength(2)
  })
})

describe('one-click unsubscribe', () => {
  async function replyMailOf(asker: User): Promise<ParsedMail> {
    const thread = await createThread(t, asker, category)
    await createReply(t, helper, thread.id, 'A reply that comes with an unsubscribe link.')
    await deliver()
    const mail = mailsTo(asker.email).at(-1)
    if (!mail) throw new Error('no reply mail')
    return mail
  }

  it('a GET shows a confirm page and changes nothing', async () => {
    const asker = await customer()
    const path = linkAfter(await replyMailOf(asker), 'Unsubscribe')
    const response = await t.client().get(path)
    expect(response.status).toBe(200)
    const page = await html(response)
    expect(page.querySelector(`form[action="${path}"][method="post"] button`)?.text).toBe('Unsubscribe')
    expect(page.querySelector('main')?.text).toContain('Replies on questions you asked or follow')
    expect(await modeOf(asker, 'reply')).toBeUndefined()
  })

  it('the provider’s POST (no sign-in, no cookie, no CSRF token, another origin) unsubscribes from that kind, and answers 200', async () => {
    const asker = await customer()
    const path = linkAfter(await replyMailOf(asker), 'Unsubscribe')
    const response = await t.app.request(path, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.provider.example' },
    })
    expect(response.status).toBe(200)
    expect(await modeOf(asker, 'reply')).toBe('never')
    expect(await modeOf(asker, 'support_reply')).toBeUndefined()
    // Retried by the provider: the same answer.
    expect((await t.app.request(path, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(200)
    const before = mailsTo(asker.email).length
    const thread = await createThread(t, asker, category)
    await createReply(t, helper, thread.id, 'Nobody mails this one.')
    await deliver()
    expect(mailsTo(asker.email)).toHaveLength(before)
  })

  it('a forged token is refused; the exemption from CSRF is that path only', async () => {
    const forged = await t.app.request('/mail/unsubscribe/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(forged.status).toBe(404)
    const asker = await customer()
    const client = await t.client().signInAs(asker)
    expect((await client.post('/account/notifications', { 'mode.reply': 'never' }, { withoutCsrf: true })).status).toBe(403)
    expect(await modeOf(asker, 'reply')).toBeUndefined()
  })

  it('is absent from essential mail: an escalation pages the engineer with no unsubscribe', async () => {
    const asker = await customer()
    const { item } = await bugThread(asker)
    await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await deliver()
    const page = mailsTo(engineer.email).find((mail) => mail.text?.includes('Escalated to you'))
    expect(page).toBeDefined()
    expect(header(page, 'List-Unsubscribe')).toBeUndefined()
    expect(header(page, 'List-Unsubscribe-Post')).toBeUndefined()
    expect(page!.text).toContain('Choose which mails you get: http://localhost/account/notifications')
  })
})

let bugs = 0
async function bugThread(asker: User): Promise<{ thread: { id: number; slug: string }; item: QueueItem }> {
  bugs++
  const thread = await createThread(t, asker, category, {
    title: `Export ${bugs} crashes with NullPointerException since upgrading to 2.4.0`,
    body: `Every CSV export (${bugs}) crashes since upgrading. The log says NullPointerException at ExportJob.run.`,
  })
  await t.drain()
  const [item] = await t.db.select().from(queueItems).where(eq(queueItems.threadId, thread.id))
  if (!item) throw new Error('the bug signal rule opened no item')
  return { thread, item }
}

/** A bug escalated, fixed in 2.4.1 and announced: returns the asker's fix mail. */
async function fixMail(): Promise<{ asker: User; thread: { id: number; slug: string }; item: QueueItem; mail: ParsedMail }> {
  const asker = await customer()
  const { thread, item } = await bugThread(asker)
  const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
  await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'fixed', release: '2.4.1', answer: 'A missing null check in the export job.' } })
  await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, drafts: [] } })
  await deliver()
  const mail = mailsTo(asker.email).find((candidate) => candidate.subject?.startsWith('Fixed in 2.4.1'))
  if (!mail) throw new Error('no fix mail')
  return { asker, thread, item, mail }
}

const stateOf = async (itemId: number) => (await t.db.select({ state: queueItems.state }).from(queueItems).where(eq(queueItems.id, itemId)))[0]?.state

describe('acting from the inbox: the fix mail’s links', () => {
  it('“This solved it”: the GET changes nothing; the POST, signed out, resolves the item and shows the thread; a second POST is refused', async () => {
    const { thread, item, mail } = await fixMail()
    const solved = linkAfter(mail, 'This solved it')
    expect(solved).toMatch(/^\/mail\/fix\/[a-z2-7]{32}$/)
    expect(await stateOf(item.id)).toBe('fixed_pending_confirmation')

    const visitor = t.client()
    const page = await visitor.get(solved)
    expect(page.status).toBe(200)
    expect((await html(page)).querySelector(`form[action="${solved}"] button`)?.text).toBe('Yes, this solved it')
    await visitor.get(solved)
    expect(await stateOf(item.id)).toBe('fixed_pending_confirmation')

    const done = await visitor.post(solved)
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe(`/t/${thread.id}/${thread.slug}#support-status`)
    expect(await stateOf(item.id)).toBe('resolved')
    const [loop] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    expect(loop).toMatchObject({ confirmation: 'solved' })
    expect((await html(await visitor.get(`/t/${thread.id}/${thread.slug}`))).querySelector('.accepted-answer')).not.toBeNull()

    expect((await visitor.post(solved)).status).toBe(409)
    // The other link of the same mail is spent too: the asker answers once.
    const broken = linkAfter(mail, 'Still broken')
    expect((await visitor.get(broken)).status).toBe(410)
    expect((await visitor.post(broken)).status).toBe(409)
    expect(await stateOf(item.id)).toBe('resolved')
  })

  it('“Still broken” reopens the item for support', async () => {
    const { item, mail } = await fixMail()
    const visitor = t.client()
    const broken = linkAfter(mail, 'Still broken')
    await visitor.get(broken)
    expect((await visitor.post(broken)).status).toBe(303)
    expect(await stateOf(item.id)).toBe('in_progress')
    const [loop] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    expect(loop).toMatchObject({ confirmation: 'still_broken' })
  })

  it('an expired link (after 14 days) and a forged one are refused, and act on nothing', async () => {
    const { item, mail } = await fixMail()
    const solved = linkAfter(mail, 'This solved it')
    const visitor = t.client()
    t.clock.advance(15 * DAY)
    try {
      expect((await visitor.get(solved)).status).toBe(410)
      expect((await visitor.post(solved)).status).toBe(409)
    } finally {
      t.clock.advance(-15 * DAY)
    }
    expect(await stateOf(item.id)).toBe('fixed_pending_confirmation')
    expect((await visitor.get('/mail/fix/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404)
    expect((await visitor.post('/mail/fix/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404)
    expect((await visitor.post('/mail/fix/not-a-token')).status).toBe(422)
  })
})
