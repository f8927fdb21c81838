import { eq } from 'drizzle-orm'
import { parse } from 'node-html-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../src/auth'
import { auditEntries, mailMessages, sessions, ssoProviders, ssoSignInAttempts, userIdentities, users, type User } from '../../src/db/schema'
import { addOrganisationBinding, saveSignInPolicy, saveSsoProvider } from '../../src/sso'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts, type TestClient } from '../support/client'
import { createOrganisation, createUser, TEST_PASSWORD } from '../support/factories'
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider'

// Single sign-on against a real OpenID provider (node-oidc-provider) on a local port: discovery,
// the authorisation code flow with PKCE, state and nonce checked by openid-client; linking by
// verified email only; organisations bound by domain or claim; staff required to use SSO.

const CALLBACK = 'http://localhost/auth/sso/acme/callback'

let t: TestApp
let idp: TestOidcProvider
let admin: User
let providerId: number

beforeAll(async () => {
  // The provider runs on loopback, which the SSRF guard refuses unless the operator allows it
  // (test/integration/sso-oauth.test.ts shows the default refusing it).
  t = await createTestApp({ env: { SSO_ALLOW_PRIVATE_NETWORK: 'true' } })
  idp = await startOidcProvider({ redirectUris: [CALLBACK] })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin', email: 'ann@wire.example' })
  idp.accounts.set('ann-sub', { sub: 'ann-sub', email: 'ann@wire.example', email_verified: true, name: 'Ann at Acme' })
  const saved = await saveSsoProvider({
    ctx: t.ctx(admin),
    input: { kind: 'oidc', name: 'Acme SSO', slug: 'acme', issuerUrl: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, enabled: '1', organisationClaim: 'org' },
  })
  providerId = saved.id
})
afterAll(async () => {
  await idp?.close()
  await t?.close()
})

/** Start at our button, sign in at the provider as `sub`, and come back; returns the callback's answer. */
async function ssoSignIn(client: TestClient, sub: string, options: { next?: string; beforeCallback?: (callback: URL) => Promise<URL | void> | URL | void } = {}) {
  idp.signInAs(sub)
  const start = await client.get(`/auth/sso/acme/start${options.next ? `?next=${encodeURIComponent(options.next)}` : ''}`)
  expect(start.status).toBe(302)
  const authorization = new URL(start.headers.get('location')!)
  let callback = await idp.authorize(authorization.href)
  callback = (await options.beforeCallback?.(callback)) ?? callback
  expect(callback.href.startsWith(CALLBACK)).toBe(true)
  return client.get(callback.pathname + callback.search)
}

describe('the authorisation request', () => {
  it('goes to the discovered endpoint with PKCE (S256), a state and a nonce, and keeps only hashes and the verifier', async () => {
    const client = t.client()
    const start = await client.get('/auth/sso/acme/start?next=/c/general')
    const url = new URL(start.headers.get('location')!)
    expect(url.origin).toBe(idp.issuer)
    expect(url.pathname).toBe('/auth')
    expect(url.searchParams.get('client_id')).toBe(idp.clientId)
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK)
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url.searchParams.get('nonce')).toBeTruthy()
    const state = url.searchParams.get('state')!
    expect(client.cookies.get('sso-state')).toBe(state)
    const rows = await t.db.select().from(ssoSignInAttempts)
    expect(rows.some((row) => row.stateHash === state)).toBe(false)
    expect(rows.find((row) => row.returnTo === '/c/general')).toBeTruthy()
  })

  it('shows a button on the sign-in page for each enabled provider', async () => {
    const page = await html(await t.client().get('/login?next=/t/1'))
    const button = page.querySelector('a[data-provider="acme"]')!
    expect(button.text).toContain('Sign in with Acme SSO')
    expect(button.getAttribute('href')).toBe('/auth/sso/acme/start?next=%2Ft%2F1')
  })
})

