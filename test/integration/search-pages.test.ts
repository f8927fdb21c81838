import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outbox, searchDocuments, type Category, type User } from '../../src/db/schema'
import { editThread } from '../../src/forum'
import { PostgresSearchIndex } from '../../src/search'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

let t: TestApp
let billing: Category
let api: Category
let asker: User
let helper: User
let support: User
let admin: User
const ids: Record<string, { id: number; slug: string }> = {}

beforeAll(async () => {
  t = await createTestApp()
  billing = await createCategory(t.db, { name: 'Billing', slug: 'billing' })
  api = await createCategory(t.db, { name: 'API', slug: 'api' })
  asker = await createUser(t.db)
  helper = await createUser(t.db)
  support = await createUser(t.db, { role: 'support' })
  admin = await createUser(t.db, { role: 'admin' })
  ids.export = await createThread(t, asker, api, { title: 'How do I export my projects to CSV?', body: 'Finance needs a CSV export of every project.', tags: 'csv, export' })
  const answer = await createReply(t, helper, ids.export.id, 'Open Settings → Export and pick CSV; it mails you a link.')
  await (await t.client().signInAs(asker)).post(`/r/${answer.id}/accept`, { on: '1' })
  ids.invoice = await createThread(t, asker, billing, { title: 'Invoice shows the wrong currency', body: 'Our invoice says USD but the account is set to EUR.' })
  ids.webhook = await createThread(t, asker, api, { title: 'Webhook deliveries fail with a 502 error', body: 'Every webhook returns 502 Bad Gateway since 2.4.' })
  await t.drain()
})
afterAll(() => t.close())

describe('indexing through the outbox', () => {
  it('indexes new threads once the outbox is delivered, and not before', async () => {
    const thread = await createThread(t, asker, api, { title: 'Rate limits on the bulk import endpoint', body: 'We hit 429 Too Many Requests on bulk import.' })
    const before = await html(await t.client().get('/search?q=bulk+import'))
    expect(texts(before, '.search-result h2 a')).toEqual([])
    expect(await t.db.select().from(outbox).where(eq(outbox.key, `search:thread:${thread.id}`))).toHaveLength(1)
    await t.drain()
    const after = await html(await t.client().get('/search?q=bulk+import'))
    expect(texts(after, '.search-result h2 a')).toEqual(['Rate limits on the bulk import endpoint'])
  })

  it('follows edits, new replies, acceptance and hiding', async () => {
    const thread = await createThread(t, asker, billing, { title: 'Tax number missing on receipts', body: 'The VAT field stays empty on receipts.' })
    await t.drain()
    await createReply(t, helper, thread.id, 'Add the tax number under Billing → Company details; receipts pick it up.')
    await t.drain()
    expect(texts(await html(await t.client().get('/search?q=company+details')), '.search-result h2 a')).toEqual(['Tax number missing on receipts'])

    const staff = await t.client().signInAs(support)
    await staff.post(`/t/${thread.id}/hide`, { on: '1' })
    await t.drain()
    expect(texts(await html(await t.client().get('/search?q=receipts')), '.search-result h2 a')).toEqual([])
    expect(await t.db.select().from(searchDocuments).where(eq(searchDocuments.threadId, thread.id))).toHaveLength(0)
    await staff.post(`/t/${thread.id}/hide`, { on: '0' })
    await t.drain()
    expect(texts(await html(await t.client().get('/search?q=receipts')), '.search-result h2 a')).toEqual(['Tax number missing on receipts'])
  })

  it('loses nothing while the engine is down: rows wait and retry', async () => {
    // An engine that refuses connections until repaired, as a crashed Meilisearch would.
    class FlakyIndex extends PostgresSearchIndex {
      down = true
      override async indexThreads(threadIds: number[]) {
        if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:7700')
        return super.indexThreads(threadIds)
      }
    }
    const broken = await createTestApp({ search: (db) => new FlakyIndex(db) })
    try {
      const category = await createCategory(broken.db)
      const author = await createUser(broken.db)
      await createThread(broken, author, category, { title: 'Searchable after the outage ends', body: 'A question written during an outage.' })
      await broken.drain()
      const [waiting] = await broken.db.select().from(outbox)
      expect(waiting?.lastError).toMatch(/ECONNREFUSED/)
      expect(waiting?.parkedAt).toBeNull()
      ;(broken.search as FlakyIndex).down = false
      broken.clock.advance(60_000)
      await broken.drain()
      expect(Number((await broken.db.select({ n: count() }).from(outbox))[0]!.n)).toBe(0)
      expect(texts(await html(await broken.client().get('/search?q=outage')), '.search-result h2 a')).toEqual(['Searchable after the outage ends'])
    } finally {
      await broken.close()
    }
  })
})

