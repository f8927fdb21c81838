import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { ssoProviders, ssoSignInAttempts, type User } from '../../src/db/schema'
import { saveSsoProvider } from '../../src/sso'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createUser } from '../support/factories'

// GitHub and Google through arctic. arctic's endpoints are fixed constants (github.com,
// accounts.google.com, oauth2.googleapis.com) that cannot be pointed at a local stand-in, and these
// tests have no network, so they stop at the authorisation redirect: its URL, PKCE and state, and
// the callback's own refusals (forged state, the provider's error) before any code is traded.

let t: TestApp
let admin: User

beforeAll(async () => {
  // Behind a proxy, so the start limit can be shown per address.
  t = await createTestApp({ env: { TRUST_PROXY: 'true' } })
  admin = await createUser(t.db, { role: 'admin' })
  await saveSsoProvider({ ctx: t.ctx(admin), input: { kind: 'github', name: 'GitHub', clientId: 'gh-client', clientSecret: 'gh-secret', enabled: '1' } })
  await saveSsoProvider({ ctx: t.ctx(admin), input: { kind: 'google', name: 'Google', clientId: 'g-client.apps.example', clientSecret: 'g-secret', enabled: '1' } })
})
afterAll(() => t.close())

const base64url = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

describe('GitHub', () => {
  it('redirects to GitHub with the client, the callback, the email scope and this browser’s state', async () => {
    const client = t.client()
    const start = await client.get('/auth/sso/github/start?next=/c/general')
    expect(start.status).toBe(302)
    const url = new URL(start.headers.get('location')!)
    expect(url.origin + url.pathname).toBe('https://github.com/login/oauth/authorize')
    expect(url.searchParams.get('client_id')).toBe('gh-client')
    expect(url.searchParams.get('redirect_uri')).toBe('http://localhost/auth/sso/github/callback')
    expect(url.searchParams.get('scope')).toBe('read:user user:email')
    expect(url.searchParams.get('state')).toBe(client.cookies.get('sso-state'))
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32)
  })

  it('refuses a callback whose state is not this browser’s, and shows GitHub’s own refusal as a message', async () => {
    const client = t.client()
    await client.get('/auth/sso/github/start')
    const forged = await client.get('/auth/sso/github/callback?code=abc&state=not-the-state')
    expect(forged.status).toBe(403)
    expect(await forged.text()).toContain('does not belong to this browser')

    await client.get('/auth/sso/github/start')
    const state = client.cookies.get('sso-state')!
    const denied = await client.get(`/auth/sso/github/callback?error=access_denied&error_description=The+user+has+denied&state=${state}`)
    expect(denied.status).toBe(403)
    expect(await denied.text()).toContain('access_denied')
    expect(client.cookies.has('session')).toBe(false)
  })
})

describe('Google', () => {
  it('redirects to Google with PKCE (S256 of the kept verifier), a nonce and the OpenID scopes', async () => {
    const client = t.client()
    const start = await client.get('/auth/sso/google/start')
    const url = new URL(start.headers.get('location')!)
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth')
    expect(url.searchParams.get('client_id')).toBe('g-client.apps.example')
    expect(url.searchParams.get('scope')).toBe('openid email profile')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    const attempts = await t.db.select().from(ssoSignInAttempts)
    const attempt = attempts.find((row) => row.nonce === url.searchParams.get('nonce'))!
    expect(attempt).toBeTruthy()
    expect(url.searchParams.get('code_challenge')).toBe(base64url(createHash('sha256').update(attempt.codeVerifier).digest()))
    expect(url.searchParams.get('state')).toBe(client.cookies.get('sso-state'))
  })

  it('shows both buttons on the sign-in page, and a disabled provider neither there nor at its start', async () => {
    const page = await html(await t.client().get('/login'))
    expect(page.querySelectorAll('.sso-buttons a').map((a) => a.text.trim())).toEqual(['Sign in with GitHub', 'Sign in with Google'])
    const [github] = await t.db.select().from(ssoProviders).where(eq(ssoProviders.kind, 'github'))
    await saveSsoProvider({ ctx: t.ctx(admin), input: { providerId: github!.id, kind: github!.kind, name: github!.name, clientId: github!.clientId, clientSecret: '', enabled: '0' } })
    const after = await html(await t.client().get('/login'))
    expect(after.querySelectorAll('.sso-buttons a').length).toBe(1)
    expect((await t.client().get(`/auth/sso/${github!.slug}/start`)).status).toBe(404)
  })

  it('refuses setting up Google twice, with a message by the field', async () => {
    const response = await (await t.client().signInAs(admin)).post('/admin/sso/providers/new?kind=google', { kind: 'google', name: 'Google again', clientId: 'x', clientSecret: 'y', enabled: '1' })
    expect(response.status).toBe(409)
    expect(await response.text()).toContain('Google is already set up')
  })
})

describe('starting a sign-in', () => {
  it('is limited per address (60 in 10 minutes) with Retry-After, and other addresses go on', async () => {
    const client = t.client()
    const from = (n: number) => ({ headers: { 'x-forwarded-for': `10.9.9.${n}` } })
    let last: Response | null = null
    for (let i = 0; i < 61; i++) last = await client.get('/auth/sso/google/start', from(1))
    expect(last!.status).toBe(429)
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/)
    expect((await client.get('/auth/sso/google/start', from(2))).status).toBe(302)
  })
})

describe('the SSRF guard on an OpenID issuer', () => {
  it('refuses loopback, private and link-local issuers by default, with a message by the field in /admin/sso', async () => {
    const client = await t.client().signInAs(admin)
    for (const [issuerUrl, address] of [
      ['http://127.0.0.1:9/realms/acme', '127.0.0.1'],
      ['http://localhost:9/realms', 'localhost'],
      ['https://169.254.169.254/latest/meta-data', '169.254.169.254'],
      ['https://10.1.2.3/idp', '10.1.2.3'],
    ]) {
      const refused = await client.post('/admin/sso/providers/new?kind=oidc', {
        kind: 'oidc',
        name: 'Internal IdP',
        slug: 'internal',
        issuerUrl: issuerUrl!,
        clientId: 'x',
        clientSecret: 'a-secret-value',
        enabled: '1',
      })
      expect(refused.status, issuerUrl).toBe(422)
      const page = await html(refused)
      const error = page.querySelector('#field-issuerUrl-error')?.text ?? ''
      expect(error, issuerUrl).toContain(`Refused to read ${issuerUrl}`)
      expect(error).toContain(address!)
      expect(error).toContain('SSO_ALLOW_PRIVATE_NETWORK=true')
      expect(page.querySelector('#field-issuerUrl')?.getAttribute('value')).toBe(issuerUrl)
    }
    expect(await t.db.select().from(ssoProviders).where(eq(ssoProviders.slug, 'internal'))).toEqual([])
  })
})
