import { desc, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountSanctions, inboundMails, mailMessages, replies, type Category, type User } from '../../src/db/schema'
import { loadEnv } from '../../src/env'
import { issueReplyAddress, mailSettingsOf } from '../../src/mail'
import { createApiToken } from '../../src/queue'
import { callApi } from '../support/api'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// Suspension and removal close every door: the session already open, API tokens (reads too),
// mailed sign-in and reset links, and reply by mail; each says why and until when. (SSO sign-in
// is refused in test/integration/sso-oidc.test.ts, against the real provider.) A silenced person
// reads a banner on every page and a note by each posting form's text; staff see what waits.

const SECRET = 'inbound-secret-0123456789abcdef'
const ENV = { MAIL_FROM: 'Test Community <community@forum.example>', INBOUND_MAIL_SECRET: SECRET }

let t: TestApp
let category: Category
let moderator: User
let asker: User

beforeAll(async () => {
  t = await createTestApp({ env: ENV })
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
  moderator = await createUser(t.db, { displayName: 'Mo Derator', role: 'support' })
  asker = await createUser(t.db, { displayName: 'Asker' })
})
afterAll(() => t.close())

const api = (path: string, token: string, init: RequestInit = {}) =>
  t.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } })

async function sanction(person: User, kind: 'suspend' | 'silence', message: string, duration = '3') {
  const staff = await t.client().signInAs(moderator)
  const done = await staff.post(`/moderation/users/${person.id}/sanctions`, { kind, reason: 'Moderator notes, staff only', message, duration })
  expect(done.status).toBe(303)
}

/** The text of the latest mail kept for `address` (no SMTP in this file: mail stays in the database). */
async function latestMailText(address: string): Promise<string> {
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
  const [mail] = await t.db.select().from(mailMessages).where(like(mailMessages.toAddress, `%<${address}>`)).orderBy(desc(mailMessages.id)).limit(1)
  return mail?.textBody ?? ''
}

const pathIn = (text: string, prefix: string) => new RegExp(`https?://[^/\\s]+(${prefix.replaceAll('/', '\\/')}[A-Za-z0-9]+)`).exec(text)?.[1] ?? ''

