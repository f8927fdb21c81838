import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actionTokens, mailMessages, sessions, users, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createUser, TEST_PASSWORD } from '../support/factories'
import { deliverAll, linkIn, mailsTo } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Password reset by mail, through the app and a real SMTP server: the link read out of the
// received mail is the only way in; the answer never says whether an address has an account.

let sink: SmtpSink
let t: TestApp
beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>', TRUST_PROXY: '1' } })
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

const HOUR = 60 * 60 * 1000
let ipCounter = 0
/** Each test asks from its own address, so the per-IP limit is tested on its own. */
const fromIp = () => ({ headers: { 'x-forwarded-for': `203.0.113.${++ipCounter}` } })

async function requestReset(email: string, ip = fromIp()) {
  return t.client().post('/password/forgot', { email }, ip)
}

async function resetLinkFor(user: User): Promise<string> {
  await requestReset(user.email)
  await deliverAll(t)
  const mails = mailsTo(sink, user.email)
  return linkIn(mails[mails.length - 1], '/password/reset/')
}

async function signInWorks(email: string, password: string): Promise<boolean> {
  const response = await t.client().post('/login', { email, password }, fromIp())
  return response.status === 303
}

describe('password reset by mail', () => {
  it('mails a single-use link from "Forgot your password?"; the new password signs them in and everyone else out', async () => {
    const user = await createUser(t.db, { email: 'riley@example.com', displayName: 'Riley' })
    const elsewhere = await t.client().signInAs(user)
    const login = await html(await t.client().get('/login'))
    expect(login.querySelector('a[href="/password/forgot"]')?.text).toBe('Forgot your password?')

    const asked = await requestReset('  Riley@Example.com ')
    expect(asked.status).toBe(200)
    expect(texts(await html(asked), '[role=status]')).toEqual([
      'If an account exists for that address, we sent a link to it. The link works once, for one hour.',
    ])
    await deliverAll(t)
    const [mail, ...more] = mailsTo(sink, 'riley@example.com')
    expect(more).toHaveLength(0)
    expect(mail!.subject).toBe('Reset your password on Test Community')
    expect(mail!.text).toContain('works once, for one hour')
    expect(mail!.headers.has('list-unsubscribe')).toBe(false)
    const path = linkIn(mail, '/password/reset/')
    expect(String(mail!.html)).toContain(`http://localhost${path}`)

    // Opening the link (as a mail scanner would) changes nothing.
    const client = t.client()
    const page = await client.get(path)
    expect(page.status).toBe(200)
    const form = await html(page)
    expect(form.querySelector('h1')?.text).toBe('Choose a new password')
    expect(form.querySelector(`form[action="${path}"] input[name=password]`)).not.toBeNull()
    const [token] = await t.db.select().from(actionTokens).where(eq(actionTokens.userId, user.id))
    expect(token).toMatchObject({ purpose: 'password_reset', usedAt: null })
    expect(token!.expiresAt.getTime() - t.clock.now().getTime()).toBe(HOUR)
    expect(token!.tokenHash).not.toContain(path.split('/').pop())

    const weak = await client.post(path, { password: 'short' })
    expect(weak.status).toBe(422)
    expect((await html(weak)).querySelector('#field-password-error')?.text).toMatch(/at least 10 characters/)

    const done = await client.post(path, { password: 'a brand new passphrase' })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/account?done=password-reset')
    const account = await html(await client.get(done.headers.get('location')!))
    expect(texts(account, '[role=status]')[0]).toMatch(/new password is saved and you are signed in/)
    const rows = await t.db.select().from(sessions).where(eq(sessions.userId, user.id))
    expect(rows).toHaveLength(1)
    expect((await elsewhere.get('/account')).status).toBe(302)

    expect(await signInWorks('riley@example.com', 'a brand new passphrase')).toBe(true)
    expect(await signInWorks('riley@example.com', TEST_PASSWORD)).toBe(false)
    const [used] = await t.db.select().from(actionTokens).where(eq(actionTokens.id, token!.id))
    expect(used!.usedAt).toEqual(t.clock.now())
    // Following the mailed link proves the address, as a confirmation link would.
    const [after] = await t.db.select().from(users).where(eq(users.id, user.id))
    expect(after!.emailVerifiedAt).toEqual(t.clock.now())

    const again = await t.client().get(path)
    expect(again.status).toBe(410)
    expect((await html(again)).querySelector('h1')?.text).toBe('This link was used already')
    const replay = await t.client().post(path, { password: 'an attacker passphrase' })
    expect(replay.status).toBe(410)
    expect(await signInWorks('riley@example.com', 'a brand new passphrase')).toBe(true)
  })

  it('answers an unknown address exactly as a known one, and mails nobody', async () => {
    await createUser(t.db, { email: 'known@example.com' })
    const before = sink.received.length
    const known = await requestReset('known@example.com')
    const unknown = await requestReset('nobody-here@example.com')
    expect(unknown.status).toBe(known.status)
    const main = async (response: Response) => (await html(response)).querySelector('main')!.toString().replace(/value="[^"]*"/g, '')
    expect(await main(unknown)).toBe(await main(known))
    await deliverAll(t)
    expect(sink.received.length).toBe(before + 1)
    expect(mailsTo(sink, 'nobody-here@example.com')).toHaveLength(0)
    expect(await t.db.select().from(mailMessages).where(eq(mailMessages.toAddress, 'nobody-here@example.com'))).toHaveLength(0)
  })

  it('retires the older link when a new one is asked for', async () => {
    const user = await createUser(t.db, { email: 'twice@example.com' })
    const first = await resetLinkFor(user)
    const second = await resetLinkFor(user)
    expect(second).not.toBe(first)
    expect((await t.client().get(first)).status).toBe(410)
    expect((await t.client().get(second)).status).toBe(200)
  })

  it('refuses an expired link with a clear page, and the password stays', async () => {
    const user = await createUser(t.db, { email: 'late@example.com' })
    const path = await resetLinkFor(user)
    t.clock.advance(HOUR + 1000)
    const page = await t.client().get(path)
    expect(page.status).toBe(410)
    const body = await html(page)
    expect(body.querySelector('h1')?.text).toBe('This link has expired')
    expect(body.querySelector('a[href="/password/forgot"]')).not.toBeNull()
    expect((await t.client().post(path, { password: 'too late passphrase' })).status).toBe(410)
    expect(await signInWorks('late@example.com', TEST_PASSWORD)).toBe(true)
  })

  it('refuses made-up links with a 404 page, never a 500', async () => {
    for (const path of ['/password/reset/abcdefghijklmnopqrstuvwxyz234567', '/password/reset/x', `/password/reset/${'z'.repeat(300)}`]) {
      expect((await t.client().get(path)).status).toBe(404)
      expect((await t.client().post(path, { password: 'whatever passphrase' })).status).toBe(404)
    }
  })

  it('refuses a malformed address with a message by the field', async () => {
    const response = await requestReset('not-an-address')
    expect(response.status).toBe(422)
    expect((await html(response)).querySelector('#field-email-error')?.text).toMatch(/email address/)
  })

  it('is rate-limited per address (known or not) and per IP', async () => {
    const user = await createUser(t.db, { email: 'spammed@example.com' })
    for (const email of ['spammed@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 3; i++) expect((await requestReset(email)).status).toBe(200)
      const refused = await requestReset(email)
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
    }
    await deliverAll(t)
    expect(mailsTo(sink, user.email)).toHaveLength(3)

    const ip = fromIp()
    for (let i = 0; i < 20; i++) expect((await requestReset(`visitor${i}@example.com`, ip)).status).toBe(200)
    expect((await requestReset('visitor-last@example.com', ip)).status).toBe(429)
    expect((await requestReset('visitor-last@example.com')).status).toBe(200)
  })

  it('needs the CSRF token on both forms', async () => {
    const user = await createUser(t.db, { email: 'forged@example.com' })
    const forged = await t.client().post('/password/forgot', { email: user.email }, { withoutCsrf: true, ...fromIp() })
    expect(forged.status).toBe(403)
    expect(await t.db.select().from(actionTokens).where(eq(actionTokens.userId, user.id))).toHaveLength(0)

    const path = await resetLinkFor(user)
    const forgedReset = await t.client().post(path, { password: 'a forged passphrase' }, { withoutCsrf: true })
    expect(forgedReset.status).toBe(403)
    const live = await t.db
      .select()
      .from(actionTokens)
      .where(and(eq(actionTokens.userId, user.id), eq(actionTokens.purpose, 'password_reset')))
    expect(live.map((row) => row.usedAt)).toEqual([null])
    expect(await signInWorks(user.email, TEST_PASSWORD)).toBe(true)
  })
})
