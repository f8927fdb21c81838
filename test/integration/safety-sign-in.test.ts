import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditEntries, threadReads, users, type Category, type User } from '../../src/db/schema'
import { FORM_MIN_SECONDS, HONEYPOT_FIELD, recomputeTrustLevels, STAMP_FIELD } from '../../src/safety'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createThread, createUser, TEST_PASSWORD } from '../support/factories'
import { deliverAll, linkIn, mailsTo } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Sign-in that slows the guesser and not the owner (with a mailed way in), the sign-up and ask
// forms' bot checks, disposable addresses, and trust levels earned and set by hand.

let sink: SmtpSink
let t: TestApp
let category: Category

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>', TRUST_PROXY: '1', FORM_BOT_CHECKS: 'true' } })
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

const from = (address: string) => ({ headers: { 'x-forwarded-for': address } })
const signIn = (email: string, password: string, address: string) => t.client().post('/login', { email, password }, from(address))

describe('sign-in limits', () => {
  it('fifty wrong passwords from one address slow that address, never the owner elsewhere', async () => {
    await createUser(t.db, { email: 'owner@example.com' })
    const statuses: number[] = []
    for (let i = 0; i < 50; i++) statuses.push((await signIn('owner@example.com', `guess ${i}`, '192.0.2.66')).status)
    expect(statuses.slice(0, 5)).toEqual([422, 422, 422, 422, 422])
    expect(statuses.slice(5).every((status) => status === 429)).toBe(true)
    const guesser = await signIn('owner@example.com', TEST_PASSWORD, '192.0.2.66')
    expect(guesser.status).toBe(429)
    expect((await html(guesser)).querySelector('.form-message')?.text).toMatch(/sign-in link by mail/)
    // The owner, from home, walks straight in.
    expect((await signIn('owner@example.com', TEST_PASSWORD, '198.51.100.77')).status).toBe(303)
  })

  it('never counts successful sign-ins: an office behind one address signs in all day', async () => {
    const people = await Promise.all(Array.from({ length: 4 }, (_, i) => createUser(t.db, { email: `office${i}@example.com` })))
    for (let round = 0; round < 10; round++) for (const person of people) expect((await signIn(person.email, TEST_PASSWORD, '203.0.113.10')).status).toBe(303)
  }, 90_000) // 40 real argon2 checks

  it('gives the owner a single-use link by mail that signs them in while password sign-in is paused', async () => {
    const owner = await createUser(t.db, { email: 'paused@example.com', displayName: 'Paused Owner' })
    // A spread-out attack pauses password sign-in for the account itself.
    for (let i = 0; i < 101; i++) await signIn('paused@example.com', `guess ${i}`, `10.0.${Math.floor(i / 4)}.${i % 4}`)
    expect((await signIn('paused@example.com', TEST_PASSWORD, '198.51.100.99')).status).toBe(429)
    const visitor = t.client()
    const unknown = await visitor.post('/login/link', { email: 'nobody@example.com' }, from('198.51.100.99'))
    const asked = await visitor.post('/login/link', { email: 'paused@example.com' }, from('198.51.100.99'))
    expect(asked.status).toBe(200)
    expect((await html(asked)).querySelector('[role=status]')?.text).toBe((await html(unknown)).querySelector('[role=status]')?.text)
    await deliverAll(t)
    const path = linkIn(mailsTo(sink, owner.email).at(-1), '/login/link/')
    // Opening the link signs nobody in (mail scanners fetch links); the button does.
    expect((await visitor.get(path)).status).toBe(200)
    const done = await visitor.post(path, {})
    expect(done.status).toBe(303)
    expect((await html(await visitor.get('/account'))).text).toContain('paused@example.com')
    const again = await t.client().post(path, {})
    expect(again.status).toBe(404)
    // Password sign-in works again for the owner.
    expect((await signIn('paused@example.com', TEST_PASSWORD, '198.51.100.99')).status).toBe(303)
  }, 120_000) // 101 real argon2 checks of wrong passwords
})