describe('signing in', () => {
  it('creates an account for a new verified address, signs it in and returns where it started', async () => {
    idp.accounts.set('new-sub', { sub: 'new-sub', email: 'Noor@Example.org', email_verified: true, name: 'Noor N' })
    const client = t.client()
    const done = await ssoSignIn(client, 'new-sub', { next: '/c/general' })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/c/general')
    const [user] = await t.db.select().from(users).where(eq(users.email, 'noor@example.org'))
    expect(user).toMatchObject({ displayName: 'Noor N', role: 'member' })
    expect(user!.emailVerifiedAt).not.toBeNull()
    const page = await html(await client.get('/account'))
    expect(page.text).toContain('noor@example.org')
    const [session] = await t.db.select().from(sessions).where(eq(sessions.userId, user!.id))
    expect(session!.signInMethod).toBe('sso')
    // The same person again: the identity, not a second account.
    await ssoSignIn(t.client(), 'new-sub')
    expect((await t.db.select().from(users).where(eq(users.email, 'noor@example.org'))).length).toBe(1)
    expect((await t.db.select().from(userIdentities).where(eq(userIdentities.subject, 'new-sub'))).length).toBe(1)
  })

  it('links to an existing account by a verified email', async () => {
    const existing = await createUser(t.db, { email: 'vera@example.org', displayName: 'Vera' })
    idp.accounts.set('vera-sub', { sub: 'vera-sub', email: 'vera@example.org', email_verified: true })
    expect((await ssoSignIn(t.client(), 'vera-sub')).status).toBe(303)
    const [identity] = await t.db.select().from(userIdentities).where(eq(userIdentities.subject, 'vera-sub'))
    expect(identity!.userId).toBe(existing.id)
  })

  it('never links an unverified email to an existing account, and says why', async () => {
    const victim = await createUser(t.db, { email: 'victim@example.org' })
    idp.accounts.set('mallory-sub', { sub: 'mallory-sub', email: 'victim@example.org', email_verified: false })
    const client = t.client()
    const refused = await ssoSignIn(client, 'mallory-sub')
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('has not verified the address victim@example.org')
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, victim.id))).toEqual([])
    expect(client.cookies.has('session')).toBe(false)
  })

  it('refuses a suspended person and a removed spammer (by identity or by address) with what they need to know', async () => {
    const moderator = await createUser(t.db, { role: 'support', displayName: 'Mod Mae' })
    const staff = await t.client().signInAs(moderator)
    const suspended = await createUser(t.db, { email: 'susi@example.org', displayName: 'Susi' })
    idp.accounts.set('susi-sub', { sub: 'susi-sub', email: 'susi@example.org', email_verified: true })
    expect((await ssoSignIn(t.client(), 'susi-sub')).status).toBe(303)
    await staff.post(`/moderation/users/${suspended.id}/sanctions`, { kind: 'suspend', reason: 'staff only', message: 'Suspended for a week.', duration: '7' })
    const client = t.client()
    const refused = await ssoSignIn(client, 'susi-sub')
    expect(refused.status).toBe(403)
    expect((await html(refused)).querySelector('.form-message')?.text).toMatch(/^Your account is suspended until .* UTC\. Suspended for a week\.$/)
    expect(client.cookies.has('session')).toBe(false)

    const spammer = await createUser(t.db, { email: 'spam@spam.example', displayName: 'Spam Sam', trustLevel: 0 })
    idp.accounts.set('spam-sub', { sub: 'spam-sub', email: 'spam@spam.example', email_verified: true })
    expect((await ssoSignIn(t.client(), 'spam-sub')).status).toBe(303)
    expect((await staff.post(`/moderation/users/${spammer.id}/remove`, { reason: 'Spam', confirmName: 'Spam Sam' })).status).toBe(303)
    const byIdentity = await ssoSignIn(t.client(), 'spam-sub')
    expect(byIdentity.status).toBe(403)
    expect(await byIdentity.text()).toContain('This account was removed by the moderators')
    // A new identity at the provider with the same address makes no fresh account either.
    idp.accounts.set('spam-sub-2', { sub: 'spam-sub-2', email: 'spam@spam.example', email_verified: true })
    const byAddress = await ssoSignIn(t.client(), 'spam-sub-2')
    expect(byAddress.status).toBe(403)
    expect(await byAddress.text()).toContain('This address cannot be used to sign up here.')
    expect(await t.db.select().from(users).where(eq(users.email, 'spam@spam.example'))).toEqual([])
  })

  it('refuses a tampered state, a callback from another browser, and a replayed callback', async () => {
    idp.accounts.set('tam-sub', { sub: 'tam-sub', email: 'tam@example.org', email_verified: true })
    const tampered = await ssoSignIn(t.client(), 'tam-sub', {
      beforeCallback: (callback) => {
        const changed = new URL(callback)
        changed.searchParams.set('state', `${callback.searchParams.get('state')}x`)
        return changed
      },
    })
    expect(tampered.status).toBe(403)
    expect(await tampered.text()).toContain('does not belong to this browser')

    // Login CSRF: an attacker's valid callback URL opened in the victim's browser (no state cookie there).
    const attacker = t.client()
    idp.signInAs('tam-sub')
    const start = await attacker.get('/auth/sso/acme/start')
    const callback = await idp.authorize(start.headers.get('location')!)
    const victimBrowser = t.client()
    const forged = await victimBrowser.get(callback.pathname + callback.search)
    expect(forged.status).toBe(403)
    expect(victimBrowser.cookies.has('session')).toBe(false)

    // Replay: the same answer twice in the browser that started it; the attempt is used up.
    const replayer = t.client()
    idp.signInAs('tam-sub')
    const first = await replayer.get('/auth/sso/acme/start')
    const answer = await idp.authorize(first.headers.get('location')!)
    const state = replayer.cookies.get('sso-state')!
    expect((await replayer.get(answer.pathname + answer.search)).status).toBe(303)
    replayer.cookies.set('sso-state', state)
    const again = await replayer.get(answer.pathname + answer.search)
    expect(again.status).toBe(403)
    expect(await again.text()).toContain('expired or was already used')
  })

  it('checks the nonce and the PKCE verifier: a mismatch is refused', async () => {
    idp.accounts.set('nonce-sub', { sub: 'nonce-sub', email: 'nonce@example.org', email_verified: true })
    const wrongNonce = await ssoSignIn(t.client(), 'nonce-sub', {
      beforeCallback: async () => {
        await t.db.update(ssoSignInAttempts).set({ nonce: 'not-the-nonce-that-was-sent' })
      },
    })
    expect(wrongNonce.status).toBe(403)
    expect(await wrongNonce.text()).toMatch(/did not complete: .*nonce/i)

    const wrongVerifier = await ssoSignIn(t.client(), 'nonce-sub', {
      beforeCallback: async () => {
        await t.db.update(ssoSignInAttempts).set({ codeVerifier: 'x'.repeat(43) })
      },
    })
    expect(wrongVerifier.status).toBe(403)
    expect(await wrongVerifier.text()).toContain('invalid_grant')
    expect(await t.db.select().from(users).where(eq(users.email, 'nonce@example.org'))).toEqual([])
  })

  it('answers the provider refusing (access_denied) with a message, not a 500', async () => {
    const client = t.client()
    await client.get('/auth/sso/acme/start')
    const state = client.cookies.get('sso-state')!
    const denied = await client.get(`/auth/sso/acme/callback?error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}&state=${state}&iss=${encodeURIComponent(idp.issuer)}`)
    expect(denied.status).toBe(403)
    const body = await denied.text()
    expect(body).toContain('access_denied')
    expect(body).not.toContain('<b>no</b>')
  })
})

