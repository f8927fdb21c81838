import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, type TestClient } from '../support/client'
import { createCategory, createUser, TEST_PASSWORD } from '../support/factories'

let t: TestApp
let member: User
let staff: User
let admin: User

beforeAll(async () => {
  t = await createTestApp()
  await createCategory(t.db, { name: 'Performance', slug: 'performance' })
  member = await createUser(t.db, { email: 'edges@example.com' })
  staff = await createUser(t.db, { role: 'support' })
  admin = await createUser(t.db, { role: 'admin' })
})
afterAll(() => t.close())

describe('a NUL character in the address', () => {
  const cases: [string, string, 'anonymous' | 'staff' | 'admin'][] = [
    ['a tag', '/tags/a%00b', 'anonymous'],
    ['a category', '/c/a%00b', 'anonymous'],
    ["a category's feed", '/c/a%00b/feed.atom', 'anonymous'],
    ['a queue filter', '/queue?team=a%00b', 'staff'],
    ['an admin search', '/admin/users?q=a%00b', 'admin'],
    ['a search', '/search?q=a%00b', 'anonymous'],
    ['a query parameter name', '/c/performance?a%00=1', 'anonymous'],
    ['the API', '/api/v1/threads?q=a%00b', 'anonymous'],
  ]

  it.each(cases)('in %s is refused as a bad request, with the error page', async (_what, path, who) => {
    const client = t.client()
    if (who === 'staff') await client.signInAs(staff)
    if (who === 'admin') await client.signInAs(admin)
    const response = await client.get(path)
    expect(response.status).toBe(400)
    if (path.startsWith('/api/')) {
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/NUL character/)
      return
    }
    const page = await html(response)
    expect(page.querySelector('h1#error-heading')?.text).toBe('That request could not be read')
    expect(page.querySelector('.error-page')?.text).toMatch(/NUL character/)
  })

  it('is refused on a form post too, before the route reads the query', async () => {
    const client = await t.client().signInAs(member)
    const response = await client.post('/login?next=/a%00b', { email: 'edges@example.com', password: TEST_PASSWORD })
    expect(response.status).toBe(400)
  })

  it('is told apart from text that only looks like one, which is served as usual', async () => {
    // "%2500" decodes to the three characters "%00", not to a NUL.
    expect((await t.client().get('/search?q=%2500')).status).toBe(200)
    expect((await t.client().get('/tags/a%2500b')).status).toBe(404)
  })
})

describe('malformed escapes and UTF-8 in the address', () => {
  it.each(['/tags/%C0%AF', '/tags/%C0%80', '/c/%FF', '/c/%FF/feed.atom', '/c/%ZZ', '/tags/%', '/c/%ED%A0%80', '/c/a%01b', '/tags/a%7Fb'])(
    '%s is a plain "not found", never a server error',
    async (path) => {
      expect((await t.client().get(path)).status).toBe(404)
    },
  )

  it.each(['/search?q=%FF', '/c/performance?page=%FF', '/search?q=%C0%80'])('%s is served, never a server error', async (path) => {
    expect((await t.client().get(path)).status).toBe(200)
  })
})

describe('where sign-in sends people next', () => {
  // What `next` says once decoded, and where the Location header must point.
  const cases: [string, string][] = [
    ['/\t/evil.example', '/'],
    ['/\n/evil.example', '/'],
    ['/t/1\r\nSet-Cookie: x=1', '/'],
    ['\t/unanswered', '/'],
    ['\\evil.example', '/'],
    ['/\\evil.example', '/'],
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['https:evil.example', '/'],
    ['/.//evil.example', '/'],
    ['/%2e//evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['', '/'],
    ['/t/1-foo?x=1#r2', '/t/1-foo?x=1#r2'],
    ['/search?q=caf%C3%A9', '/search?q=caf%C3%A9'],
  ]

  const withNext = (path: string, next: string) => `${path}?next=${encodeURIComponent(next)}`

  it.each(cases)('GET /login when signed in, next=%j, goes to %s', async (next, location) => {
    const client = await t.client().signInAs(member)
    const response = await client.get(withNext('/login', next))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(location)
  })

  it.each(cases)('GET /signup when signed in, next=%j, goes to %s', async (next, location) => {
    const client = await t.client().signInAs(member)
    const response = await client.get(withNext('/signup', next))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(location)
  })

  it('POST /login with the session cookie already set, next with a tab or newline, goes home', async () => {
    for (const [next, location] of cases) {
      const client = t.client()
      const response = await client.post(withNext('/login', next), { email: 'edges@example.com', password: TEST_PASSWORD })
      expect(response.status, JSON.stringify(next)).toBe(303)
      expect(response.headers.get('location'), JSON.stringify(next)).toBe(location)
      expect(client.cookies.has('session')).toBe(true)
    }
  })

  it('the raw "/%09/evil.example" of the report is refused, and the sign-in form keeps only a safe next', async () => {
    const signedIn = await t.client().signInAs(member)
    const redirect = await signedIn.get('/login?next=/%09/evil.example')
    expect(redirect.headers.get('location')).toBe('/')
    const form = await html(await t.client().get('/login?next=/%09/evil.example'))
    expect(form.querySelector('form[action^="/login"]')?.getAttribute('action')).toBe('/login?next=%2F')
  })

  it('an anonymous visitor sent to sign in comes back to the page they were on', async () => {
    const client: TestClient = t.client()
    const toSignIn = await client.get('/ask?x=1')
    expect(toSignIn.headers.get('location')).toBe('/login?next=%2Fask%3Fx%3D1')
  })
})