describe('a suspended account', () => {
  it('is refused by its API token, reads included, with problem+json saying until when; lifting lets it back', async () => {
    const person = await createUser(t.db, { displayName: 'Token Tess', email: 'tess@example.com' })
    const { token } = await createApiToken({ ctx: t.ctx(person), input: { name: 'Export script', scopes: ['threads:read', 'threads:write'] } })
    expect((await api('/api/v1/threads', token)).status).toBe(200)
    await sanction(person, 'suspend', 'Suspended for scraping.')

    // callApi checks the answer against the route's declared 403 (the account-suspended problem).
    const read = await callApi(t, 'GET', '/api/v1/threads', { token })
    expect(read.status).toBe(403)
    const problem = read.body as { type: string; title: string; detail: string; suspendedUntil: string | null }
    expect(problem.type).toMatch(/account-suspended$/)
    expect(problem.suspendedUntil).toBe(new Date(t.clock.now().getTime() + 3 * 24 * 3600 * 1000).toISOString())
    expect(problem.detail).toMatch(/^Your account is suspended until \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Suspended for scraping\.$/)
    // The reason staff wrote for themselves is not told.
    expect(problem.detail).not.toContain('Moderator notes')
    const write = await callApi(t, 'POST', '/api/v1/threads', { token, body: { title: 'Still here, posting', body: 'A post while suspended.', category: category.slug } })
    expect(write.status).toBe(403)
    expect(write.body.type).toMatch(/account-suspended$/)

    const [active] = await t.db.select().from(accountSanctions).where(eq(accountSanctions.userId, person.id))
    expect((await (await t.client().signInAs(moderator)).post(`/moderation/sanctions/${active!.id}/lift`, {})).status).toBe(303)
    expect((await api('/api/v1/threads', token)).status).toBe(200)
  })

  it('loses a session that outlived the suspension (written behind the verb’s back), and cannot get one by link or reset', async () => {
    const person = await createUser(t.db, { displayName: 'Link Lou', email: 'lou@example.com' })
    const browser = await t.client().signInAs(person)
    expect((await html(await browser.get('/account'))).text).toContain('lou@example.com')
    // A sanction row alone (no sessions deleted) still closes the open session at its next request.
    await t.db.insert(accountSanctions).values({ userId: person.id, kind: 'suspend', reason: 'x', message: 'Take a break.', startsAt: t.clock.now(), endsAt: null, createdById: moderator.id })
    expect((await browser.get('/account')).status).not.toBe(200)

    const visitor = t.client()
    expect((await visitor.post('/login/link', { email: 'lou@example.com' })).status).toBe(200)
    const mail = await latestMailText('lou@example.com')
    const link = pathIn(mail, '/login/link/')
    expect(link, mail).not.toBe('')
    const refused = await visitor.post(link, {})
    expect(refused.status).toBe(403)
    expect((await html(refused)).text).toContain('Your account is suspended until staff lift it. Take a break.')
    expect((await visitor.get('/account')).status).not.toBe(200)

    expect((await visitor.post('/password/forgot', { email: 'lou@example.com' })).status).toBeLessThan(400)
    const reset = pathIn(await latestMailText('lou@example.com'), '/password/reset/')
    const resetRefused = await visitor.post(reset, { password: 'a brand new password 42', confirm: 'a brand new password 42' })
    expect(resetRefused.status).toBe(403)
    expect((await html(resetRefused)).text).toContain('Your account is suspended')
    // Nothing of the reset stuck: the old password is still the one, and still refused for the suspension.
    const signIn = await t.client().post('/login', { email: 'lou@example.com', password: TEST_PASSWORD })
    expect(signIn.status).toBe(403)
  })

  it('posts nothing by mail: the reply is recorded as refused, with the reason', async () => {
    const person = await createUser(t.db, { displayName: 'Mail Mia', email: 'mia@example.com' })
    const thread = await createThread(t, asker, category)
    const address = await issueReplyAddress(t.db, { userId: person.id, threadId: thread.id }, mailSettingsOf(loadEnv(ENV)), t.clock.now())
    await sanction(person, 'suspend', 'Suspended for spam.')
    const raw = [`From: mia@example.com`, `To: ${address}`, 'Subject: Re: hello', 'Message-ID: <suspended-1@example.com>', '', 'Buy my things, by mail this time.', ''].join('\r\n')
    const answer = await t.app.request('/api/v1/inbound-mail', { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${SECRET}` }, body: raw })
    expect(answer.status).toBeLessThan(300)
    const [record] = await t.db.select().from(inboundMails).orderBy(desc(inboundMails.id)).limit(1)
    expect(record).toMatchObject({ status: 'refused', userId: person.id })
    expect(record!.reason).toMatch(/Not posted: Your account is suspended until .* Suspended for spam\./)
    expect(await t.db.select().from(replies).where(eq(replies.threadId, thread.id))).toHaveLength(0)
  })
})

describe('a person suspended mid-session', () => {
  it('is told why by their next request, once (what staff wrote, until when), then is a visitor; pages, htmx and the API alike', async () => {
    const person = await createUser(t.db, { displayName: 'Session Sam', email: 'sam@example.com' })
    const [browser, htmx, script] = await Promise.all([t.client().signInAs(person), t.client().signInAs(person), t.client().signInAs(person)])
    expect((await browser.get('/account')).status).toBe(200)
    await sanction(person, 'suspend', 'Cool off <b>for a while</b>.', '2')

    const told = await browser.get('/account')
    expect(told.status).toBe(403)
    const page = await html(told)
    expect(page.querySelector('h1')?.text).toBe('Your account is suspended')
    expect(page.text).toMatch(/Your account is suspended until \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Cool off <b>for a while<\/b>\./)
    expect(page.querySelector('b')).toBeNull()
    expect(page.text).not.toContain('Moderator notes')
    expect(browser.cookies.has('session')).toBe(false)
    // Once: from now on a visitor, with no message, sent to sign in where an account is needed.
    const after = await browser.get('/')
    expect(after.status).toBe(200)
    expect((await html(after)).text).not.toContain('suspended')
    expect((await browser.get('/account')).status).toBe(302)

    // Another browser's htmx request gets the words in place; a session's API call the problem.
    const fragment = await htmx.request('/account', { headers: { 'HX-Request': 'true' } })
    expect(fragment.status).toBe(403)
    expect((await html(fragment)).querySelector('[role=alert]')?.text).toContain('Cool off <b>for a while</b>.')
    const call = await callApi(t, 'GET', '/api/v1/notifications', { client: script })
    expect(call.status).toBe(403)
    expect(call.body).toMatchObject({ type: expect.stringMatching(/account-suspended$/), suspendedUntil: new Date(t.clock.now().getTime() + 2 * 24 * 3600 * 1000).toISOString() })
    expect((await callApi(t, 'GET', '/api/v1/notifications', { client: script })).status).toBe(401)
  })

  it('is simply signed out when staff lifted the suspension before they came back (the session does not return)', async () => {
    const person = await createUser(t.db, { displayName: 'Lifted Liv' })
    const browser = await t.client().signInAs(person)
    await sanction(person, 'suspend', 'A short break.', '1')
    const [active] = await t.db.select().from(accountSanctions).where(eq(accountSanctions.userId, person.id))
    expect((await (await t.client().signInAs(moderator)).post(`/moderation/sanctions/${active!.id}/lift`, {})).status).toBe(303)
    const back = await browser.get('/account')
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toMatch(/^\/login/)
    expect((await (await t.client().signInAs(person)).get('/account')).status).toBe(200)
  })
})

describe('notification mail', () => {
  it('is not sent to a suspended person (the in-app notice waits), and is again once the suspension ends', async () => {
    const person = await createUser(t.db, { displayName: 'Follower Fay', email: 'fay@example.com' })
    const thread = await createThread(t, person, category)
    await sanction(person, 'suspend', 'A short break.', '1')
    await createReply(t, asker, thread.id, 'An answer while Fay is suspended.')
    expect(await latestMailText('fay@example.com')).toBe('')
    t.clock.advance(24 * 3600 * 1000 + 60_000)
    await createReply(t, asker, thread.id, 'An answer after the suspension ended.')
    expect(await latestMailText('fay@example.com')).toContain('An answer after the suspension ended.')
  })
})

describe('a removed spammer', () => {
  it('has no way in left: a token that escaped revocation is unknown, and no session can be made', async () => {
    const spammer = await createUser(t.db, { displayName: 'Spam Sid', email: 'sid@spam.example', trustLevel: 0 })
    const { token } = await createApiToken({ ctx: t.ctx(spammer), input: { name: 'Bot', scopes: ['threads:read'] } })
    const staff = await t.client().signInAs(moderator)
    expect((await staff.post(`/moderation/users/${spammer.id}/remove`, { reason: 'Spam', confirmName: 'Spam Sid' })).status).toBe(303)
    expect((await api('/api/v1/threads', token)).status).toBe(401)
    await expect(t.client().signInAs(spammer)).rejects.toThrow(/removed/)
  })
})

describe('a silenced account', () => {
  it('sees a banner on every page and a note by the text of each posting form; a refused post keeps its text by the field', async () => {
    const person = await createUser(t.db, { displayName: 'Quiet Quinn' })
    const thread = await createThread(t, asker, category)
    await sanction(person, 'silence', 'Cool off after the <b>argument</b>.', '2')
    const browser = await t.client().signInAs(person)
    for (const path of ['/', '/ask', `/t/${thread.id}/${thread.slug}`, '/account']) {
      const page = await html(await browser.get(path))
      const banner = page.querySelector('.sanction-banner')
      expect(banner?.text, path).toMatch(/Your account is silenced until \w+ \d+, \d{4}, .* UTC\./)
      expect(banner?.querySelector('q')?.text).toBe('Cool off after the <b>argument</b>.')
    }
    expect(texts(await html(await browser.get('/ask')), '.field-refusal')[0]).toMatch(/silenced until .*cannot be posted/)
    expect(texts(await html(await browser.get(`/t/${thread.id}/${thread.slug}`)), '#reply-form .field-refusal')).toHaveLength(1)

    const refused = await browser.post(`/t/${thread.id}/replies`, { body: 'My carefully written reply.' })
    expect(refused.status).toBe(403)
    const form = await html(refused)
    expect(form.querySelector('#reply-body')?.text).toBe('My carefully written reply.')
    expect(form.querySelector('#reply-body-error')?.text).toMatch(/silenced: .* until .*Cool off/)

    // Others see no banner; the silence ends on time.
    expect((await html(await (await t.client().signInAs(asker)).get('/'))).querySelector('.sanction-banner')).toBeNull()
    t.clock.advance(2 * 24 * 3600 * 1000 + 60_000)
    expect((await html(await browser.get('/'))).querySelector('.sanction-banner')).toBeNull()
  })
})

describe('staff header', () => {
  it('shows staff how many posts wait in /review, and members nothing', async () => {
    const thread = await createThread(t, asker, category)
    const flagger = await createUser(t.db, { displayName: 'Flag Fay' })
    const staff = await t.client().signInAs(moderator)
    const before = Number((await html(await staff.get('/'))).querySelector('a[href="/review"] .unread-count')?.text ?? '0')
    expect((await (await t.client().signInAs(flagger)).post(`/t/${thread.id}/flag`, { reason: 'spam' })).status).toBeLessThan(400)
    const link = (await html(await staff.get('/'))).querySelector('header a[href="/review"]')
    expect(link?.querySelector('.unread-count')?.text).toBe(String(before + 1))
    expect(link?.getAttribute('aria-label')).toBe(`Review queue: ${before + 1} waiting`)
    expect((await html(await (await t.client().signInAs(flagger)).get('/'))).querySelector('header a[href="/review"] .unread-count')).toBeNull()
  })
})
