import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueSetupLink } from '../../src/auth'
import { hashToken } from '../../src/auth/tokens'
import { sessions, users } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, TestClient } from '../support/client'
import { createOrganisation, createUser, TEST_PASSWORD } from '../support/factories'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

const DAY = 24 * 60 * 60 * 1000

async function countUsers(email: string) {
  return (await t.db.select().from(users).where(eq(users.email, email))).length
}

describe('sign up', () => {
  it('creates a member, signs them in with an HttpOnly SameSite=Lax cookie, and stores only the token hash', async () => {
    const client = t.client()
    const response = await client.post('/signup?next=/solved', {
      email: '  New.Person@Example.com ',
      displayName: 'New Person',
      password: 'a long enough passphrase',
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/solved')
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).not.toMatch(/Secure/)
    const token = client.cookies.get('session')!
    const [user] = await t.db.select().from(users).where(eq(users.email, 'new.person@example.com'))
    expect(user?.role).toBe('member')
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/)
    const rows = await t.db.select().from(sessions).where(eq(sessions.userId, user!.id))
    expect(rows.map((row) => row.id)).toEqual([hashToken(token)])
    const home = await html(await client.get('/'))
    expect(home.querySelector('.dropdown summary')?.text).toBe('New Person')
  })

  it('refuses bad input with a message by each field, keeps what was typed except the password, and saves nothing', async () => {
    const client = t.client()
    const response = await client.post('/signup', { email: 'not-an-email', displayName: '   ', password: 'short' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-email-error')?.text).toMatch(/email address/)
    expect(page.querySelector('#field-displayName-error')?.text).toBe('Display name is required.')
    expect(page.querySelector('#field-password-error')?.text).toMatch(/at least 10 characters/)
    expect(page.querySelector('#field-email')?.getAttribute('value')).toBe('not-an-email')
    expect(page.querySelector('#field-password')?.getAttribute('value')).toBe('')
    expect(page.querySelector('#field-email')?.getAttribute('aria-invalid')).toBe('true')
    expect(await countUsers('not-an-email')).toBe(0)
  })

  it('refuses an email that already has an account', async () => {
    await createUser(t.db, { email: 'taken@example.com' })
    const response = await t.client().post('/signup', { email: 'TAKEN@example.com', displayName: 'Someone', password: 'another passphrase' })
    expect(response.status).toBe(409)
    const page = await html(response)
    expect(page.querySelector('#field-email-error')?.text).toMatch(/already exists/)
    expect(await countUsers('taken@example.com')).toBe(1)
  })

  it('is rate-limited per address', async () => {
    const fresh = await createTestApp()
    try {
      const client = fresh.client()
      let last: Response | undefined
      for (let i = 0; i < 11; i++) {
        last = await client.post('/signup', { email: `burst${i}@example.com`, displayName: 'Burst', password: 'a long enough passphrase' })
        client.cookies.delete('session')
      }
      expect(last!.status).toBe(429)
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await html(last!).then((page) => page.querySelector('.form-message')?.text)).toMatch(/Too many attempts/)
    } finally {
      await fresh.close()
    }
  })
})

describe('sign in and out', () => {
  it('signs in with the right password and out again, deleting the session row', async () => {
    const user = await createUser(t.db, { email: 'signin@example.com' })
    const client = t.client()
    const response = await client.post('/login?next=/unanswered', { email: 'SIGNIN@example.com', password: TEST_PASSWORD })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/unanswered')
    const token = client.cookies.get('session')!
    expect(await t.db.select().from(sessions).where(eq(sessions.id, hashToken(token)))).toHaveLength(1)

    const out = await client.post('/logout')
    expect(out.status).toBe(303)
    expect(client.cookies.has('session')).toBe(false)
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0)
    // The old token no longer works even if someone kept the cookie.
    const replay = new TestClient(t)
    replay.cookies.set('session', token)
    const page = await html(await replay.get('/'))
    expect(page.querySelector('a[href^="/login"]')).not.toBeNull()
  })

  it('gives the same message for an unknown email and a wrong password', async () => {
    await createUser(t.db, { email: 'known@example.com' })
    const wrong = await t.client().post('/login', { email: 'known@example.com', password: 'wrong password!' })
    const unknown = await t.client().post('/login', { email: 'nobody@example.com', password: 'wrong password!' })
    expect(wrong.status).toBe(422)
    expect(unknown.status).toBe(422)
    const wrongMessage = (await html(wrong)).querySelector('#field-password-error')?.text
    const unknownMessage = (await html(unknown)).querySelector('#field-password-error')?.text
    expect(wrongMessage).toBe('That email and password do not match an account.')
    expect(unknownMessage).toBe(wrongMessage)
  })

  it('slows one address guessing one account for a while, even with the right password (other addresses: test/integration/safety-sign-in.test.ts)', async () => {
    await createUser(t.db, { email: 'target@example.com' })
    for (let i = 0; i < 5; i++) {
      const response = await t.client().post('/login', { email: 'target@example.com', password: `guess number ${i}` })
      expect(response.status).toBe(422)
    }
    const locked = await t.client().post('/login', { email: 'target@example.com', password: TEST_PASSWORD })
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).not.toBeNull()
    t.clock.advance(16 * 60 * 1000)
    const later = await t.client().post('/login', { email: 'target@example.com', password: TEST_PASSWORD })
    expect(later.status).toBe(303)
  })

  it('slides the session forward while it is used and ends it after 30 idle days', async () => {
    const user = await createUser(t.db)
    const client = await t.client().signInAs(user)
    const token = client.cookies.get('session')!
    t.clock.advance(20 * DAY)
    const used = await client.get('/')
    expect(used.headers.getSetCookie().some((line) => line.startsWith('session='))).toBe(true)
    const [row] = await t.db.select().from(sessions).where(eq(sessions.id, hashToken(token)))
    expect(row!.expiresAt.getTime()).toBe(t.clock.now().getTime() + 30 * DAY)
    t.clock.advance(31 * DAY)
    const expired = await html(await client.get('/'))
    expect(expired.querySelector('a[href^="/login"]')).not.toBeNull()
    expect(await t.db.select().from(sessions).where(eq(sessions.id, hashToken(token)))).toHaveLength(0)
  })

  it('uses Secure __Host- cookies behind HTTPS', async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: 'https://forum.example.com' } })
    try {
      await createUser(secure.db, { email: 'https@example.com' })
      const client = secure.client()
      const page = await client.get('/login')
      expect(page.headers.getSetCookie().join('\n')).toMatch(/__Host-csrf=.*Secure/)
      const body = new URLSearchParams({ email: 'https@example.com', password: TEST_PASSWORD, _csrf: client.cookies.get('__Host-csrf')! })
      const response = await client.request('/login', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://forum.example.com' },
      })
      expect(response.status).toBe(303)
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-session='))!
      expect(cookie).toMatch(/Secure/)
      expect(cookie).toMatch(/HttpOnly/)
      expect(cookie).toMatch(/Path=\//)
    } finally {
      await secure.close()
    }
  })
})

