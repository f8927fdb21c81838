import { and, desc, eq } from 'drizzle-orm'
import type { ParsedMail } from 'mailparser'
import nodemailer from 'nodemailer'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inboundMails, internalNotes, replies, users, type Category, type User } from '../../src/db/schema'
import { startInboundSmtp, type InboundSmtp } from '../../src/inbound'
import { issueReplyAddress, mailSettingsOf } from '../../src/mail'
import { assignItem, convertThread } from '../../src/queue'
import { loadEnv } from '../../src/env'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createReply, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Reply by mail, end to end: a notification's Reply-To carries a token for its person and
// thread; a reply to it, by the SMTP listener or the webhook, becomes a post as that person with
// the quoted mail and signature left out. Everything else is recorded and never posted.

const SECRET = 'inbound-secret-0123456789abcdef'
const ENV = { MAIL_FROM: 'Test Community <community@forum.example>', INBOUND_MAIL_SECRET: SECRET }

let sink: SmtpSink
let t: TestApp
let inbound: InboundSmtp
let category: Category
let asker: User
let helper: User
let support: User
let admin: User
let sequence = 0

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { ...ENV, SMTP_URL: sink.url } })
  inbound = await startInboundSmtp({ port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }), ctx: () => ({ ...t.ctx(null), requestId: 'inbound' }) })
  category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  asker = await createUser(t.db, { displayName: 'Mo Customer', email: 'mo@customer.example' })
  helper = await createUser(t.db, { displayName: 'Hal Helper', email: 'hal@helper.example' })
  support = await createUser(t.db, { displayName: 'Sam Support', email: 'sam@support.example', role: 'support' })
  admin = await createUser(t.db, { displayName: 'Ada Admin', email: 'ada@admin.example', role: 'admin' })
})
afterAll(async () => {
  await inbound?.close()
  await t?.close()
  await sink?.close()
})

async function drainAll(): Promise<void> {
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
}

/** The latest mail the sink received for `address`, after the outbox delivered everything due. */
async function latestMailTo(address: string): Promise<ParsedMail> {
  await drainAll()
  const index = sink.envelopes.findLastIndex((envelope) => envelope.includes(address))
  expect(index, `a mail to ${address}`).toBeGreaterThanOrEqual(0)
  return sink.received[index]!
}

const replyToOf = (mail: ParsedMail) => mail.replyTo?.value[0]?.address ?? ''

function rawMail(options: { from: string; to: string; subject?: string; body: string; headers?: Record<string, string>; messageId?: string }): string {
  const headers = {
    From: options.from,
    To: options.to,
    Subject: options.subject ?? 'Re: your question',
    'Message-ID': options.messageId ?? `<inbound-${++sequence}@mail.customer.example>`,
    Date: 'Mon, 02 Mar 2026 10:05:00 +0000',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
    ...options.headers,
  }
  return `${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n')}\r\n\r\n${options.body.replace(/\n/g, '\r\n')}\r\n`
}

async function postInbound(raw: string, authorization: string | null = `Bearer ${SECRET}`, app = t): Promise<Response> {
  return app.app.request('/api/v1/inbound-mail', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', ...(authorization ? { authorization } : {}) },
    body: raw,
  })
}

async function inboundRow(id: number) {
  const [row] = await t.db.select().from(inboundMails).where(eq(inboundMails.id, id))
  return row!
}

const repliesOf = (threadId: number) => t.db.select().from(replies).where(eq(replies.threadId, threadId)).orderBy(replies.id)

