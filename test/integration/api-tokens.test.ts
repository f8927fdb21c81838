import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiTokens, type User } from '../../src/db/schema'
import { callApi } from '../support/api'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createUser } from '../support/factories'

// Everyone's own API tokens at /account/tokens: members create, see and revoke theirs, offered
// only the scopes their role may use; staff are offered every scope.

let t: TestApp
let member: User
let other: User
let support: User

const offered = async (page: Response) => (await html(page)).querySelectorAll('input[name=scopes]').map((input) => input.getAttribute('value'))

beforeAll(async () => {
  t = await createTestApp()
  await createCategory(t.db, { name: 'General', slug: 'general', team: 'platform' })
  member = await createUser(t.db, { displayName: 'Mia Member' })
  other = await createUser(t.db, { displayName: 'Otto Other' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
})
afterAll(() => t.close())

describe('/account/tokens', () => {
  it('lets a member create a token with member scopes, use it, see it, and revoke it', async () => {
    const client = await t.client().signInAs(member)
    const page = await client.get('/account/tokens')
    expect(page.status).toBe(200)
    expect(await offered(page)).toEqual(['threads:read', 'threads:write', 'notifications:read'])

    const created = await client.post('/account/tokens', { name: 'My export script', scopes: ['threads:read', 'threads:write'] })
    expect(created.status).toBe(201)
    const createdPage = await html(created)
    const token = createdPage.querySelector('code.token')!.text
    expect(token).toMatch(/^wire_[a-z2-7]{32}$/)
    expect(createdPage.querySelector('tbody')!.text).toContain('My export script')
    const [stored] = await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'My export script'))
    expect(stored).toMatchObject({ createdById: member.id, scopes: ['threads:read', 'threads:write'] })
    expect(stored!.tokenHash).not.toContain(token)

    // The token works as the member, and only within its scopes.
    const posted = await callApi(t, 'POST', '/api/v1/threads', {
      token,
      body: { title: 'Posted from my own script today', body: 'A question asked through the API with my own token.', category: 'general' },
    })
    expect(posted.status).toBe(201)
    expect(posted.body.author.id).toBe(member.id)
    expect((await callApi(t, 'GET', '/api/v1/notifications', { token })).status).toBe(403)

    // Shown once: the list has the name, never the token.
    const again = await client.get('/account/tokens')
    const text = await again.text()
    expect(text).toContain('My export script')
    expect(text).not.toContain(token)

    const revoked = await client.post(`/account/tokens/${stored!.id}/revoke`)
    expect(revoked.status).toBe(303)
    expect(revoked.headers.get('location')).toBe('/account/tokens')
    expect((await callApi(t, 'GET', '/api/v1/threads', { token })).status).toBe(401)
    expect((await html(await client.get('/account/tokens'))).querySelector('tr.revoked')?.text).toContain('My export script')
  })

  it('refuses a staff scope to a member with a message by the field, keeping the choices, and creates nothing', async () => {
    const client = await t.client().signInAs(member)
    const refused = await client.post('/account/tokens', { name: 'Sneaky', scopes: ['threads:read', 'items:read'] })
    expect(refused.status).toBe(422)
    const page = await html(refused)
    expect(page.querySelector('.field-error')?.text).toMatch(/Your role cannot use items:read/)
    expect(page.querySelector('input[name=name]')?.getAttribute('value')).toBe('Sneaky')
    expect(page.querySelector('input[name=scopes][value="threads:read"]')?.hasAttribute('checked')).toBe(true)
    const none = await client.post('/account/tokens', { name: 'No scopes' })
    expect(none.status).toBe(422)
    expect((await html(none)).querySelector('.field-error')?.text).toMatch(/at least one scope/)
    expect(await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'Sneaky'))).toHaveLength(0)
    expect(await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'No scopes'))).toHaveLength(0)
  })

  it('shows and revokes only one’s own tokens', async () => {
    const mine = await t.client().signInAs(member)
    await mine.post('/account/tokens', { name: 'Mia private token', scopes: 'threads:read' })
    const [token] = await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'Mia private token'))
    const theirs = await t.client().signInAs(other)
    expect(await (await theirs.get('/account/tokens')).text()).not.toContain('Mia private token')
    expect((await theirs.post(`/account/tokens/${token!.id}/revoke`)).status).toBe(404)
    const [still] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, token!.id))
    expect(still!.revokedAt).toBeNull()
  })

  it('offers staff every scope, and keeps the queue’s tokens page for staff only', async () => {
    const staff = await t.client().signInAs(support)
    const scopes = await offered(await staff.get('/account/tokens'))
    expect(scopes).toEqual(expect.arrayContaining(['items:write', 'notes:read', 'escalations:write', 'rotations:read', 'organisations:read', 'people:read']))
    expect(scopes).toHaveLength(12)
    const client = await t.client().signInAs(member)
    expect((await client.get('/queue/tokens')).status).toBe(403)
    expect((await client.post('/queue/tokens', { name: 'Through the queue page', scopes: 'threads:read' })).status).toBe(403)
    expect(await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'Through the queue page'))).toHaveLength(0)
    // Signed out: sent to sign in.
    const signedOut = await t.client().get('/account/tokens')
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('location')).toMatch(/^\/login/)
  })
})