describe('organisations', () => {
  it('puts a new customer in the organisation bound to their email domain, with its plan', async () => {
    const acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
    await addOrganisationBinding({ ctx: t.ctx(admin), input: { kind: 'email_domain', organisationId: acme.id, value: '@ACME.example' } })
    idp.accounts.set('ada-sub', { sub: 'ada-sub', email: 'ada@acme.example', email_verified: true, name: 'Ada' })
    await ssoSignIn(t.client(), 'ada-sub')
    const [ada] = await t.db.select().from(users).where(eq(users.email, 'ada@acme.example'))
    expect(ada!.organisationId).toBe(acme.id)
  })

  it('binds by the provider claim before the domain, and leaves an admin-chosen organisation alone', async () => {
    const globex = await createOrganisation(t.db, { name: 'Globex', plan: 'paid' })
    await addOrganisationBinding({ ctx: t.ctx(admin), input: { kind: 'claim', organisationId: globex.id, providerId, value: 'globex' } })
    idp.accounts.set('gus-sub', { sub: 'gus-sub', email: 'gus@acme.example', email_verified: true, org: ['other', 'globex'] })
    await ssoSignIn(t.client(), 'gus-sub')
    const [gus] = await t.db.select().from(users).where(eq(users.email, 'gus@acme.example'))
    expect(gus!.organisationId).toBe(globex.id)

    const elsewhere = await createOrganisation(t.db, { name: 'Initech' })
    const placed = await createUser(t.db, { email: 'pat@acme.example', organisationId: elsewhere.id })
    idp.accounts.set('pat-sub', { sub: 'pat-sub', email: 'pat@acme.example', email_verified: true })
    await ssoSignIn(t.client(), 'pat-sub')
    expect((await t.db.select().from(users).where(eq(users.id, placed.id)))[0]!.organisationId).toBe(elsewhere.id)
  })

  it('refuses a domain bound twice, with a message by the field', async () => {
    const other = await createOrganisation(t.db, { name: 'Other' })
    const response = await (await t.client().signInAs(admin)).post('/admin/sso/bindings', { organisationId: String(other.id), kind: 'email_domain', value: 'acme.example' })
    expect(response.status).toBe(409)
    const page = await html(response)
    expect(page.querySelector('#field-value-error')?.text).toContain('already bound')
    expect(page.querySelector('#field-value')?.getAttribute('value')).toBe('acme.example')
  })
})

