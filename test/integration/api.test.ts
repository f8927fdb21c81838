import { createHash } from 'node:crypto'
import SwaggerParser from '@apidevtools/swagger-parser'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimIdempotencyKey } from '../../src/api'
import { hashToken } from '../../src/auth'
import { apiTokens, idempotencyKeys, threads, type ApiScope, type Category, type User } from '../../src/db/schema'
import { setAcceptedReply, setReplyHidden, setThreadHidden } from '../../src/forum'
import { newApiToken } from '../../src/queue/api-tokens'
import { apiRouteDefinitions } from '../../src/web/api'
import { createTestApp, type TestApp } from '../support/app'
import { callApi } from '../support/api'
import { html, type TestClient } from '../support/client'
import { createCategory, createReply, createTeam, createThread, createUser } from '../support/factories'

let t: TestApp
let billing: Category
let member: User
let support: User
let memberWrite: string
let memberRead: string
let staffItems: string
let staffAll: string

async function makeToken(owner: User, scopes: ApiScope[]): Promise<string> {
  const token = newApiToken()
  await t.db.insert(apiTokens).values({ name: `test ${scopes.join(' ')}`, tokenHash: hashToken(token), scopes, createdById: owner.id, createdAt: t.clock.now() })
  return token
}

const call = (
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; client?: TestClient; app?: TestApp } = {},
) => callApi(options.app ?? t, method, path, options)

