import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mailMessages, type Category, type User } from '../../src/db/schema'
import { addInternalNote } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createReply, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Mail really leaves through SMTP: a reply reaches the asker as a two-part mail with threading
// headers; an SMTP outage delays it and loses nothing; nothing internal is ever in it.

let sink: SmtpSink
let t: TestApp
let category: Category
let asker: User
let helper: User
let support: User

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  asker = await createUser(t.db, { displayName: 'Mo Customer', email: 'mo@customer.example' })
  helper = await createUser(t.db, { displayName: 'Hal Helper', email: 'hal@helper.example' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

/** Drains the outbox until nothing is due (a notice becomes a mail becomes a delivery). */
async function drainAll(): Promise<void> {
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
}

describe('mail by SMTP', () => {
  it('a reply reaches the asker once, as text and HTML, threaded, from the site, with nothing internal', async () => {
    const thread = await createThread(t, asker, category, { title: 'How do I export <all> orders?', body: 'I need every order of last year in one file.' })
    await addInternalNote({ ctx: t.ctx(support), input: { threadId: String(thread.id), body: 'INTERNAL-SECRET-7731: customer is on the legacy cluster' } })
    await createReply(t, helper, thread.id, 'Use **Reports → Export**, then pick *All time*.')
    await drainAll()
    await drainAll()
    const mails = await sink.waitFor(1)
    expect(mails).toHaveLength(1)
    const [mail] = mails
    expect(sink.envelopes[0]).toEqual(['mo@customer.example'])
    expect(mail!.subject).toBe('New reply: How do I export <all> orders?')
    expect(mail!.from?.value[0]).toMatchObject({ name: 'Test Community', address: 'community@forum.example' })
    expect(mail!.text).toContain('Hal Helper replied to your question')
    expect(mail!.text).toContain('Use Reports → Export')
    expect(mail!.text).toContain(`http://localhost/t/${thread.id}/`)
    expect(mail!.html).toContain('<strong>Reports → Export</strong>')
    expect(mail!.html).toContain('How do I export &lt;all&gt; orders?')
    expect(mail!.messageId).toMatch(/@forum\.example>$/)
    expect(mail!.inReplyTo).toBe(`<thread-${thread.id}@forum.example>`)
    expect(mail!.references).toBe(`<thread-${thread.id}@forum.example>`)
    for (const part of [mail!.text ?? '', String(mail!.html)]) expect(part).not.toContain('INTERNAL-SECRET-7731')
    const [row] = await t.db.select().from(mailMessages).where(eq(mailMessages.toAddress, '"Mo Customer" <mo@customer.example>'))
    expect(row).toMatchObject({ status: 'sent', kind: 'reply', attempts: 1 })
  })

  it('an SMTP outage delays the mail and loses nothing; it is sent once when the server takes it', async () => {
    const before = sink.received.length
    const thread = await createThread(t, asker, category, { title: 'Can I schedule the export?', body: 'Every Monday would be ideal for us.' })
    sink.refuseNext(1)
    await createReply(t, helper, thread.id, 'Yes: Settings → Schedules → Weekly.')
    await drainAll()
    const [waiting] = await t.db.select().from(mailMessages).where(eq(mailMessages.threadId, thread.id))
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1 })
    expect(waiting!.lastError).toMatch(/451/)
    t.clock.advance(60_000)
    await drainAll()
    await sink.waitFor(before + 1)
    expect(sink.received.length).toBe(before + 1)
    const [sent] = await t.db.select().from(mailMessages).where(eq(mailMessages.threadId, thread.id))
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null })
    t.clock.advance(60 * 60_000)
    await drainAll()
    expect(sink.received.length).toBe(before + 1)
  })

  it('several mails travel over one kept SMTP connection, not a connection each', async () => {
    const before = { mails: sink.received.length, connections: sink.connections }
    const thread = await createThread(t, asker, category, { title: 'Where do invoices go?', body: 'I cannot find last month’s invoice.' })
    for (const body of ['Billing → Invoices.', 'Or ask your admin for access.', 'Also sent by mail on the 1st.']) {
      await createReply(t, helper, thread.id, body)
      await drainAll()
    }
    await sink.waitFor(before.mails + 3)
    expect(sink.received.length - before.mails).toBe(3)
    // The pool opens at most one connection for mails sent one after another (the old transport opened three).
    expect(sink.connections - before.connections).toBeLessThanOrEqual(1)
  })
})
