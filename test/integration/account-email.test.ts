import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueSetupLink } from '../../src/auth'
import { actionTokens, mailMessages, sessions, users, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createThread, createUser, TEST_PASSWORD } from '../support/factories'
import { deliverAll, linkIn, mailsTo } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Confirming one's address (at sign-up, or again from the account page) and moving an account
// to a new address, through the app and a real SMTP server.

let sink: SmtpSink
let t: TestApp
beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

async function userBy(id: number): Promise<User> {
  const [user] = await t.db.select().from(users).where(eq(users.id, id))
  return user!
}

async function lastMailTo(address: string) {
  await deliverAll(t)
  const mails = mailsTo(sink, address)
  return mails[mails.length - 1]
}

describe('email verification', () => {
  it('sign-up mails a 7-day link; opening it changes nothing, the button confirms the address', async () => {
    const client = t.client()
    const signedUp = await client.post('/signup', { email: 'new@example.com', displayName: 'Nova', password: 'a long enough passphrase' })
    expect(signedUp.status).toBe(303)
    const [user] = await t.db.select().from(users).where(eq(users.email, 'new@example.com'))
    expect(user!.emailVerifiedAt).toBeNull()

    const mail = await lastMailTo('new@example.com')
    expect(mail!.subject).toBe('Confirm your email address for Test Community')
    expect(mail!.to).toMatchObject({ value: [{ name: 'Nova', address: 'new@example.com' }] })
    expect(mail!.headers.has('list-unsubscribe')).toBe(false)
    const path = linkIn(mail, '/verify/')
    const [token] = await t.db.select().from(actionTokens).where(eq(actionTokens.userId, user!.id))
    expect(token!.expiresAt.getTime() - t.clock.now().getTime()).toBe(7 * DAY)

    const account = await html(await client.get('/account'))
    expect(account.querySelector('.email-state')?.text).toBe('(unverified)')
    expect(account.querySelector('form[action="/account/verify"] button')?.text.trim()).toBe('Resend the link')

    const page = await t.client().get(path)
    expect(page.status).toBe(200)
    expect((await html(page)).querySelector(`form[action="${path}"] button`)?.text).toBe('Confirm my address')
    expect((await userBy(user!.id)).emailVerifiedAt).toBeNull()

    // No sign-in needed: the link is the proof.
    const confirmed = await t.client().post(path)
    expect(confirmed.status).toBe(200)
    expect(texts(await html(confirmed), '[role=status]')).toEqual(['Thank you: new@example.com is confirmed.'])
    expect((await userBy(user!.id)).emailVerifiedAt).toEqual(t.clock.now())
    const after = await html(await client.get('/account'))
    expect(after.querySelector('.email-state')?.text).toBe('(confirmed)')
    expect(after.querySelector('form[action="/account/verify"]')).toBeNull()
    expect((await t.client().post(path)).status).toBe(410)
  })

  it('lets an unverified account post: the state is only recorded', async () => {
    const member = await createUser(t.db, { email: 'unconfirmed@example.com' })
    const category = await createCategory(t.db, { name: 'Help', slug: 'help' })
    const thread = await createThread(t, member, category)
    expect(thread.id).toBeGreaterThan(0)
    expect((await userBy(member.id)).emailVerifiedAt).toBeNull()
  })

  it('resends the link from the account page (older links stop working), rate-limited', async () => {
    const member = await createUser(t.db, { email: 'resend@example.com' })
    const client = await t.client().signInAs(member)
    const first = await client.post('/account/verify')
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/account?done=verification-sent')
    const older = linkIn(await lastMailTo('resend@example.com'), '/verify/')
    expect((await client.post('/account/verify')).status).toBe(303)
    const newer = linkIn(await lastMailTo('resend@example.com'), '/verify/')
    expect(mailsTo(sink, 'resend@example.com')).toHaveLength(2)
    expect((await t.client().get(older)).status).toBe(410)
    expect((await client.post('/account/verify')).status).toBe(303)
    const limited = await client.post('/account/verify')
    expect(limited.status).toBe(429)
    expect(texts(await html(limited), '.form-message')[0]).toMatch(/Too many attempts/)

    expect((await t.client().post(newer)).status).toBe(410)
    const newest = linkIn(await lastMailTo('resend@example.com'), '/verify/')
    expect((await t.client().post(newest)).status).toBe(200)
    t.clock.advance(HOUR)
    const already = await client.post('/account/verify')
    expect(already.status).toBe(409)
    expect(texts(await html(already), '.form-message')[0]).toBe('Your address is already confirmed.')
  })

  it('refuses an expired link, a made-up one, a forged POST and an anonymous resend', async () => {
    const member = await createUser(t.db, { email: 'slow@example.com' })
    const client = await t.client().signInAs(member)
    await client.post('/account/verify')
    const path = linkIn(await lastMailTo('slow@example.com'), '/verify/')
    expect((await t.client().post(path, {}, { withoutCsrf: true })).status).toBe(403)
    expect((await userBy(member.id)).emailVerifiedAt).toBeNull()
    t.clock.advance(7 * DAY + 1000)
    const expired = await t.client().get(path)
    expect(expired.status).toBe(410)
    expect((await html(expired)).querySelector('h1')?.text).toBe('This link has expired')
    expect((await t.client().post(path)).status).toBe(410)
    expect((await userBy(member.id)).emailVerifiedAt).toBeNull()
    expect((await t.client().get('/verify/abcdefghijklmnopqrstuvwxyz234567')).status).toBe(404)
    const anonymous = await t.client().post('/account/verify')
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
  })

  it('counts the setup admin as verified: the operator typed the address with the console link', async () => {
    const fresh = await createTestApp()
    try {
      const token = await issueSetupLink({ ctx: fresh.ctx() })
      const created = await fresh.client().post(`/setup/${token}`, { email: 'admin@example.com', displayName: 'Admin', password: 'the admin passphrase' })
      expect(created.status).toBe(303)
      const [admin] = await fresh.db.select().from(users).where(eq(users.email, 'admin@example.com'))
      expect(admin!.emailVerifiedAt).toEqual(fresh.clock.now())
      expect(await fresh.db.select().from(mailMessages)).toHaveLength(0)
    } finally {
      await fresh.close()
    }
  })
})

