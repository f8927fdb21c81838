import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actionTokens, csatRatings, csatRequests, notifications, queueItemEvents, type Category, type User } from '../../src/db/schema'
import { addInternalNote, fileItem, changeItemState, convertThread } from '../../src/queue'
import { rateOnThread } from '../../src/csat'
import { Webhook } from 'standardwebhooks'
import { createWebhookEndpoint } from '../../src/webhooks'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createTeam, createThread, createUser } from '../support/factories'
import { deliverAll, linkIn, mailsTo } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'
import { startReceiver } from '../support/webhook-receiver'

// "Did this solve your problem?": asked of the asker once after their item resolves, in the app
// and by mail (a real SMTP server), through a signed single-use link; comments stay with staff.

const HOUR = 3_600_000
const ENV = { SMTP_URL: '', MAIL_FROM: 'Test Community <community@forum.example>' }

let sink: SmtpSink
let t: TestApp
let category: Category
let support: User
let otherSupport: User
let customer: User
let stranger: User

beforeAll(async () => {
  sink = await startSmtpSink()
  ENV.SMTP_URL = sink.url
  t = await createTestApp({ env: ENV })
  category = await createCategory(t.db, { name: 'Billing', slug: 'billing', team: 'money' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support', email: 'sam@staff.example' })
  otherSupport = await createUser(t.db, { displayName: 'Sue Support', role: 'support', email: 'sue@staff.example' })
  customer = await createUser(t.db, { displayName: 'Cleo Customer', email: 'cleo@customer.example' })
  stranger = await createUser(t.db, { displayName: 'Stan Stranger', email: 'stan@customer.example' })
  await createTeam(t, 'money', [{ user: support, onDuty: true }])
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

/** A thread by `asker` turned into an item (assigned to Sam by routing) and resolved by `resolver`. */
async function resolvedThread(asker: User, title: string, resolver: User = support) {
  const thread = await createThread(t, asker, category, { title, body: `${title}: the invoice page shows the wrong total for March.` })
  const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'billing', severity: 'normal' } })
  await changeItemState({ ctx: t.ctx(resolver), input: { itemId: item.id, state: 'resolved' } })
  return { thread, item }
}

/** Past the ask delay, and every due outbox row (the ask, the notice's mail, its delivery) delivered. */
async function afterTheDelay(): Promise<void> {
  t.clock.advance(61 * 60_000)
  await deliverAll(t)
}

describe('CSAT', () => {
  it('asks the asker once, in the app and by mail, and takes one rating through the signed link', async () => {
    const { thread, item } = await resolvedThread(customer, 'Invoice total wrong after the plan change')
    // Not yet: the ask waits an hour after the resolution.
    await deliverAll(t)
    expect(await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, item.id))).toHaveLength(0)

    const before = mailsTo(sink, 'cleo@customer.example').length
    await afterTheDelay()
    const [request] = await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, item.id))
    expect(request).toMatchObject({ userId: customer.id, teamSlug: 'money', itemKind: 'billing', engineerId: support.id, threadId: thread.id })

    // In the app: a notice, and the prompt on the thread page for the asker only.
    const notices = await t.db.select().from(notifications).where(eq(notifications.userId, customer.id))
    expect(notices.filter((notice) => notice.kind === 'csat_request')).toHaveLength(1)
    const asker = await t.client().signInAs(customer)
    const page = await html(await asker.get(`/t/${thread.id}/${thread.slug}`))
    expect(page.querySelector('#csat form')?.getAttribute('action')).toBe(`/t/${thread.id}/csat`)
    expect(page.querySelectorAll('#csat input[type=radio][name=rating]')).toHaveLength(5)
    const otherPage = await html(await (await t.client().signInAs(stranger)).get(`/t/${thread.id}/${thread.slug}`))
    expect(otherPage.querySelector('#csat')).toBeNull()
    expect((await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))).querySelector('#csat')).toBeNull()

    // By mail, through the SMTP server: one mail with the signed link.
    await sink.waitFor(sink.received.length)
    const mails = mailsTo(sink, 'cleo@customer.example').slice(before)
    const csatMails = mails.filter((mail) => mail.subject?.startsWith('Did this solve your problem?'))
    expect(csatMails).toHaveLength(1)
    const link = linkIn(csatMails[0], '/csat/')
    expect(csatMails[0]!.text).toContain(`${link}?rating=5`)

    // A second resolution (reopened, resolved again) asks nothing more: once per item.
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'in_progress' } })
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    await afterTheDelay()
    expect(await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, item.id))).toHaveLength(1)
    expect(mailsTo(sink, 'cleo@customer.example').filter((mail) => mail.subject?.startsWith('Did this solve'))).toHaveLength(1)

    // The link opens a page (no sign-in; a GET changes nothing) with the rating preselected.
    const visitor = t.client()
    const shown = await visitor.get(`${link}?rating=4`)
    expect(shown.status).toBe(200)
    const form = await html(shown)
    expect(form.querySelector('input[name=rating][value="4"]')?.hasAttribute('checked')).toBe(true)

    // Bad input: a message by the field, 422, the comment kept, nothing saved.
    const bad = await visitor.post(link, { rating: '7', comment: 'Took two days, but the refund arrived.' })
    expect(bad.status).toBe(422)
    const badPage = await html(bad)
    expect(badPage.querySelector('#csat-rating-error')?.text).toContain('Choose a rating from 1')
    expect(badPage.querySelector('textarea[name=comment]')?.text).toBe('Took two days, but the refund arrived.')
    const tooLong = await visitor.post(link, { rating: '4', comment: 'x'.repeat(2001) })
    expect(tooLong.status).toBe(422)
    expect((await html(tooLong)).querySelector('#csat-comment-error')?.text).toContain('at most 2000 characters')
    expect(await t.db.select().from(csatRatings).where(eq(csatRatings.itemId, item.id))).toHaveLength(0)

    // Rated: one row with the request's team, kind and engineer; the comment kept for staff.
    const done = await visitor.post(link, { rating: '4', comment: 'Took two days, but the refund arrived.' })
    expect(done.status).toBe(200)
    expect((await html(done)).querySelector('h1')?.text).toBe('Thank you')
    const [rating] = await t.db.select().from(csatRatings).where(eq(csatRatings.itemId, item.id))
    expect(rating).toMatchObject({ requestId: request!.id, userId: customer.id, rating: 4, comment: 'Took two days, but the refund arrived.', teamSlug: 'money', itemKind: 'billing', engineerId: support.id })

    // The link works once: a second POST or GET is refused with a clear message, nothing changes.
    const again = await visitor.post(link, { rating: '1', comment: 'changed my mind' })
    expect(again.status).toBe(410)
    expect((await html(again)).querySelector('h1')?.text).toBe('You rated this already')
    expect((await visitor.get(link)).status).toBe(410)
    expect(await t.db.select().from(csatRatings).where(eq(csatRatings.itemId, item.id))).toHaveLength(1)
    // …and the thread's prompt is gone; rating there too is refused.
    expect((await html(await asker.get(`/t/${thread.id}/${thread.slug}`))).querySelector('#csat')).toBeNull()
    await expect(rateOnThread({ ctx: t.ctx(customer), input: { threadId: thread.id, rating: '5', comment: '' } })).rejects.toThrow('rated this already')

    // The comment is staff-only: on the item page for staff, nowhere public, not in the timeline's data.
    const itemPage = await html(await (await t.client().signInAs(otherSupport)).get(`/queue/items/${item.id}`))
    expect(itemPage.querySelector('.item-csat')?.text).toContain('4 of 5')
    expect(itemPage.querySelector('.item-csat')?.text).toContain('Took two days, but the refund arrived.')
    for (const client of [t.client(), asker]) {
      const body = await (await client.get(`/t/${thread.id}/${thread.slug}`)).text()
      expect(body).not.toContain('Took two days')
    }
    const apiThread = await (await asker.get(`/api/v1/threads/${thread.id}`)).text()
    expect(apiThread).not.toContain('Took two days')
    expect(JSON.stringify(await t.db.select().from(queueItemEvents).where(eq(queueItemEvents.itemId, item.id)))).not.toContain('Took two days')
    expect(mailsTo(sink, 'sam@staff.example').some((mail) => mail.text?.includes('Took two days'))).toBe(false)
    expect(mailsTo(sink, 'cleo@customer.example').some((mail) => mail.text?.includes('Took two days'))).toBe(false)
  })

  it('refuses a forged or altered link (404) and a malformed one, and rates on the thread for a signed-in asker', async () => {
    const { thread, item } = await resolvedThread(customer, 'Refund not shown on the receipt')
    await afterTheDelay()
    const mail = mailsTo(sink, 'cleo@customer.example').find((candidate) => candidate.subject?.includes('Refund not shown on the receipt'))
    const link = linkIn(mail, '/csat/')
    const token = link.slice('/csat/'.length)
    const altered = `/csat/${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`
    const visitor = t.client()
    expect((await visitor.get(altered)).status).toBe(404)
    const forged = await visitor.post(altered, { rating: '5' })
    expect(forged.status).toBe(404)
    expect((await html(forged)).querySelector('h1')?.text).toBe('This link is not valid')
    expect((await visitor.post('/csat/not-a-token', { rating: '5' })).status).toBe(404)

    // On the thread: a missing rating is a message by the field, the comment kept.
    const asker = await t.client().signInAs(customer)
    const missing = await asker.post(`/t/${thread.id}/csat`, { comment: 'Quick and clear.' })
    expect(missing.status).toBe(422)
    const missingPage = await html(missing)
    expect(missingPage.querySelector('#csat-rating-error')?.text).toContain('Choose a rating')
    expect(missingPage.querySelector('#csat textarea[name=comment]')?.text).toBe('Quick and clear.')
    // Someone else cannot rate the asker's question.
    expect((await (await t.client().signInAs(stranger)).post(`/t/${thread.id}/csat`, { rating: '1' })).status).toBe(404)
    const rated = await asker.post(`/t/${thread.id}/csat`, { rating: '5', comment: 'Quick and clear.' })
    expect(rated.status).toBe(303)
    // Back on the thread (its short URL redirects to the full one, keeping the query): thanks instead of the prompt.
    const short = await asker.get(rated.headers.get('location')!)
    const thanks = await html(await asker.get(short.headers.get('location')!))
    expect(thanks.querySelector('#csat')?.text).toContain('Thank you for your rating')
    // Sent twice (a double click): refused with a clear message, nothing changes.
    const twice = await asker.post(`/t/${thread.id}/csat`, { rating: '1', comment: '' })
    expect(twice.status).toBe(409)
    expect((await html(twice)).querySelector('#csat .form-message')?.text).toContain('You rated this already')
    const [rating] = await t.db.select().from(csatRatings).where(eq(csatRatings.itemId, item.id))
    expect(rating?.rating).toBe(5)
    // The mail's link is spent with it.
    const tokens = await t.db.select().from(actionTokens).where(eq(actionTokens.purpose, 'csat'))
    expect(tokens.filter((row) => row.data.csatRequestId === rating!.requestId).every((row) => row.usedAt)).toBe(true)
    expect((await visitor.get(link)).status).toBe(410)
  })

  it('never asks staff askers or items without an asker', async () => {
    const staffAsked = await resolvedThread(otherSupport, 'Staff question about the invoice export')
    const noAsker = await fileItem({ ctx: t.ctx(support), input: { source: 'call', title: 'Caller asked about VAT', description: 'A caller asked how VAT is shown on invoices.', requesterEmail: '', kind: 'question', severity: 'normal', teamSlug: 'money' } })
    await changeItemState({ ctx: t.ctx(support), input: { itemId: noAsker.id, state: 'resolved' } })
    await afterTheDelay()
    for (const itemId of [staffAsked.item.id, noAsker.id])
      expect(await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, itemId))).toHaveLength(0)
    expect(mailsTo(sink, 'sue@staff.example').some((mail) => mail.subject?.startsWith('Did this solve'))).toBe(false)
  })

  it('asks nothing when the item was reopened within the delay, and honours "never" for CSAT mail', async () => {
    const { item } = await resolvedThread(customer, 'Card declined on renewal')
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'in_progress' } })
    await afterTheDelay()
    expect(await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, item.id))).toHaveLength(0)

    // A customer who chose never to get CSAT mail is still asked in the app, not by mail.
    const quiet = await createUser(t.db, { displayName: 'Quinn Quiet', email: 'quinn@customer.example' })
    const client = await t.client().signInAs(quiet)
    expect((await client.post('/account/notifications', { 'mode.csat': 'never', frequency: 'daily' })).status).toBe(303)
    const resolved = await resolvedThread(quiet, 'Invoice address cannot be changed')
    await afterTheDelay()
    expect(await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, resolved.item.id))).toHaveLength(1)
    expect(mailsTo(sink, 'quinn@customer.example').some((mail) => mail.subject?.startsWith('Did this solve'))).toBe(false)
    const page = await html(await client.get(`/t/${resolved.thread.id}/${resolved.thread.slug}`))
    expect(page.querySelector('#csat')).not.toBeNull()
    // "Not now" puts the prompt away.
    expect((await client.post(`/t/${resolved.thread.id}/csat/dismiss`)).status).toBe(303)
    expect((await html(await client.get(`/t/${resolved.thread.id}/${resolved.thread.slug}`))).querySelector('#csat')).toBeNull()
  })

  it('tells subscribed integrations once, signed: the score to every endpoint, the comment only to internal ones, internal notes to none', async () => {
    const admin = await createUser(t.db, { displayName: 'Ada Admin', role: 'admin', email: 'ada@staff.example' })
    const [outside, inside] = [await startReceiver(), await startReceiver()]
    try {
      const endpoint = (url: string, internal: boolean) =>
        createWebhookEndpoint({
          ctx: t.ctx(admin),
          input: { url, description: 'CRM', eventTypes: ['csat.rated'], enabled: '1', internal: internal ? '1' : '0', allowPrivateNetwork: '1' },
        })
      const publicEndpoint = await endpoint(outside.url, false)
      const internalEndpoint = await endpoint(inside.url, true)
      const { thread, item } = await resolvedThread(customer, 'Tax line missing on the invoice')
      // The item has an internal note, which must not travel with the rating.
      await addInternalNote({ ctx: t.ctx(support), input: { itemId: item.id, body: 'Account 4711 is on the legacy tax table.' } })
      await afterTheDelay()
      const asker = await t.client().signInAs(customer)
      expect((await asker.post(`/t/${thread.id}/csat`, { rating: '2', comment: 'Fixed, but Sue at ACME had to chase it twice.' })).status).toBe(303)
      expect((await asker.post(`/t/${thread.id}/csat`, { rating: '5', comment: '' })).status).toBe(409)
      await deliverAll(t)
      for (const [receiver, created] of [
        [outside, publicEndpoint],
        [inside, internalEndpoint],
      ] as const) {
        const events = receiver.received.filter((request) => request.json.type === 'csat.rated')
        expect(events).toHaveLength(1)
        expect(() => new Webhook(created.secret).verify(events[0]!.body, events[0]!.headers as Record<string, string>)).not.toThrow()
        expect(events[0]!.json.data).toMatchObject({
          item: { id: item.id, team: 'money', kind: 'billing' },
          thread: { id: thread.id, title: 'Tax line missing on the invoice' },
          rating: { score: 2, commented: true, raterId: customer.id },
        })
        expect(events[0]!.body).not.toContain('legacy tax table')
      }
      expect(outside.received[0]!.body).not.toContain('chase it twice')
      expect(outside.received[0]!.json.data.internal).toBeUndefined()
      expect((inside.received[0]!.json.data.internal as { comment: string }).comment).toBe('Fixed, but Sue at ACME had to chase it twice.')
    } finally {
      await outside.close()
      await inside.close()
    }
  })
})