describe('CSRF protection', () => {
  it('refuses a state-changing request without the token and changes nothing', async () => {
    const response = await t.client().post('/signup', { email: 'csrf@example.com', displayName: 'Forged', password: 'a long enough passphrase' }, { withoutCsrf: true })
    expect(response.status).toBe(403)
    expect(await response.text()).toMatch(/expired or came from another site/)
    expect(await countUsers('csrf@example.com')).toBe(0)
  })

  it('refuses a token that does not match the cookie', async () => {
    const client = t.client()
    await client.csrfToken()
    const response = await client.request('/signup', {
      method: 'POST',
      body: new URLSearchParams({ email: 'csrf2@example.com', displayName: 'Forged', password: 'a long enough passphrase', _csrf: 'a'.repeat(32) }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.status).toBe(403)
    expect(await countUsers('csrf2@example.com')).toBe(0)
  })

  it('refuses a request from another origin even with a valid token', async () => {
    const client = t.client()
    const token = await client.csrfToken()
    const response = await client.request('/signup', {
      method: 'POST',
      body: new URLSearchParams({ email: 'csrf3@example.com', displayName: 'Forged', password: 'a long enough passphrase', _csrf: token }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    })
    expect(response.status).toBe(403)
    expect(await countUsers('csrf3@example.com')).toBe(0)
  })

  it('accepts the token in the X-CSRF-Token header that htmx sends', async () => {
    const client = t.client()
    const token = await client.csrfToken()
    const response = await client.request('/preview', {
      method: 'POST',
      body: new URLSearchParams({ body: '**bold**' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token, 'hx-request': 'true' },
    })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('<strong>bold</strong>')
  })
})

describe('first admin setup', () => {
  it('prints a one-time link while no admin exists, and the link creates the admin once', async () => {
    const fresh = await createTestApp()
    try {
      const token = await issueSetupLink({ ctx: fresh.ctx() })
      expect(token).toMatch(/^[a-z2-7]{32}$/)
      const client = fresh.client()
      const form = await client.get(`/setup/${token}`)
      expect(form.status).toBe(200)
      const bad = await client.post(`/setup/${token}`, { email: 'admin@example.com', displayName: 'Admin', password: 'short' })
      expect(bad.status).toBe(422)
      const created = await client.post(`/setup/${token}`, { email: 'admin@example.com', displayName: 'Admin', password: 'the admin passphrase' })
      expect(created.status).toBe(303)
      expect(created.headers.get('location')).toBe('/admin')
      const [admin] = await fresh.db.select().from(users).where(eq(users.email, 'admin@example.com'))
      expect(admin?.role).toBe('admin')
      expect((await fresh.client().get(`/setup/${token}`)).status).toBe(404)
      expect(await issueSetupLink({ ctx: fresh.ctx() })).toBeNull()
    } finally {
      await fresh.close()
    }
  })

  it('rejects made-up setup links', async () => {
    expect((await t.client().get('/setup/abcdefghijklmnopqrstuvwxyz234567')).status).toBe(404)
  })
})

describe('admin: roles and organisations', () => {
  it('lets an admin set a role and an organisation', async () => {
    const admin = await createUser(t.db, { role: 'admin' })
    const person = await createUser(t.db)
    const organisation = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
    const client = await t.client().signInAs(admin)
    const response = await client.post(`/admin/users/${person.id}`, { role: 'support', organisationId: String(organisation.id) })
    expect(response.status).toBe(303)
    const [updated] = await t.db.select().from(users).where(eq(users.id, person.id))
    expect(updated?.role).toBe('support')
    expect(updated?.organisationId).toBe(organisation.id)
    const list = await html(await client.get(`/admin/users?q=${encodeURIComponent(person.email)}`))
    expect(list.querySelector('tbody tr')?.text).toContain('Acme Corp')
  })

  it('refuses members, support staff and anonymous visitors', async () => {
    const member = await createUser(t.db)
    const support = await createUser(t.db, { role: 'support' })
    const target = await createUser(t.db)
    for (const actor of [member, support]) {
      const client = await t.client().signInAs(actor)
      expect((await client.get('/admin/users')).status).toBe(403)
      expect((await client.post(`/admin/users/${target.id}`, { role: 'admin', organisationId: '' })).status).toBe(403)
      expect((await client.get('/admin/organisations')).status).toBe(403)
      expect((await client.get('/admin/categories')).status).toBe(403)
    }
    const anonymous = await t.client().get('/admin/users')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin%2Fusers')
    const [unchanged] = await t.db.select().from(users).where(eq(users.id, target.id))
    expect(unchanged?.role).toBe('member')
  })

  it('keeps at least one admin', async () => {
    const lone = await createTestApp()
    try {
      const admin = await createUser(lone.db, { role: 'admin' })
      const client = await lone.client().signInAs(admin)
      const response = await client.post(`/admin/users/${admin.id}`, { role: 'member', organisationId: '' })
      expect(response.status).toBe(409)
      expect((await html(response)).querySelector('#field-role-error')?.text).toMatch(/only admin/)
      const [still] = await lone.db.select().from(users).where(eq(users.id, admin.id))
      expect(still?.role).toBe('admin')
    } finally {
      await lone.close()
    }
  })

  it('refuses an unknown organisation, an unknown role and an unknown person', async () => {
    const admin = await createUser(t.db, { role: 'admin' })
    const person = await createUser(t.db)
    const client = await t.client().signInAs(admin)
    const badOrganisation = await client.post(`/admin/users/${person.id}`, { role: 'member', organisationId: '999999' })
    expect(badOrganisation.status).toBe(422)
    expect((await html(badOrganisation)).querySelector('#field-organisationId-error')?.text).toMatch(/existing organisation/)
    const badRole = await client.post(`/admin/users/${person.id}`, { role: 'overlord', organisationId: '' })
    expect(badRole.status).toBe(422)
    expect((await client.post('/admin/users/99999999', { role: 'member', organisationId: '' })).status).toBe(404)
    expect((await client.get('/admin/users/not-a-number')).status).toBe(404)
  })

  it('creates and edits organisations with a plan, MRR and priority flag, refusing bad figures', async () => {
    const admin = await createUser(t.db, { role: 'admin' })
    const client = await t.client().signInAs(admin)
    const created = await client.post('/admin/organisations', { name: 'Globex', plan: 'startup', mrr: '1,250.50', isPriority: '1' })
    expect(created.status).toBe(303)
    const page = await html(await client.get('/admin/organisations'))
    const row = page.querySelectorAll('tbody tr').find((tr) => tr.text.includes('Globex'))
    expect(row?.text).toContain('startup')
    expect(row?.text).toContain('$1,251')
    const negative = await client.post('/admin/organisations', { name: 'Initech', plan: 'paid', mrr: '-5' })
    expect(negative.status).toBe(422)
    const again = await html(negative)
    expect(again.querySelector('#field-mrr-error')?.text).toMatch(/not negative/)
    expect(again.querySelector('#field-name')?.getAttribute('value')).toBe('Initech')
    const badPlan = await client.post('/admin/organisations', { name: 'Initech', plan: 'platinum', mrr: '5' })
    expect(badPlan.status).toBe(422)
    const duplicate = await client.post('/admin/organisations', { name: 'Globex', plan: 'paid', mrr: '5' })
    expect(duplicate.status).toBe(409)
  })
})