describe('the search page', () => {
  it('shows highlighted results with the solved mark and the accepted answer, and works without JavaScript', async () => {
    const response = await t.client().get('/search?q=csv')
    expect(response.status).toBe(200)
    const page = await html(response)
    const first = page.querySelector('.search-result')!
    expect(first.querySelector('h2 a')?.text).toBe('How do I export my projects to CSV?')
    expect(first.querySelector('h2 mark')?.text).toBe('CSV')
    expect(first.querySelector('.solved-badge')).not.toBeNull()
    expect(first.querySelector('.accepted-excerpt')?.text).toContain('Settings → Export')
    expect(page.querySelector('#search-q')?.getAttribute('value')).toBe('csv')
    expect(page.querySelector('.result-count')?.text).toMatch(/1 result for “csv”/)
  })

  it('answers htmx with only the results region', async () => {
    const fragment = await html(await t.client().get('/search?q=webhook', { htmx: true }))
    expect(fragment.querySelector('html')).toBeNull()
    expect(fragment.querySelector('#search-results .search-result h2 a')?.text).toBe('Webhook deliveries fail with a 502 error')
  })

  it('filters by category, tag and state, and sorts', async () => {
    const inBilling = await html(await t.client().get('/search?q=currency+OR+webhook+OR+csv&category=billing'))
    expect(texts(inBilling, '.search-result h2 a')).toEqual(['Invoice shows the wrong currency'])
    const tagged = await html(await t.client().get('/search?q=currency+OR+webhook+OR+csv&tag=export'))
    expect(texts(tagged, '.search-result h2 a')).toEqual(['How do I export my projects to CSV?'])
    const solved = await html(await t.client().get('/search?q=currency+OR+webhook+OR+csv&state=solved'))
    expect(texts(solved, '.search-result h2 a')).toEqual(['How do I export my projects to CSV?'])
    const newest = await html(await t.client().get('/search?q=currency+OR+webhook+OR+csv&sort=newest'))
    expect(texts(newest, '.search-result h2 a')[0]).toBe('Webhook deliveries fail with a 502 error')
  })

  it('tolerates typos', async () => {
    const page = await html(await t.client().get('/search?q=webhok+deliveris'))
    expect(page.querySelector('.corrected')?.text).toMatch(/webhook deliveries/)
    expect(texts(page, '.search-result h2 a')).toEqual(['Webhook deliveries fail with a 502 error'])
  })

  const awkward: [string, string, RegExp][] = [
    ['an empty query', '/search?q=', /Type what you are looking for/],
    ['only operators', '/search?q=-+OR+%22%22', /has no words to look for/],
    ['unbalanced quotes', '/search?q=%22webhook+deliveries', /Webhook deliveries fail/],
    ['SQL in the query', `/search?q=${encodeURIComponent("'; drop table threads; --")}`, /No results|result/],
    ['HTML in the query', `/search?q=${encodeURIComponent('<script>alert(1)</script>')}`, /No results/],
    ['unknown filters', '/search?q=csv&state=bogus&sort=weird&from=yesterday&category=nope&colour=blue', /no “bogus” filter/],
    ['a page past the end', '/search?q=csv&page=40', /Page 40 is past the end: there is 1 result on 1 page/],
    ['a nonsense page', '/search?q=csv&page=-3', /not a page number/],
  ]
  for (const [what, path, expected] of awkward) {
    it(`handles ${what} with results or a clear message, never a 500`, async () => {
      const response = await t.client().get(path)
      expect(response.status).toBe(200)
      const body = await response.text()
      expect((await html(new Response(body))).querySelector('main')?.text.replace(/\s+/g, ' ')).toMatch(expected)
      expect(body).not.toContain('<script>alert(1)</script>')
    })
  }

  it('shortens a 2 KB query, says so, and echoes it back escaped', async () => {
    const long = `<b>${'invoice '.repeat(300)}</b>`
    const response = await t.client().get(`/search?q=${encodeURIComponent(long)}`)
    expect(response.status).toBe(200)
    const page = await html(response)
    expect(page.querySelector('.notices')?.text).toMatch(/shortened to its first 200 characters/)
    expect(page.querySelector('#search-q')?.getAttribute('value')).toHaveLength(200)
    expect(await (await t.client().get(`/search?q=${encodeURIComponent(long)}`)).text()).not.toContain('<b>invoice')
  })

  it('has a search box in the header of every page', async () => {
    for (const path of ['/', `/t/${ids.invoice!.id}/${ids.invoice!.slug}`, '/tags']) {
      const page = await html(await t.client().get(path))
      expect(page.querySelector('header form[role=search]')?.getAttribute('action')).toBe('/search')
    }
  })
})