describe('bot checks on the sign-up and ask forms', () => {
  async function signUpForm(client: ReturnType<TestApp['client']>) {
    const page = await html(await client.get('/signup'))
    return { stamp: page.querySelector(`input[name=${STAMP_FIELD}]`)!.getAttribute('value')!, trap: page.querySelector(`input[name=${HONEYPOT_FIELD}]`) }
  }

  it('refuses a filled honeypot and a too-fast or forged submission, keeping the input, and accepts a person', async () => {
    const client = t.client()
    const { stamp, trap } = await signUpForm(client)
    expect(trap?.getAttribute('tabindex')).toBe('-1')
    const fields = { email: 'person@example.net', displayName: 'A Person', password: 'a long enough password 123' }
    const fast = await client.post('/signup', { ...fields, [STAMP_FIELD]: stamp })
    expect(fast.status).toBe(422)
    const page = await html(fast)
    expect(page.querySelector('.form-message')?.text).toMatch(/quicker than anyone can fill in this form/)
    expect(page.querySelector('input[name=email]')?.getAttribute('value')).toBe('person@example.net')
    t.clock.advance(FORM_MIN_SECONDS.sign_up * 1000)
    expect((await client.post('/signup', { ...fields, [STAMP_FIELD]: stamp, [HONEYPOT_FIELD]: 'http://spam.example' })).status).toBe(422)
    expect((await client.post('/signup', { ...fields, [STAMP_FIELD]: `${Date.parse('2026-03-01T00:00:00Z')}.forged` })).status).toBe(422)
    expect((await client.post('/signup', fields)).status).toBe(422)
    expect(await t.db.select().from(users).where(eq(users.email, 'person@example.net'))).toHaveLength(0)
    expect((await client.post('/signup', { ...fields, [STAMP_FIELD]: stamp })).status).toBe(303)
    // A new account starts new.
    const [created] = await t.db.select().from(users).where(eq(users.email, 'person@example.net'))
    expect(created!.trustLevel).toBe(0)
  })

  it('guards the ask form the same way', async () => {
    const asker = await t.client().signInAs(await createUser(t.db))
    const page = await html(await asker.get('/ask'))
    const stamp = page.querySelector(`input[name=${STAMP_FIELD}]`)!.getAttribute('value')!
    const question = { title: 'How do I rotate the API keys safely?', body: 'I need to rotate keys without downtime for customers.', categoryId: category.id, tags: '' }
    const fast = await asker.post('/ask', { ...question, [STAMP_FIELD]: stamp })
    expect(fast.status).toBe(422)
    expect((await html(fast)).querySelector('input[name=title]')?.getAttribute('value')).toBe(question.title)
    t.clock.advance(FORM_MIN_SECONDS.ask * 1000)
    expect((await asker.post('/ask', { ...question, [STAMP_FIELD]: stamp })).status).toBe(303)
  })

  it('refuses disposable-mail addresses only when the admin turns that on', async () => {
    const admin = await t.client().signInAs(await createUser(t.db, { role: 'admin' }))
    const signUp = async (email: string) => {
      const client = t.client()
      const { stamp } = await signUpForm(client)
      t.clock.advance(5000)
      return client.post('/signup', { email, displayName: 'Throwaway', password: 'a long enough password 123', [STAMP_FIELD]: stamp })
    }
    expect((await signUp('first@mailinator.com')).status).toBe(303)
    const settings = { approveNewAccountPosts: '0', approveNewAccountPostCount: '1', blockDisposableEmail: '1', flagsToHide: '3', newAccountMaxLinkDomains: '2' }
    expect((await admin.post('/admin/safety', settings)).status).toBe(303)
    const refused = await signUp('second@mailinator.com')
    expect(refused.status).toBe(422)
    expect((await html(refused)).querySelector('.field-error')?.text).toMatch(/disposable-mail/)
    expect((await signUp('real@company.example')).status).toBe(303)
    expect((await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'safety.settings_changed'))).length).toBeGreaterThan(0)
    const bad = await admin.post('/admin/safety', { ...settings, flagsToHide: '0' })
    expect(bad.status).toBe(422)
    expect((await html(bad)).querySelector('input[name=flagsToHide]')?.getAttribute('value')).toBe('0')
    await admin.post('/admin/safety', { ...settings, blockDisposableEmail: '0' })
  })
})