beforeAll(async () => {
  t = await createTestApp()
  billing = await createCategory(t.db, { name: 'Billing', slug: 'billing', team: 'platform', position: 1 })
  await createCategory(t.db, { name: 'API', slug: 'api', team: 'platform', position: 2 })
  member = await createUser(t.db, { displayName: 'Mia Member' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  await createTeam(t, 'platform', [{ user: support }])
  memberWrite = await makeToken(member, ['threads:read', 'threads:write'])
  memberRead = await makeToken(member, ['threads:read'])
  staffItems = await makeToken(support, ['items:write'])
  staffAll = await makeToken(support, ['threads:read', 'threads:write', 'items:read', 'items:write'])
})
afterAll(() => t.close())

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 with servers from PUBLIC_URL and both security schemes', async () => {
    const response = await t.app.request('/api/v1/openapi.json')
    expect(response.status).toBe(200)
    const doc = (await response.json()) as { openapi: string; servers: { url: string }[]; components: { securitySchemes: Record<string, unknown> } }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.servers[0]!.url).toBe('http://localhost/api/v1')
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'sessionCookie'])
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy()
  })

  it('describes every API route the app serves', async () => {
    const doc = (await (await t.app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`)))
    // The document itself, and the mail provider's inbound webhook (raw RFC 822, a shared secret; see src/web/routes/inbound-mail.ts).
    const outside = new Set(['GET /api/v1/openapi.json', 'POST /api/v1/inbound-mail'])
    const served = [...new Set(t.app.routes.filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].filter((r) => !outside.has(r))
    expect(served.length).toBeGreaterThanOrEqual(apiRouteDefinitions.length)
    for (const route of served) expect(documented, route).toContain(route)
    expect(documented.size).toBe(apiRouteDefinitions.length)
  })

  it('declares on every route the account-suspended problem a suspended owner gets there, reads included', async () => {
    type Operation = { security?: Record<string, string[]>[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }
    const doc = (await (await t.app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>
      components: { schemas: Record<string, unknown> }
    }
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => [`${method} ${path}`, operation] as const))
    expect(operations).toHaveLength(apiRouteDefinitions.length)
    for (const [route, operation] of operations) {
      expect(operation.security?.some((requirement) => 'bearerAuth' in requirement), route).toBe(true)
      expect(operation.responses['403']?.content?.['application/problem+json']?.schema, route).toEqual({ $ref: '#/components/schemas/ForbiddenProblem' })
    }
    expect(JSON.stringify(doc.components.schemas.ForbiddenProblem)).toContain('#/components/schemas/AccountSuspendedProblem')
    // The Problem members, and suspendedUntil required beside them.
    expect(doc.components.schemas.AccountSuspendedProblem).toMatchObject({
      allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { suspendedUntil: { type: ['string', 'null'] } }, required: ['suspendedUntil'] }],
    })
  })

  it('has a readable reference at /api/docs, rendered on the server without scripts', async () => {
    const response = await t.app.request('/api/docs')
    expect(response.status).toBe(200)
    const page = await html(response)
    expect(page.querySelectorAll('script')).toHaveLength(0)
    const headings = page.querySelectorAll('section h3 code').map((code) => code.text.replace(/\s+/g, ' ').trim())
    for (const route of apiRouteDefinitions) expect(headings).toContain(`${route.method.toUpperCase()} /api/v1${route.path}`)
    expect(page.querySelector('#post-\\/threads table')?.text).toContain('idempotency-key')
    expect(page.text).toContain('"title": "How do I export all projects as CSV?"')
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'")
  })
})

describe('threads', () => {
  it('lists, reads (with replies and the accepted answer), creates and replies', async () => {
    const created = await call('POST', '/api/v1/threads', {
      token: memberWrite,
      body: { title: 'How do I export all projects as CSV?', body: 'I can export one project at a time. Is there a way to export **all**?', category: 'billing', tags: ['export', 'csv'] },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe(`http://localhost/api/v1/threads/${created.body.id}`)
    expect(created.body).toMatchObject({ title: 'How do I export all projects as CSV?', tags: ['csv', 'export'], author: { id: member.id }, replies: [] })
    expect(created.body.body_html).toContain('<strong>all</strong>')

    const reply = await call('POST', `/api/v1/threads/${created.body.id}/replies`, { token: staffAll, body: { body: 'Settings → Export has an "All projects" option.' } })
    expect(reply.status).toBe(201)
    await setAcceptedReply({ ctx: t.ctx(member), input: { replyId: reply.body.id, on: true } })

    const read = await call('GET', `/api/v1/threads/${created.body.id}`)
    expect(read.status).toBe(200)
    expect(read.body.solved).toBe(true)
    expect(read.body.accepted_answer).toMatchObject({ id: reply.body.id, accepted: true })
    expect(read.body.replies.map((r: { id: number }) => r.id)).toEqual([reply.body.id])

    const list = await call('GET', '/api/v1/threads?category=billing&tag=export&state=solved')
    expect(list.body.data.map((row: { id: number }) => row.id)).toEqual([created.body.id])
    expect((await call('GET', '/api/v1/threads?state=unanswered')).body.data.map((row: { id: number }) => row.id)).not.toContain(created.body.id)

    const categories = await call('GET', '/api/v1/categories')
    expect(categories.body.data.map((c: { slug: string }) => c.slug)).toEqual(['billing', 'api'])
    const tags = await call('GET', '/api/v1/tags', { token: memberRead })
    expect(tags.body.data).toEqual(expect.arrayContaining([{ name: 'export', thread_count: 1, url: 'http://localhost/tags/export' }]))

    await t.drain()
    const search = await call('GET', '/api/v1/search?q=export+projects')
    expect(search.body.data[0]).toMatchObject({ id: created.body.id, solved: true })
    const similar = await call('GET', '/api/v1/similar?title=export+projects+csv')
    expect(similar.body.results[0]).toMatchObject({ id: created.body.id, url: `http://localhost/t/${created.body.id}/${created.body.slug}` })
  })

  it('hides hidden threads (404 even for a staff token) and hidden replies, and never shows internal notes', async () => {
    const thread = await createThread(t, member, billing, { title: 'A thread that moderation will hide', body: 'Spam spam spam spam spam spam spam spam.' })
    const visible = await createThread(t, member, billing, { title: 'A thread with an internal note on it', body: 'Our invoices show the wrong address since Monday.' })
    const hiddenReply = await createReply(t, member, visible.id, 'This reply gets hidden by a moderator.')
    await setReplyHidden({ ctx: t.ctx(support), input: { replyId: hiddenReply.id, on: true } })
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/queue/threads/${visible.id}/notes`, { body: 'Internal: zanzibar-secret-42 legacy cluster' })).status).toBe(303)
    await setThreadHidden({ ctx: t.ctx(support), input: { threadId: thread.id, on: true } })

    for (const token of [undefined, memberRead, staffAll]) {
      const hidden = await call('GET', `/api/v1/threads/${thread.id}`, { token })
      expect(hidden.status).toBe(404)
      expect(hidden.body).toMatchObject({ status: 404, title: 'Not found' })
      expect((await call('POST', `/api/v1/threads/${thread.id}/replies`, { token: token ?? memberWrite, body: { body: 'Replying to a hidden thread.' } })).status).toBe(token === memberRead ? 403 : 404)
      const list = await call('GET', '/api/v1/threads?limit=100', { token })
      expect(list.body.data.map((row: { id: number }) => row.id)).not.toContain(thread.id)
      const read = await call('GET', `/api/v1/threads/${visible.id}`, { token })
      expect(read.body.replies.map((r: { id: number }) => r.id)).not.toContain(hiddenReply.id)
      expect(JSON.stringify(read.body)).not.toContain('zanzibar')
    }
    expect((await call('GET', '/api/v1/threads/99999999')).status).toBe(404)
  })

  it('needs credentials to write, and the scope for the resource', async () => {
    const body = { title: 'Can I pay invoices by bank transfer?', body: 'We would like to pay by bank transfer instead of card.', category: 'billing' }
    const anonymous = await call('POST', '/api/v1/threads', { body })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/)
    // RFC 6750: a good token without the scope is a 403 saying insufficient_scope; a bad token is a 401.
    const readOnly = await call('POST', '/api/v1/threads', { token: memberRead, body })
    expect(readOnly.status).toBe(403)
    expect(readOnly.headers.get('www-authenticate')).toBe('Bearer realm="api", error="insufficient_scope", scope="threads:write"')
    expect(readOnly.body).toMatchObject({ type: 'https://wire-forum.dev/problems/insufficient-scope', status: 403 })
    expect((await call('GET', '/api/v1/threads', { token: staffItems })).status).toBe(403)
    const invalid = await call('GET', '/api/v1/threads', { token: 'wire_notarealtokennotarealtokennotare' })
    expect(invalid.status).toBe(401)
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"')
    // A member's token with items:write still cannot file items: the owner's role decides.
    const memberItems = await makeToken(member, ['items:write'])
    expect((await call('POST', '/api/v1/items', { token: memberItems, body: { title: 'Not for members', description: 'Members cannot file items.' } })).status).toBe(403)
    await t.db.update(apiTokens).set({ revokedAt: t.clock.now() }).where(eq(apiTokens.tokenHash, hashToken(memberItems)))
    expect((await call('POST', '/api/v1/items', { token: memberItems, body: {} })).status).toBe(401)
  })

  it('accepts a session for same-origin use, with the CSRF header on writes', async () => {
    const client = await t.client().signInAs(member)
    const csrf = await client.csrfToken()
    const body = { title: 'Does the API accept my browser session?', body: 'Posting from the page script with my session cookie.', category: 'api' }
    const without = await call('POST', '/api/v1/threads', { client, body })
    expect(without.status).toBe(403)
    const created = await call('POST', '/api/v1/threads', { client, body, headers: { 'x-csrf-token': csrf } })
    expect(created.status).toBe(201)
    expect(created.body.author.id).toBe(member.id)
    expect((await call('GET', `/api/v1/threads/${created.body.id}`, { client })).status).toBe(200)
  })

  it('answers bad input with problem+json and a message per field', async () => {
    const bad = await call('POST', '/api/v1/threads', { token: memberWrite, body: { title: 'short', body: 'tiny', category: 'billing', tags: ['not a tag!'] } })
    expect(bad.status).toBe(422)
    expect(bad.headers.get('content-type')).toBe('application/problem+json')
    expect(bad.body).toMatchObject({ type: 'https://wire-forum.dev/problems/validation', status: 422 })
    expect(Object.keys(bad.body.errors)).toEqual(expect.arrayContaining(['title', 'body', 'tags']))
    const wrongTypes = await call('POST', '/api/v1/threads', { token: memberWrite, body: { title: 5, category: 'billing' } })
    expect(wrongTypes.status).toBe(422)
    expect(Object.keys(wrongTypes.body.errors)).toEqual(expect.arrayContaining(['title', 'body']))
    const noCategory = await call('POST', '/api/v1/threads', { token: memberWrite, body: { title: 'A perfectly fine question title', body: 'And a perfectly fine question body.', category: 'nope' } })
    expect(noCategory.body.errors).toEqual({ category: 'There is no category with that slug.' })
    const limit = await call('GET', '/api/v1/threads?limit=500')
    expect(limit.status).toBe(422)
    expect(limit.body.errors.limit).toMatch(/1 to 100/)
    expect((await call('GET', '/api/v1/threads?cursor=garbage!')).body.errors).toEqual({ cursor: 'Invalid cursor.' })
    expect((await call('GET', '/api/v1/threads/abc')).body.errors.id).toMatch(/number/)
    expect((await call('GET', '/api/v1/threads?category=ghosts')).status).toBe(404)
    const malformed = await call('POST', '/api/v1/threads', { token: memberWrite, body: '{"title":' })
    expect(malformed.status).toBe(400)
    expect(malformed.body.detail).toMatch(/Malformed JSON/)
  })
})

describe('pagination', () => {
  it('pages by an opaque keyset cursor with a Link header, skipping and repeating nothing while others post', async () => {
    const category = await createCategory(t.db, { name: 'Paging', slug: 'paging', team: 'platform' })
    const before: number[] = []
    for (let i = 0; i < 23; i++) {
      // Some threads share a creation instant: the id breaks the tie.
      if (i % 3 === 0) t.clock.advance(1000)
      before.push((await createThread(t, member, category, { title: `Paging question number ${i} of many` })).id)
    }
    const seen: number[] = []
    let path: string | null = '/api/v1/threads?category=paging&limit=5'
    let pages = 0
    while (path) {
      const page = await call('GET', path)
      pages++
      seen.push(...page.body.data.map((row: { id: number }) => row.id))
      const link = page.headers.get('link')
      if (page.body.next_cursor) {
        expect(page.body.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(link).toBe(`<http://localhost/api/v1/threads?category=paging&limit=5&cursor=${page.body.next_cursor}>; rel="next"`)
      } else expect(link).toBeNull()
      path = link ? new URL(/^<([^>]+)>/.exec(link)![1]!).pathname + new URL(/^<([^>]+)>/.exec(link)![1]!).search : null
      // Meanwhile: new threads, and replies that bump threads not yet seen.
      t.clock.advance(1000)
      await createThread(t, member, category, { title: `A new thread while paging ${pages}` })
      const unseen = before.find((id) => !seen.includes(id))
      if (unseen) await createReply(t, support, unseen, `A reply that bumps the thread while paging ${pages}.`)
    }
    expect(pages).toBe(5)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual([...before].reverse())
  })
})