describe('kept answers (issue 20)', () => {
  // The PostgreSQL engine keeps each answer under the index's epoch (migration 0033): whatever
  // changes the index shows in the next answer, and the threads around an answer are read afresh.
  const found = async (query: string) => texts(await html(await t.client().get(`/search?q=${encodeURIComponent(query)}`)), '.search-result h2 a')
  const similar = async (title: string) =>
    texts(await html(await (await t.client().signInAs(helper)).get(`/ask/similar?title=${encodeURIComponent(title)}`, { htmx: true })), '.similar-list li a')

  it('shows a new, an edited and a removed thread in the next answer to the same search', async () => {
    const thread = await createThread(t, asker, billing, { title: 'Refund arrives in the wrong currency', body: 'The refund for my annual plan came back in dollars.' })
    await t.drain()
    expect(await found('annual refund')).toEqual(['Refund arrives in the wrong currency'])
    expect(await found('annual  refund ')).toEqual(['Refund arrives in the wrong currency'])
    expect(await similar('refund wrong currency annual plan')).toContain('Refund arrives in the wrong currency')

    const newer = await createThread(t, helper, billing, { title: 'Annual refund never arrived', body: 'Cancelled the annual plan, no refund yet.' })
    await t.drain()
    expect((await found('annual refund')).sort()).toEqual(['Annual refund never arrived', 'Refund arrives in the wrong currency'])
    expect(await similar('refund wrong currency annual plan')).toContain('Annual refund never arrived')

    await editThread({
      ctx: t.ctx(asker),
      input: { threadId: String(thread.id), title: 'Annual refund paid in dollars, not euros', body: 'The refund for my annual plan came back in dollars.', categoryId: String(billing.id), tags: '' },
    })
    await t.drain()
    expect((await found('annual refund')).sort()).toEqual(['Annual refund never arrived', 'Annual refund paid in dollars, not euros'])

    // Any writer of the index moves its epoch, even one writing the table directly.
    await t.db.delete(searchDocuments).where(eq(searchDocuments.threadId, newer.id))
    expect(await found('annual refund')).toEqual(['Annual refund paid in dollars, not euros'])
  })

  it('never shows a thread hidden since the answer was kept, even before the index catches up', async () => {
    const thread = await createThread(t, asker, api, { title: 'Sandbox keys expire overnight', body: 'Our sandbox API keys stop working every night.' })
    await t.drain()
    expect(await found('sandbox keys')).toEqual(['Sandbox keys expire overnight'])
    expect(await similar('sandbox api keys expire')).toContain('Sandbox keys expire overnight')
    await (await t.client().signInAs(support)).post(`/t/${thread.id}/hide`, { on: '1' })
    // Not yet reindexed: the kept answer still names the thread, and the page still leaves it out.
    const page = await (await t.client().get('/search?q=sandbox+keys')).text()
    expect(page).not.toContain('Sandbox keys expire overnight')
    expect(page).not.toContain('stop working every night')
    expect(await similar('sandbox api keys expire')).not.toContain('Sandbox keys expire overnight')
    await t.drain()
    expect(await found('sandbox keys')).toEqual([])
  })
})

describe('similar questions', () => {
  it('shows likely answers while asking, with solved state and the accepted answer, links in a new tab', async () => {
    const client = await t.client().signInAs(helper)
    const fragment = await html(await client.get('/ask/similar?title=export+projects+csv', { htmx: true }))
    const item = fragment.querySelector('.similar-list li')!
    expect(item.querySelector('a')?.text).toBe('How do I export my projects to CSV?')
    expect(item.querySelector('a')?.getAttribute('target')).toBe('_blank')
    expect(item.querySelector('.solved-badge')).not.toBeNull()
    expect(item.querySelector('.accepted-excerpt')?.text).toContain('Settings → Export')
    expect((await html(await client.get('/ask/similar?title=ab'))).querySelector('.similar-empty')).not.toBeNull()
  })

  it('shows them without JavaScript too, after a preview', async () => {
    const client = await t.client().signInAs(helper)
    const page = await html(await client.post('/ask', { title: 'Exporting every project as CSV', body: 'Is there a CSV export for all projects?', categoryId: String(api.id), intent: 'preview' }))
    expect(page.querySelector('#similar-questions .similar-list a')?.text).toBe('How do I export my projects to CSV?')
  })

  it('answers the JSON API with ids, titles, scores and URLs', async () => {
    const response = await t.client().get('/api/v1/similar?title=currency+on+invoice&body=USD+instead+of+EUR&limit=2')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/application\/json/)
    const body = (await response.json()) as { results: { id: number; title: string; url: string; score: number; solved: boolean }[] }
    expect(body.results.length).toBeLessThanOrEqual(2)
    expect(body.results[0]).toMatchObject({
      id: ids.invoice!.id,
      title: 'Invoice shows the wrong currency',
      url: `http://localhost/t/${ids.invoice!.id}/${ids.invoice!.slug}`,
      solved: false,
    })
    expect(body.results[0]!.score).toBeGreaterThan(0)
  })

  it('explains bad API input in JSON with a 422', async () => {
    for (const query of ['?title=', '?title=x&limit=500', '?title=x&limit=two', `?title=${'y'.repeat(400)}`]) {
      const response = await t.client().get(`/api/v1/similar${query}`)
      expect(response.status).toBe(422)
      const body = (await response.json()) as { error: { message: string; fields: Record<string, string> } }
      expect(body.error.message).toBeTruthy()
      expect(Object.keys(body.error.fields).length).toBeGreaterThan(0)
    }
  })
})