describe('the sign-in policy', () => {
  it('refuses to limit passwords for an admin who has no linked sign-in (no lock-out)', async () => {
    const lonely = await createUser(t.db, { role: 'admin' })
    await expect(saveSignInPolicy({ ctx: t.ctx(lonely), input: { passwordSignIn: '1', staffRequireSso: '1' } })).rejects.toMatchObject({ code: 'conflict' })
    const client = await t.client().signInAs(lonely)
    const response = await client.post('/admin/sso/policy', { passwordSignIn: '1', staffRequireSso: '1' })
    expect(response.status).toBe(409)
    expect(await response.text()).toContain('no way to sign in')
  })

  it('staff who must use SSO cannot sign in with a password, their password sessions end, and SSO still works', async () => {
    const support = await createUser(t.db, { role: 'support', email: 'sam@wire.example', displayName: 'Sam Support' })
    const member = await createUser(t.db, { email: 'mem@example.org' })
    const oldSession = await t.client().signInAs(support)
    // Ann links her provider account (verified address), then requires SSO for staff.
    const ann = t.client()
    await ssoSignIn(ann, 'ann-sub')
    const saved = await ann.post('/admin/sso/policy', { passwordSignIn: '1', staffRequireSso: '1' })
    expect(saved.status).toBe(303)
    expect((await ann.get('/admin/sso')).status).toBe(200)
    expect((await oldSession.get('/queue')).status).toBe(302)
    // Someone promoted to staff afterwards loses their password session too.
    const promoted = await createUser(t.db, { email: 'pro@wire.example' })
    const promotedSession = await t.client().signInAs(promoted)
    expect((await promotedSession.get('/account')).status).toBe(200)
    expect((await ann.post(`/admin/users/${promoted.id}`, { role: 'support', organisationId: '' })).status).toBe(303)
    expect((await promotedSession.get('/account')).status).toBe(302)

    const refused = await t.client().post('/login', { email: 'sam@wire.example', password: TEST_PASSWORD })
    expect(refused.status).toBe(403)
    expect(texts(await html(refused), '.form-message').join(' ')).toContain('Staff sign in with Acme SSO')
    // A wrong password still gets the ordinary answer: the refusal reveals nothing to a guesser.
    const wrong = await t.client().post('/login', { email: 'sam@wire.example', password: 'not the password at all' })
    expect(wrong.status).toBe(422)
    // Customers keep their passwords.
    expect((await t.client().post('/login', { email: member.email, password: TEST_PASSWORD })).status).toBe(303)
    // A sign-in link by mail is no way round it either.
    expect((await t.client().post('/login/link', { email: 'sam@wire.example' })).status).toBe(200)
    for (let round = 0; round < 4 && (await t.drain()) > 0; round++);
    const [linkMail] = (await t.db.select().from(mailMessages)).filter((mail) => mail.toAddress.includes('sam@wire.example') && mail.textBody.includes('/login/link/'))
    const linkPath = /\/login\/link\/[A-Za-z0-9]+/.exec(linkMail?.textBody ?? '')?.[0]
    expect(linkPath, linkMail?.textBody).toBeTruthy()
    const byLink = await t.client().post(linkPath!)
    expect(byLink.status).toBe(403)
    expect(await byLink.text()).toContain('Staff sign in with Acme SSO')
    // ALLOW_PASSWORD_SIGN_IN lets the password through (the way back in).
    await expect(signIn({ ctx: { ...t.ctx(), passwordSignInOverride: true }, input: { email: 'sam@wire.example', password: TEST_PASSWORD } })).resolves.toMatchObject({ userId: support.id })

    idp.accounts.set('sam-sub', { sub: 'sam-sub', email: 'sam@wire.example', email_verified: true })
    const sam = t.client()
    expect((await ssoSignIn(sam, 'sam-sub')).status).toBe(303)
    expect((await sam.get('/queue')).status).toBe(200)

    const [entry] = await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'sso.sign_in_policy_changed'))
    expect(entry).toMatchObject({ actorId: admin.id, details: { staffRequireSso: { from: false, to: true } } })
    expect((entry!.details as { endedStaffPasswordSessions: number }).endedStaffPasswordSessions).toBeGreaterThanOrEqual(1)
  })

  it('with passwords off, the sign-in page offers only the provider and sign-up is refused', async () => {
    const ann = t.client()
    await ssoSignIn(ann, 'ann-sub')
    expect((await ann.post('/admin/sso/policy', { passwordSignIn: '0', staffRequireSso: '1' })).status).toBe(303)
    const page = await html(await t.client().get('/login'))
    expect(page.querySelector('input[name="password"]')).toBeNull()
    expect(page.querySelector('a[data-provider="acme"]')).not.toBeNull()
    const signUp = await t.client().post('/signup', { email: 'late@example.org', displayName: 'Late', password: 'a good long passphrase' })
    expect(signUp.status).toBe(403)
    expect(await t.db.select().from(users).where(eq(users.email, 'late@example.org'))).toEqual([])
    await ann.post('/admin/sso/policy', { passwordSignIn: '1', staffRequireSso: '0' })
  })
})