describe('reply by mail', () => {
  it('through the SMTP listener: the Reply-To of a notification posts as its person, without the quote and signature', async () => {
    const thread = await createThread(t, asker, category, { title: 'How do I export all orders?', body: 'I need every order of last year in one file.' })
    await createReply(t, helper, thread.id, 'Use Reports → Export, then pick All time.')
    const notification = await latestMailTo('mo@customer.example')
    const address = replyToOf(notification)
    expect(address).toMatch(/^reply\+[a-z2-7]{32}@forum\.example$/)
    expect(notification.text).toContain('Reply to this mail to answer on the thread')

    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true })
    const sent = await transport.sendMail({
      from: 'Mo Customer <mo@customer.example>',
      to: address,
      subject: `Re: ${notification.subject}`,
      inReplyTo: notification.messageId,
      text: [
        'That worked, *thanks*! One more question: can it include refunds?',
        '',
        'Sent from my iPhone',
        '',
        `On Mon, Mar 2, 2026 at 10:00 AM Test Community <community@forum.example> wrote:`,
        '> Use Reports → Export, then pick All time.',
      ].join('\n'),
    })
    transport.close()
    expect(sent.accepted).toEqual([address])

    const posted = (await repliesOf(thread.id)).at(-1)!
    expect(posted.authorId).toBe(asker.id)
    expect(posted.bodyText).toBe('That worked, *thanks*! One more question: can it include refunds?')
    expect(posted.bodyHtml).not.toContain('<em>')
    const [record] = await t.db.select().from(inboundMails).orderBy(desc(inboundMails.id)).limit(1)
    expect(record).toMatchObject({ via: 'smtp', status: 'posted', userId: asker.id, replyId: posted.id, fromAddress: 'mo@customer.example', toAddress: address })

    // The next mail about the thread carries the same address (one per person and thread).
    await createReply(t, helper, thread.id, 'Refunds are a checkbox on the same page.')
    expect(replyToOf(await latestMailTo('mo@customer.example'))).toBe(address)
  })

  it('through POST /api/v1/inbound-mail: a raw message posts once, however often it is delivered', async () => {
    const thread = await createThread(t, asker, category, { title: 'Can I schedule the export weekly?', body: 'Every Monday would be ideal for our team.' })
    await createReply(t, helper, thread.id, 'Yes: Settings → Schedules → Weekly.')
    const address = replyToOf(await latestMailTo('mo@customer.example'))
    const raw = rawMail({
      from: '"Mo Customer" <MO@customer.example>',
      to: address,
      body: 'Found it, scheduled for Mondays.\n\n-- \nMo Customer\nAcme Ops\n\n> Yes: Settings → Schedules → Weekly.',
    })
    const first = await postInbound(raw)
    expect(first.status).toBe(201)
    const outcome = (await first.json()) as { id: number; status: string; reply_id: number; duplicate: boolean }
    expect(outcome).toMatchObject({ status: 'posted', duplicate: false })
    const again = await postInbound(raw)
    expect(again.status).toBe(200)
    expect(await again.json()).toMatchObject({ id: outcome.id, status: 'posted', duplicate: true })
    const posted = (await repliesOf(thread.id)).filter((reply) => reply.authorId === asker.id)
    expect(posted.map((reply) => reply.bodyText)).toEqual(['Found it, scheduled for Mondays.'])
    expect((await inboundRow(outcome.id)).via).toBe('http')
  })

  it('staff item mail: the reply address answers on the thread, the note address adds an internal note no customer sees', async () => {
    const thread = await createThread(t, asker, category, { title: 'Export fails with error 500 every time', body: 'Since this morning the export button fails.' })
    const item = await convertThread({ ctx: t.ctx(admin), input: { threadId: thread.id, kind: 'bug', severity: 'normal', note: '' } })
    await assignItem({ ctx: t.ctx(admin), input: { itemId: String(item.id), assigneeId: String(support.id) } })
    const mail = await latestMailTo('sam@support.example')
    const replyAddress = replyToOf(mail)
    expect(replyAddress).toMatch(/^reply\+[a-z2-7]{32}@forum\.example$/)
    const noteAddress = /note\+[a-z2-7]{32}@forum\.example/.exec(mail.text ?? '')?.[0]
    expect(noteAddress, 'the footer names the note address').toBeDefined()
    expect(mail.text).toContain('to add an internal note instead')

    const note = await postInbound(rawMail({ from: 'sam@support.example', to: noteAddress!, body: 'INTERNAL-7731: customer is on the legacy cluster.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Test Community <community@forum.example> wrote:\n> A new item' }))
    expect(await note.json()).toMatchObject({ status: 'noted' })
    const notes = await t.db.select().from(internalNotes).where(eq(internalNotes.itemId, item.id))
    expect(notes.map((row) => [row.authorId, row.bodyMarkdown])).toEqual([[support.id, 'INTERNAL-7731: customer is on the legacy cluster.']])
    const page = await t.app.request(`/t/${thread.id}/${thread.slug}`)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain('INTERNAL-7731')

    const reply = await postInbound(rawMail({ from: 'sam@support.example', to: replyAddress, body: 'We found the cause and are deploying a fix now.' }))
    expect(await reply.json()).toMatchObject({ status: 'posted' })
    const last = (await repliesOf(thread.id)).at(-1)!
    expect([last.authorId, last.bodyText]).toEqual([support.id, 'We found the cause and are deploying a fix now.'])

    // Role checks stay in the domain: a customer holding an item's note address is refused.
    const stray = await issueReplyAddress(t.db, { userId: asker.id, itemId: item.id, asNote: true }, mailSettingsOf(loadEnv(ENV)), t.clock.now())
    const refused = (await (await postInbound(rawMail({ from: 'mo@customer.example', to: stray, body: 'Let me write a note too.' }))).json()) as { id: number; status: string; reason: string }
    expect(refused.status).toBe('refused')
    expect(refused.reason).toMatch(/Only support staff/)
    expect(await t.db.select().from(internalNotes).where(eq(internalNotes.itemId, item.id))).toHaveLength(1)
  })

  it('refuses and records forged, unknown and expired addresses, a different sender and an empty reply', async () => {
    const thread = await createThread(t, asker, category, { title: 'Where is the invoice archive?', body: 'I cannot find last year’s invoices anywhere.' })
    await createReply(t, helper, thread.id, 'Billing → Invoices → Archive.')
    const address = replyToOf(await latestMailTo('mo@customer.example'))
    const before = (await repliesOf(thread.id)).length
    const attempt = async (raw: string) => (await (await postInbound(raw)).json()) as { id: number; status: string; reason: string }

    const forged = await attempt(rawMail({ from: 'mo@customer.example', to: `reply+${'a'.repeat(32)}@forum.example`, body: 'Posting with a made-up token.' }))
    expect(forged).toMatchObject({ status: 'refused', reason: expect.stringMatching(/never issued/) })
    const mangled = await attempt(rawMail({ from: 'mo@customer.example', to: address.replace('reply+', 'note+'), body: 'Turning my reply address into a note address.' }))
    expect(mangled).toMatchObject({ status: 'refused', reason: expect.stringMatching(/issued for replies/) })
    const elsewhere = await attempt(rawMail({ from: 'mo@customer.example', to: 'support@elsewhere.example', body: 'Not one of our addresses at all.' }))
    expect(elsewhere).toMatchObject({ status: 'refused', reason: expect.stringMatching(/not a reply address/) })
    const forwarded = await attempt(rawMail({ from: 'boss@customer.example', to: address, body: 'I was forwarded this and reply as someone else.' }))
    expect(forwarded).toMatchObject({ status: 'refused', reason: expect.stringMatching(/forwarded mail is not posted/) })
    const empty = await attempt(rawMail({ from: 'mo@customer.example', to: address, body: '\nSent from my iPhone\n\n> Billing → Invoices → Archive.' }))
    expect(empty).toMatchObject({ status: 'refused', reason: expect.stringMatching(/Nothing was left/) })

    t.clock.advance(181 * 24 * 60 * 60 * 1000)
    const expired = await attempt(rawMail({ from: 'mo@customer.example', to: address, body: 'A reply half a year too late.' }))
    expect(expired).toMatchObject({ status: 'refused', reason: expect.stringMatching(/expired on/) })

    expect((await repliesOf(thread.id)).length).toBe(before)
    const recorded = await t.db.select().from(inboundMails).where(eq(inboundMails.status, 'refused'))
    expect(recorded.map((row) => row.id)).toEqual(expect.arrayContaining([forged.id, mangled.id, elsewhere.id, forwarded.id, empty.id, expired.id]))
    expect((await inboundRow(forwarded.id)).fromAddress).toBe('boss@customer.example')
  })

  it('the SMTP listener refuses an unknown reply address at RCPT (and records it) and any address not ours', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inbound.port, secure: false, ignoreTLS: true })
    const unknown = `reply+${'b'.repeat(32)}@forum.example`
    await expect(transport.sendMail({ from: 'mo@customer.example', to: unknown, subject: 'Re: x', text: 'Hello there, a reply.' })).rejects.toMatchObject({ responseCode: 550 })
    await expect(transport.sendMail({ from: 'mo@customer.example', to: 'anyone@forum.example', subject: 'x', text: 'Hello there.' })).rejects.toMatchObject({ responseCode: 550 })
    transport.close()
    const [record] = await t.db.select().from(inboundMails).where(eq(inboundMails.toAddress, unknown))
    expect(record).toMatchObject({ via: 'smtp', status: 'refused', fromAddress: 'mo@customer.example' })
    expect(await t.db.select().from(inboundMails).where(eq(inboundMails.toAddress, 'anyone@forum.example'))).toEqual([])
  })

  it('records automatic replies (Auto-Submitted, X-Autoreply, out of office) and posts none', async () => {
    const thread = await createThread(t, asker, category, { title: 'Does the export include VAT numbers?', body: 'Our accountant needs the VAT number per order.' })
    await createReply(t, helper, thread.id, 'It does, in the last column.')
    const address = replyToOf(await latestMailTo('mo@customer.example'))
    const before = (await repliesOf(thread.id)).length
    const outcomes = await Promise.all(
      [
        rawMail({ from: 'mo@customer.example', to: address, body: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } }),
        rawMail({ from: 'mo@customer.example', to: address, body: 'I am away until Monday.', headers: { 'X-Autoreply': 'yes' } }),
        rawMail({ from: 'mo@customer.example', to: address, subject: 'Out of Office: Does the export include VAT numbers?', body: 'I am away until Monday.' }),
        rawMail({ from: 'mo@customer.example', to: address, subject: 'Automatic reply: New reply', body: 'I am away until Monday.' }),
      ].map(async (raw) => (await (await postInbound(raw)).json()) as { status: string }),
    )
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['auto_reply', 'auto_reply', 'auto_reply', 'auto_reply'])
    expect((await repliesOf(thread.id)).length).toBe(before)
    // Auto-Submitted: no is a person's mail.
    const human = await postInbound(rawMail({ from: 'mo@customer.example', to: address, body: 'Perfect, thank you.', headers: { 'Auto-Submitted': 'no' } }))
    expect(await human.json()).toMatchObject({ status: 'posted' })
  })

  it('a bounce of one of our mails marks the address as failing; a delay does not', async () => {
    const bouncing = await createUser(t.db, { displayName: 'Gone Person', email: 'gone@customer.example' })
    const thread = await createThread(t, bouncing, category, { title: 'Is the API rate limited per key?', body: 'We hit 429 responses at about 100 requests.' })
    await createReply(t, helper, thread.id, 'Yes, 100 requests per minute per key.')
    const original = await latestMailTo('gone@customer.example')
    const report = (action: string, status: string) =>
      [
        'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.customer.example>',
        'To: community@forum.example',
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <dsn-${++sequence}@mx.customer.example>`,
        'Return-Path: <>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.customer.example',
        '',
        'Final-Recipient: rfc822; gone@customer.example',
        `Action: ${action}`,
        `Status: ${status}`,
        `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550 5.1.1 <gone@customer.example>: user unknown' : '451 4.4.1 try later'}`,
        '',
        '--b1',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: ${original.messageId}`,
        'From: Test Community <community@forum.example>',
        '',
        '--b1--',
        '',
      ].join('\r\n')

    const delayed = await postInbound(report('delayed', '4.4.1'))
    expect(await delayed.json()).toMatchObject({ status: 'bounce' })
    const [stillFine] = await t.db.select().from(users).where(eq(users.id, bouncing.id))
    expect(stillFine!.mailFailingAt).toBeNull()

    const failed = await postInbound(report('failed', '5.1.1'))
    expect(await failed.json()).toMatchObject({ status: 'bounce', reason: expect.stringMatching(/marked as failing/) })
    const [failing] = await t.db.select().from(users).where(eq(users.id, bouncing.id))
    expect(failing!.mailFailingAt).toEqual(t.clock.now())
    expect(failing!.mailFailingReason).toMatch(/user unknown/)
    const [record] = await t.db.select().from(inboundMails).where(and(eq(inboundMails.status, 'bounce'), eq(inboundMails.userId, bouncing.id))).orderBy(desc(inboundMails.id))
    expect(record).toBeDefined()
  })

  it('the webhook answers 401 without the secret or with a wrong one, and 404 when no secret is configured', async () => {
    const raw = rawMail({ from: 'mo@customer.example', to: `reply+${'c'.repeat(32)}@forum.example`, body: 'Should never be read at all.' })
    expect((await postInbound(raw, null)).status).toBe(401)
    expect((await postInbound(raw, `Bearer ${SECRET}x`)).status).toBe(401)
    expect((await postInbound(raw, 'Basic abc')).status).toBe(401)
    expect(await t.db.select().from(inboundMails).where(eq(inboundMails.toAddress, `reply+${'c'.repeat(32)}@forum.example`))).toEqual([])
    const off = await createTestApp({ env: { MAIL_FROM: ENV.MAIL_FROM } })
    try {
      expect((await postInbound(raw, `Bearer ${SECRET}`, off)).status).toBe(404)
    } finally {
      await off.close()
    }
  })
})
