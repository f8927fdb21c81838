import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Category, User } from '../../src/db/schema'
import { MeiliSearchIndex } from '../../src/search'
import { MEILI_SETTINGS } from '../../src/search/meili-index'
import type { SearchRequest } from '../../src/search/types'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { testDatabaseKind } from '../support/db'
import { createCategory, createReply, createThread, createUser } from '../support/factories'
import { startFakeMeilisearch, type FakeMeilisearch } from '../support/fake-meilisearch'

// The Meilisearch adapter. With TEST_MEILI_URL (and TEST_MEILI_KEY) set, the behaviour tests
// run against that real server; without it, the adapter is checked at the HTTP boundary against
// a stand-in answering with the documented response shapes. The README says which ran.

const realUrl = process.env.TEST_MEILI_URL
const request = (text: string, extra: Partial<SearchRequest> = {}): SearchRequest => ({ text, filters: {}, sort: 'relevance', page: 1, pageSize: 20, ...extra })

describe.runIf(testDatabaseKind() === 'pglite' && !realUrl)('Meilisearch adapter at the HTTP boundary (documented API shapes)', () => {
  let t: TestApp
  let fake: FakeMeilisearch
  let category: Category
  let author: User

  beforeAll(async () => {
    fake = await startFakeMeilisearch()
    t = await createTestApp({ search: (db) => MeiliSearchIndex.fromUrl(db, fake.url, 'master-key', 'threads_test') })
    category = await createCategory(t.db, { name: 'API', slug: 'api' })
    author = await createUser(t.db)
  })
  afterAll(async () => {
    await t.close()
    await fake.close()
  })

  it('creates the index with its settings and sends the key on every request', async () => {
    const thread = await createThread(t, author, category, { title: 'Webhook signature check fails', body: 'HMAC mismatch on every delivery.', tags: 'webhooks' })
    await t.drain()
    const settings = fake.requests.find((r) => r.method === 'PATCH')!
    expect(settings.path).toBe('/indexes/threads_test/settings')
    expect(settings.body).toEqual(MEILI_SETTINGS)
    expect(fake.requests.find((r) => r.method === 'POST' && r.path === '/indexes')?.body).toEqual({ uid: 'threads_test', primaryKey: 'id' })
    expect(fake.requests.every((r) => r.authorization === 'Bearer master-key')).toBe(true)
    const document = fake.documents.get(thread.id)!
    expect(document).toMatchObject({ id: thread.id, title: 'Webhook signature check fails', body: 'HMAC mismatch on every delivery.', categoryId: category.id, tags: ['webhooks'], solved: false, answered: false })
    expect(typeof document.createdAt).toBe('number')
  })

  it('updates documents on change and removes hidden threads', async () => {
    const thread = await createThread(t, author, category, { title: 'Pagination cursor expires too fast' })
    const helper = await createUser(t.db)
    await createReply(t, helper, thread.id, 'Cursors last ten minutes; fetch pages sooner.')
    await t.drain()
    expect(fake.documents.get(thread.id)?.answered).toBe(true)
    expect(fake.documents.get(thread.id)?.replies).toMatch(/ten minutes/)
    const staff = await createUser(t.db, { role: 'support' })
    await (await t.client().signInAs(staff)).post(`/t/${thread.id}/hide`, { on: '1' })
    await t.drain()
    expect(fake.documents.has(thread.id)).toBe(false)
    expect(fake.requests.filter((r) => r.path.endsWith('/delete-batch')).at(-1)?.body).toEqual([thread.id])
  })

  it('sends filters, sort, pagination and highlight tags, and maps the response', async () => {
    const engine = t.search
    const result = await engine.search(
      request('webhook', { filters: { categoryId: category.id, tag: 'web"hooks', state: 'solved', from: new Date('2026-01-01T00:00:00Z') }, sort: 'newest', page: 2, pageSize: 5 }),
    )
    const sent = fake.requests.filter((r) => r.path.endsWith('/search')).at(-1)!
    expect(sent.path).toBe('/indexes/threads_test/search')
    expect(sent.body).toMatchObject({
      q: 'webhook',
      filter: [`categoryId = ${category.id}`, 'tags = "web\\"hooks"', 'solved = true', 'createdAt >= 1767225600'],
      sort: ['createdAt:desc'],
      page: 2,
      hitsPerPage: 5,
      attributesToHighlight: ['title'],
      highlightPreTag: '\u0001',
      highlightPostTag: '\u0002',
    })
    expect(result.total).toBe(1)
    const first = await engine.search(request('webhook'))
    expect(first.hits[0]?.title).toEqual([{ text: 'Webhook', match: true }, { text: ' signature check fails', match: false }])
  })

  it('serves the search page through the adapter', async () => {
    const page = await html(await t.client().get('/search?q=signature'))
    expect(texts(page, '.search-result h2 a')).toEqual(['Webhook signature check fails'])
  })

  it('fails a delivery when a task fails, so the outbox retries it', async () => {
    await createThread(t, author, category, { title: 'A thread indexed while the key was wrong' })
    fake.failNextTask({ message: 'The provided API key is invalid.', code: 'invalid_api_key', type: 'auth' })
    await t.drain()
    const pending = await t.db.query.outbox.findMany()
    expect(pending).toHaveLength(1)
    expect(pending[0]!.lastError).toMatch(/invalid/)
    t.clock.advance(60_000)
    await t.drain()
    expect(await t.db.query.outbox.findMany()).toHaveLength(0)
  })

  it('answers the search page with a clear 503 when Meilisearch cannot be reached', async () => {
    const down = await createTestApp({ search: (db) => MeiliSearchIndex.fromUrl(db, 'http://127.0.0.1:9', undefined) })
    try {
      const response = await down.client().get('/search?q=anything')
      expect(response.status).toBe(503)
      expect(await response.text()).toMatch(/Search is unavailable right now/)
    } finally {
      await down.close()
    }
  })
})

describe.runIf(testDatabaseKind() === 'pglite' && !!realUrl)('Meilisearch adapter against a real server (TEST_MEILI_URL)', () => {
  let t: TestApp
  let category: Category
  beforeAll(async () => {
    t = await createTestApp({ search: (db) => MeiliSearchIndex.fromUrl(db, realUrl!, process.env.TEST_MEILI_KEY, `wire_test_${process.pid}`) })
    category = await createCategory(t.db, { name: 'Billing', slug: 'billing' })
    const author = await createUser(t.db)
    await createThread(t, author, category, { title: 'Invoice shows the wrong currency', body: 'Our invoice says USD but the account uses EUR.' })
    await createThread(t, author, category, { title: 'Refund for a duplicate charge', body: 'We were charged twice this month.' })
    await t.drain()
  })
  afterAll(async () => {
    await t.search.clear()
    await t.close()
  })

  it('finds, tolerates typos, filters and ranks similar questions', async () => {
    expect((await t.search.search(request('invoice currency'))).hits).toHaveLength(1)
    expect((await t.search.search(request('invoce'))).hits).toHaveLength(1)
    expect((await t.search.search(request('charged', { filters: { state: 'solved' } }))).hits).toHaveLength(0)
    const similar = await t.search.similar({ title: 'charged twice refund', limit: 5 })
    expect(similar[0]).toBeDefined()
  })
})