describe('/admin/sso', () => {
  it('checks the issuer by discovery before saving, keeps the secret out of every page, and records changes without it', async () => {
    const client = await t.client().signInAs(admin)
    const bad = await client.post('/admin/sso/providers/new?kind=oidc', {
      kind: 'oidc',
      name: 'Broken',
      slug: 'broken',
      issuerUrl: 'http://127.0.0.1:9/nothing-here',
      clientId: 'x',
      clientSecret: 'super-secret-value-1',
      enabled: '1',
    })
    expect(bad.status).toBe(422)
    const badBody = await bad.text()
    const badPage = parse(badBody)
    expect(badPage.querySelector('#field-issuerUrl-error')?.text).toContain('Could not read')
    expect(badPage.querySelector('#field-name')?.getAttribute('value')).toBe('Broken')
    expect(badBody).not.toContain('super-secret-value-1')

    const edit = await client.get(`/admin/sso/providers/${providerId}`)
    const body = await edit.text()
    expect(body).not.toContain(idp.clientSecret)
    expect(body).toContain('A secret is stored and never shown')
    expect(body).toContain(CALLBACK)
    // Saving with the secret left empty keeps it.
    const saved = await client.post(`/admin/sso/providers/${providerId}`, { name: 'Acme <SSO>', slug: 'acme', issuerUrl: idp.issuer, clientId: idp.clientId, clientSecret: '', enabled: '1', organisationClaim: 'org' })
    expect(saved.status).toBe(303)
    const [row] = await t.db.select().from(ssoProviders).where(eq(ssoProviders.id, providerId))
    expect(row!.clientSecret).toBe(idp.clientSecret)
    const list = await client.get('/admin/sso')
    const listBody = await list.text()
    expect(listBody).toContain('Acme &lt;SSO&gt;')
    expect(listBody).not.toContain(idp.clientSecret)
    const entries = await t.db.select().from(auditEntries).where(eq(auditEntries.subjectType, 'sso_provider'))
    expect(entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(['sso.provider_created', 'sso.provider_updated']))
    expect(JSON.stringify(entries)).not.toContain(idp.clientSecret)
    await client.post(`/admin/sso/providers/${providerId}`, { name: 'Acme SSO', slug: 'acme', issuerUrl: idp.issuer, clientId: idp.clientId, clientSecret: '', enabled: '1', organisationClaim: 'org' })
  })

  it('refuses support, engineers and members (403) on every admin route, and sends the anonymous to sign in', async () => {
    const routes: [string, string][] = [
      ['GET', '/admin/sso'],
      ['GET', '/admin/sso/providers/new'],
      ['GET', `/admin/sso/providers/${providerId}`],
      ['POST', '/admin/sso/policy'],
      ['POST', '/admin/sso/bindings'],
      ['POST', `/admin/sso/providers/${providerId}`],
      ['POST', `/admin/sso/providers/${providerId}/delete`],
    ]
    for (const role of ['support', 'engineer', 'member'] as const) {
      const client = await t.client().signInAs(await createUser(t.db, { role }))
      for (const [method, path] of routes) {
        const response = method === 'GET' ? await client.get(path) : await client.post(path, { passwordSignIn: '0', staffRequireSso: '1', name: 'x', clientId: 'x', kind: 'email_domain', value: 'evil.example', organisationId: '1' })
        expect(response.status, `${role} ${method} ${path}`).toBe(403)
      }
    }
    expect((await t.client().get('/admin/sso')).status).toBe(302)
    expect((await t.db.select().from(ssoProviders)).length).toBe(1)
  })
})