describe('trust levels', () => {
  it('promotes a new account by reading, then by an accepted answer; an admin can set a level by hand, which locks it', async () => {
    const asker = await createUser(t.db)
    const threadsToRead = await Promise.all(Array.from({ length: 5 }, () => createThread(t, asker, category)))
    const person: User = await createUser(t.db, { displayName: 'Newcomer', trustLevel: 0, createdAt: t.clock.now() })
    const reader = await t.client().signInAs(person)
    const level = async () => (await t.db.select().from(users).where(eq(users.id, person.id)))[0]!.trustLevel
    for (const thread of threadsToRead) await reader.get(`/t/${thread.id}/${thread.slug}`)
    expect(await level()).toBe(0) // not within the first hour
    t.clock.advance(2 * 3600 * 1000)
    await reader.get(`/t/${threadsToRead[0]!.id}/${threadsToRead[0]!.slug}`)
    const extra = await createThread(t, asker, category)
    await reader.get(`/t/${extra.id}/${extra.slug}`)
    expect(await level()).toBe(1)

    t.clock.advance(24 * 3600 * 1000)
    const reply = await (await t.client().signInAs(person)).post(`/t/${extra.id}/replies`, { body: 'Here is how I solved the very same thing.' })
    expect(reply.status).toBe(303)
    const replyId = Number(reply.headers.get('location')!.split('#reply-')[1])
    await (await t.client().signInAs(asker)).post(`/r/${replyId}/accept`, { on: '1' })
    expect(await level()).toBe(2)

    const admin = await t.client().signInAs(await createUser(t.db, { role: 'admin' }))
    expect((await (await t.client().signInAs(asker)).post(`/moderation/users/${person.id}/trust`, { trustLevel: '0' })).status).toBe(403)
    expect((await admin.post(`/moderation/users/${person.id}/trust`, { trustLevel: '7' })).status).toBe(422)
    expect((await admin.post(`/moderation/users/${person.id}/trust`, { trustLevel: '0' })).status).toBe(303)
    expect(await level()).toBe(0)
    // Locked: behaviour no longer moves it.
    const more = await createThread(t, asker, category)
    await reader.get(`/t/${more.id}/${more.slug}`)
    expect(await level()).toBe(0)
    const page = await html(await admin.get(`/moderation/users/${person.id}`))
    expect(page.text).toMatch(/Trust level: new \(set by hand\)/)
    expect((await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'user.trust_level_changed'))).length).toBe(1)
  })

  it('recomputes levels in the hourly job: time alone can earn one, and a regular who stopped helping becomes a member', async () => {
    const asker = await createUser(t.db)
    const reads = await Promise.all(Array.from({ length: 5 }, () => createThread(t, asker, category)))
    const quiet = await createUser(t.db, { displayName: 'Quiet Reader', trustLevel: 0, createdAt: t.clock.now() })
    await t.db.insert(threadReads).values(reads.map((thread) => ({ userId: quiet.id, threadId: thread.id, firstReadAt: t.clock.now() })))
    const former = await createUser(t.db, { displayName: 'Former Regular', trustLevel: 3 })
    t.clock.advance(2 * 3600 * 1000)
    const result = await recomputeTrustLevels(t.db, t.clock.now())
    expect(result.changed).toBeGreaterThanOrEqual(2)
    const level = async (id: number) => (await t.db.select().from(users).where(eq(users.id, id)))[0]!.trustLevel
    expect(await level(quiet.id)).toBe(1)
    expect(await level(former.id)).toBe(2)
  })

  it('holds the first post of a new account when the admin asks for approval', async () => {
    const admin = await t.client().signInAs(await createUser(t.db, { role: 'admin' }))
    await admin.post('/admin/safety', { approveNewAccountPosts: '1', approveNewAccountPostCount: '1', blockDisposableEmail: '0', flagsToHide: '3', newAccountMaxLinkDomains: '2' })
    const thread = await createThread(t, await createUser(t.db), category)
    const fresh = await t.client().signInAs(await createUser(t.db, { trustLevel: 0, createdAt: t.clock.now(), displayName: 'First Poster' }))
    await fresh.post(`/t/${thread.id}/replies`, { body: 'My very first reply on this forum.' })
    const member = await t.client().signInAs(await createUser(t.db, { displayName: 'Old Hand' }))
    await member.post(`/t/${thread.id}/replies`, { body: 'An established member replies at once.' })
    const page = await (await t.client().get(`/t/${thread.id}/${thread.slug}`)).text()
    expect(page).not.toContain('My very first reply')
    expect(page).toContain('An established member replies')
    await admin.post('/admin/safety', { approveNewAccountPosts: '0', approveNewAccountPostCount: '1', blockDisposableEmail: '0', flagsToHide: '3', newAccountMaxLinkDomains: '2' })
  })
})