describe('search analytics', () => {
  it('counts top queries, content gaps and deflection, and shows them only to staff', async () => {
    const visitor = t.client()
    // As-you-type refinements count as one search.
    for (const q of ['exp', 'export', 'export csv']) await visitor.get(`/search?q=${encodeURIComponent(q)}`, { htmx: true })
    const results = await html(await visitor.get('/search?q=export+csv'))
    const href = results.querySelector('.search-result h2 a')!.getAttribute('href')!
    expect(href).toMatch(/\?from=\d+$/)
    const click = await visitor.get(href)
    expect(click.status).toBe(302)
    expect(click.headers.get('location')).toBe(`/t/${ids.export!.id}/${ids.export!.slug}`)
    await t.client().get('/search?q=kubernetes+operator')

    // Someone who found a solved thread but asked anyway is not deflected.
    const asks = await t.client().signInAs(helper)
    const found = await html(await asks.get('/search?q=csv+export'))
    await asks.get(found.querySelector('.search-result h2 a')!.getAttribute('href')!)
    t.clock.advance(60_000)
    await asks.post('/ask', { title: 'CSV export misses archived projects', body: 'The export skips projects that are archived.', categoryId: String(api.id) })

    const staff = await t.client().signInAs(support)
    const page = await html(await staff.get('/staff/search'))
    const top = page
      .querySelectorAll('section[aria-labelledby=top-heading] tbody tr')
      .map((row) => row.querySelectorAll('td').map((cell) => cell.text.trim()))
    // query, searches, average results, share opened
    expect(top).toContainEqual(['export csv', '1', '1', '100%'])
    expect(top.some(([query]) => query === 'exp' || query === 'export')).toBe(false)
    const gaps = texts(page, 'section[aria-labelledby=gaps-heading] tbody td:first-child')
    expect(gaps).toContain('kubernetes operator')
    const searchRow = page.querySelectorAll('section[aria-labelledby=deflection-heading] tbody tr')[0]!
    const cells = searchRow.querySelectorAll('td').map((cell) => cell.text)
    // lookups, solved clicks, deflected: the first visitor was deflected, the second asked.
    expect(cells.slice(1, 3)).toEqual(['2', '1'])

    for (const client of [t.client(), await t.client().signInAs(asker)]) {
      const refused = await client.get('/staff/search')
      expect([302, 403]).toContain(refused.status)
    }
  })
})

describe('background jobs page', () => {
  it('shows parked jobs to admins with a retry button that sends them back to the workers', async () => {
    await t.db.insert(outbox).values({
      topic: 'search.index_threads',
      key: 'search:thread:999999',
      payload: { threadIds: [999999] },
      dueAt: t.clock.now(),
      attempts: 8,
      lastError: 'Meilisearch could not index threads: invalid api key',
      parkedAt: t.clock.now(),
      createdAt: t.clock.now(),
    })
    const client = await t.client().signInAs(admin)
    const page = await html(await client.get('/admin/outbox'))
    const row = page.querySelector('tbody tr[id^=job-]')!
    expect(row.text).toContain('invalid api key')
    const id = row.getAttribute('id')!.replace('job-', '')
    expect((await client.post(`/admin/outbox/${id}/retry`)).status).toBe(303)
    const [retried] = await t.db.select().from(outbox).where(eq(outbox.key, 'search:thread:999999'))
    expect(retried?.parkedAt).toBeNull()
    expect(retried?.attempts).toBe(0)
    expect((await (await t.client().signInAs(support)).get('/admin/outbox')).status).toBe(403)
    expect((await client.post('/admin/outbox/424242/retry')).status).toBe(404)
    await t.drain()
  })
})