describe("changing one's address", () => {
  it('confirms with the new address, tells the old one, and keeps every session', async () => {
    const member = await createUser(t.db, { email: 'old@example.com', displayName: 'Casey' })
    await t.db.update(users).set({ mailFailingAt: t.clock.now(), mailFailingReason: '550 mailbox full' }).where(eq(users.id, member.id))
    const client = await t.client().signInAs(member)
    const phone = await t.client().signInAs(member)
    const nav = await html(await client.get('/'))
    expect(nav.querySelector('.dropdown a[href="/account"]')).not.toBeNull()
    const page = await html(await client.get('/account'))
    expect(page.querySelector('.account-email')?.text).toBe('old@example.com')

    const asked = await client.post('/account/email', { newEmail: ' Casey@New.Example ', currentPassword: TEST_PASSWORD })
    expect(asked.status).toBe(303)
    expect(asked.headers.get('location')).toBe('/account?done=email-requested')
    const pending = await html(await client.get('/account?done=email-requested'))
    expect(texts(pending, '.pending-email')[0]).toMatch(/we sent a link to casey@new\.example/)
    expect((await userBy(member.id)).email).toBe('old@example.com')

    await deliverAll(t)
    const [toNew, ...moreNew] = mailsTo(sink, 'casey@new.example')
    const [toOld, ...moreOld] = mailsTo(sink, 'old@example.com')
    expect([moreNew.length, moreOld.length]).toEqual([0, 0])
    expect(toNew!.subject).toBe('Confirm your new email address for Test Community')
    expect(toOld!.subject).toBe('Your Test Community email address is about to change')
    expect(toOld!.text).toContain('from old@example.com to casey@new.example')
    expect(toOld!.text).not.toContain('/email/confirm/')
    const path = linkIn(toNew, '/email/confirm/')
    const [token] = await t.db.select().from(actionTokens).where(and(eq(actionTokens.userId, member.id), eq(actionTokens.purpose, 'change_email')))
    expect(token!.data).toMatchObject({ newEmail: 'casey@new.example' })
    expect(token!.expiresAt.getTime() - t.clock.now().getTime()).toBe(DAY)

    const confirmPage = await t.client().get(path)
    expect(confirmPage.status).toBe(200)
    expect((await html(confirmPage)).querySelector('main p')?.text).toBe('Your account will use casey@new.example instead of old@example.com.')
    expect((await userBy(member.id)).email).toBe('old@example.com')

    const confirmed = await t.client().post(path)
    expect(confirmed.status).toBe(200)
    expect(texts(await html(confirmed), '[role=status]')[0]).toBe('Your account now uses casey@new.example. Sign in with it from now on.')
    const after = await userBy(member.id)
    expect(after).toMatchObject({ email: 'casey@new.example', mailFailingAt: null, mailFailingReason: null })
    expect(after.emailVerifiedAt).toEqual(t.clock.now())
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, member.id))).toHaveLength(2)
    expect((await html(await phone.get('/account'))).querySelector('.account-email')?.text).toBe('casey@new.example')
    expect((await t.client().post('/login', { email: 'casey@new.example', password: TEST_PASSWORD })).status).toBe(303)
    expect((await t.client().post(path)).status).toBe(410)
  })

  it('refuses a wrong password, a bad address and one already taken, and mails nobody', async () => {
    const member = await createUser(t.db, { email: 'careful@example.com' })
    await createUser(t.db, { email: 'taken@example.com' })
    const client = await t.client().signInAs(member)
    const before = await t.db.select().from(mailMessages)

    const wrong = await client.post('/account/email', { newEmail: 'elsewhere@example.com', currentPassword: 'not my password' })
    expect(wrong.status).toBe(422)
    const wrongPage = await html(wrong)
    expect(wrongPage.querySelector('#email-current-password-error')?.text).toBe('That is not your current password.')
    expect(wrongPage.querySelector('#field-newEmail')?.getAttribute('value')).toBe('elsewhere@example.com')
    expect(wrongPage.querySelector('#email-current-password')?.getAttribute('value')).toBe('')

    const bad = await client.post('/account/email', { newEmail: 'nope', currentPassword: TEST_PASSWORD })
    expect(bad.status).toBe(422)
    expect((await html(bad)).querySelector('#field-newEmail-error')?.text).toMatch(/email address/)
    const same = await client.post('/account/email', { newEmail: 'careful@example.com', currentPassword: TEST_PASSWORD })
    expect(same.status).toBe(422)
    const taken = await client.post('/account/email', { newEmail: 'taken@example.com', currentPassword: TEST_PASSWORD })
    expect(taken.status).toBe(409)
    expect((await html(taken)).querySelector('#field-newEmail-error')?.text).toBe('Another account already uses this address.')

    expect(await t.db.select().from(mailMessages)).toHaveLength(before.length)
    expect(await t.db.select().from(actionTokens).where(eq(actionTokens.userId, member.id))).toHaveLength(0)
    expect((await userBy(member.id)).email).toBe('careful@example.com')
  })

  it('refuses politely when the new address was taken meanwhile, and the address stays', async () => {
    const member = await createUser(t.db, { email: 'racer@example.com' })
    const client = await t.client().signInAs(member)
    await client.post('/account/email', { newEmail: 'contested@example.com', currentPassword: TEST_PASSWORD })
    const path = linkIn(await lastMailTo('contested@example.com'), '/email/confirm/')
    await t.client().post('/signup', { email: 'contested@example.com', displayName: 'Quick', password: 'a long enough passphrase' })
    const refused = await t.client().post(path)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('Another account started using contested@example.com after this link was sent, so your address stays as it was.')
    expect((await userBy(member.id)).email).toBe('racer@example.com')
  })

  it('refuses an expired link, a used one, a forged POST and an anonymous request', async () => {
    const member = await createUser(t.db, { email: 'patient@example.com' })
    const client = await t.client().signInAs(member)
    await client.post('/account/email', { newEmail: 'later@example.com', currentPassword: TEST_PASSWORD })
    const path = linkIn(await lastMailTo('later@example.com'), '/email/confirm/')
    expect((await t.client().post(path, {}, { withoutCsrf: true })).status).toBe(403)
    t.clock.advance(DAY + 1000)
    expect((await t.client().get(path)).status).toBe(410)
    expect((await t.client().post(path)).status).toBe(410)
    expect((await userBy(member.id)).email).toBe('patient@example.com')

    const forged = await client.post('/account/email', { newEmail: 'forged@example.com', currentPassword: TEST_PASSWORD }, { withoutCsrf: true })
    expect(forged.status).toBe(403)
    expect(mailsTo(sink, 'forged@example.com')).toHaveLength(0)
    const anonymous = await t.client().post('/account/email', { newEmail: 'anon@example.com', currentPassword: TEST_PASSWORD })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    expect((await t.client().get('/account')).status).toBe(302)
  })

  it('retires a reset link mailed to the old address once the address changes', async () => {
    const member = await createUser(t.db, { email: 'mover@example.com' })
    const client = await t.client().signInAs(member)
    await t.client().post('/password/forgot', { email: 'mover@example.com' })
    const reset = linkIn(await lastMailTo('mover@example.com'), '/password/reset/')
    await client.post('/account/email', { newEmail: 'moved@example.com', currentPassword: TEST_PASSWORD })
    const confirm = linkIn(await lastMailTo('moved@example.com'), '/email/confirm/')
    expect((await t.client().post(confirm)).status).toBe(200)
    expect((await t.client().get(reset)).status).toBe(410)
  })
})

describe('changing one\'s password', () => {
  it('needs the current password, and signs out every other session but this one', async () => {
    const member = await createUser(t.db, { email: 'rotate@example.com' })
    const client = await t.client().signInAs(member)
    const other = await t.client().signInAs(member)
    const wrong = await client.post('/account/password', { currentPassword: 'guess', newPassword: 'a fresh passphrase' })
    expect(wrong.status).toBe(422)
    expect((await html(wrong)).querySelector('#password-current-password-error')?.text).toBe('That is not your current password.')
    const weak = await client.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' })
    expect(weak.status).toBe(422)
    expect((await html(weak)).querySelector('#field-newPassword-error')?.text).toMatch(/at least 10 characters/)
    expect((await client.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'a fresh passphrase' }, { withoutCsrf: true })).status).toBe(403)

    const changed = await client.post('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'a fresh passphrase' })
    expect(changed.status).toBe(303)
    expect((await client.get('/account')).status).toBe(200)
    expect((await other.get('/account')).status).toBe(302)
    expect((await t.client().post('/login', { email: 'rotate@example.com', password: 'a fresh passphrase' })).status).toBe(303)
  })
})