describe('idempotent creates', () => {
  it('returns the first answer to a retry with the same key, and refuses the key with another body', async () => {
    const body = { title: 'Idempotent question about invoices', body: 'Sent twice by a flaky network, created once.', category: 'billing' }
    const headers = { 'idempotency-key': 'key-123' }
    const first = await call('POST', '/api/v1/threads', { token: memberWrite, body, headers })
    const again = await call('POST', '/api/v1/threads', { token: memberWrite, body, headers })
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.body).toEqual(first.body)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await t.db.select({ id: threads.id }).from(threads).where(eq(threads.title, body.title))).toHaveLength(1)

    const other = await call('POST', '/api/v1/threads', { token: memberWrite, body: { ...body, title: 'Another question with the same key' }, headers })
    expect(other.status).toBe(422)
    expect(other.body.type).toBe('https://wire-forum.dev/problems/idempotency-key-reused')
    expect(other.body.errors).toHaveProperty('Idempotency-Key')

    // Keys belong to their owner: another token may use the same key for its own request.
    const staffFirst = await call('POST', '/api/v1/threads', { token: staffAll, body: { ...body, title: 'Staff question with the same key' }, headers })
    expect(staffFirst.status).toBe(201)
    expect(staffFirst.body.id).not.toBe(first.body.id)

    // A rejected body is kept too: the retry gets the same 422, not a different answer.
    const invalid = { title: 'short', body: 'tiny', category: 'billing' }
    const badFirst = await call('POST', '/api/v1/threads', { token: memberWrite, body: invalid, headers: { 'idempotency-key': 'key-bad' } })
    const badAgain = await call('POST', '/api/v1/threads', { token: memberWrite, body: invalid, headers: { 'idempotency-key': 'key-bad' } })
    expect([badFirst.status, badAgain.status]).toEqual([422, 422])
    expect(badAgain.body).toEqual(badFirst.body)

    // A retry while the first attempt still runs is told to wait; an attempt abandoned for a minute frees the key.
    const [memberToken] = await t.db.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(memberWrite)))
    const running = { title: 'A question whose first attempt is still running', body: 'The first attempt has not answered yet.', category: 'billing' }
    const path = '/api/v1/threads'
    const requestHash = createHash('sha256').update(`POST ${path}\n${JSON.stringify(running)}`).digest('hex')
    await claimIdempotencyKey(t.db, { owner: `token:${memberToken!.id}`, key: 'key-running', method: 'POST', path, requestHash, now: t.clock.now() })
    const busy = await call('POST', path, { token: memberWrite, body: running, headers: { 'idempotency-key': 'key-running' } })
    expect(busy.status).toBe(409)
    expect(busy.body.type).toBe('https://wire-forum.dev/problems/idempotency-key-in-use')
    t.clock.advance(61_000)
    expect((await call('POST', path, { token: memberWrite, body: running, headers: { 'idempotency-key': 'key-running' } })).status).toBe(201)

    // A refusal that says "try again" is not kept: after a 403 the same key runs again.
    const before = await t.db.select().from(idempotencyKeys)
    const memberItems = await makeToken(member, ['items:write'])
    expect((await call('POST', '/api/v1/items', { token: memberItems, body: { title: 'Members cannot file', description: 'Refused.' }, headers: { 'idempotency-key': 'refused' } })).status).toBe(403)
    expect(await t.db.select().from(idempotencyKeys)).toHaveLength(before.length)

    const item = { title: 'Chat: export stuck at 99%', description: 'From the chat widget.', team: 'platform', kind: 'bug' }
    const itemFirst = await call('POST', '/api/v1/items', { token: staffItems, body: item, headers: { 'idempotency-key': 'item-1' } })
    const itemAgain = await call('POST', '/api/v1/items', { token: staffItems, body: item, headers: { 'idempotency-key': 'item-1' } })
    expect(itemFirst.status).toBe(201)
    expect(itemAgain.body).toEqual(itemFirst.body)
    expect(await t.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'item-1'))).toHaveLength(1)
  })
})