describe('linking from the account page', () => {
  it('links a provider whose address is not verified to the signed-in person, and unlinks it', async () => {
    const person = await createUser(t.db, { email: 'lin@example.org', displayName: 'Lin' })
    idp.accounts.set('lin-other', { sub: 'lin-other', email: 'lin.private@example.net', email_verified: false })
    const client = await t.client().signInAs(person)
    idp.signInAs('lin-other')
    const start = await client.post('/account/sign-ins/acme/link')
    expect(start.status).toBe(303)
    const callback = await idp.authorize(start.headers.get('location')!)
    const done = await client.get(callback.pathname + callback.search)
    expect(done.headers.get('location')).toBe('/account/sign-ins?linked=1')
    const page = await html(await client.get('/account/sign-ins?linked=1'))
    const [identity] = await t.db.select().from(userIdentities).where(eq(userIdentities.userId, person.id))
    expect(page.querySelector(`#identity-${identity!.id}`)?.text).toContain('lin.private@example.net')
    // Now it signs Lin in, by the identity, whatever the address.
    const fresh = t.client()
    expect((await ssoSignIn(fresh, 'lin-other')).status).toBe(303)
    expect((await html(await fresh.get('/account'))).text).toContain('lin@example.org')
    expect((await client.post(`/account/sign-ins/${identity!.id}/unlink`)).status).toBe(303)
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, person.id))).toEqual([])
  })
})