describe('rate limits', () => {
  it('counts per token with RateLimit headers, and answers 429 with Retry-After', async () => {
    const limited = await createTestApp({ env: { API_RATE_LIMIT_PER_MINUTE: '3' } })
    try {
      const owner = await createUser(limited.db, { displayName: 'Rita Rate' })
      const token = newApiToken()
      await limited.db.insert(apiTokens).values({ name: 'rate', tokenHash: hashToken(token), scopes: ['threads:read'], createdById: owner.id, createdAt: limited.clock.now() })
      const remaining: string[] = []
      for (let i = 0; i < 3; i++) {
        const ok = await call('GET', '/api/v1/categories', { token, app: limited })
        expect(ok.status).toBe(200)
        expect(ok.headers.get('ratelimit-limit')).toBe('3')
        expect(ok.headers.get('ratelimit-reset')).toBe('60')
        remaining.push(ok.headers.get('ratelimit-remaining')!)
      }
      expect(remaining).toEqual(['2', '1', '0'])
      limited.clock.advance(20_000)
      const refused = await call('GET', '/api/v1/categories', { token, app: limited })
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('40')
      expect(refused.headers.get('ratelimit-remaining')).toBe('0')
      expect(refused.headers.get('ratelimit-reset')).toBe('40')
      // Anonymous callers have a budget of their own.
      expect((await call('GET', '/api/v1/categories', { app: limited })).status).toBe(200)
      limited.clock.advance(41_000)
      expect((await call('GET', '/api/v1/categories', { token, app: limited })).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

describe('POST /api/v1/items', () => {
  it('keeps its contract and answers with problem+json', async () => {
    const good = await call('POST', '/api/v1/items', { token: staffItems, body: { title: 'CRM: customer cannot log in', description: 'Filed from the CRM.', team: 'platform', organisation_id: '' } })
    expect(good.status).toBe(201)
    expect(good.body).toMatchObject({ url: `http://localhost/queue/items/${good.body.id}`, state: expect.any(String), priority: expect.stringMatching(/^P\d$/) })
    const invalid = await call('POST', '/api/v1/items', { token: staffItems, body: { title: 'x', team: 'platform' } })
    expect(invalid.status).toBe(422)
    expect(invalid.body.errors.title).toMatch(/at least 5/)
    expect(invalid.body.error.fields.title).toMatch(/at least 5/)
    expect((await call('POST', '/api/v1/items', { token: staffItems, body: 'not json' })).status).toBe(400)
    expect((await call('POST', '/api/v1/items', { body: {} })).status).toBe(401)
  })
})
