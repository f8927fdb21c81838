import { parse } from 'node-html-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Category, User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

let t: TestApp
let billing: Category
let api: Category
let asker: User
let helper: User

beforeAll(async () => {
  t = await createTestApp()
  billing = await createCategory(t.db, { name: 'Billing', slug: 'billing', position: 1 })
  api = await createCategory(t.db, { name: 'API', slug: 'api', position: 2 })
  asker = await createUser(t.db, { displayName: 'Ada Asker' })
  helper = await createUser(t.db, { displayName: 'Hal Helper' })
})
afterAll(() => t.close())

describe('lists', () => {
  it('orders by last activity, paginates by keyset without gaps or repeats, and filters by category, tag and state', async () => {
    const created: string[] = []
    for (let i = 1; i <= 35; i++) {
      t.clock.advance(60_000)
      const title = `Pagination question number ${String(i).padStart(2, '0')}`
      await createThread(t, asker, i % 2 ? billing : api, { title, tags: i % 5 === 0 ? 'invoices' : '' })
      created.push(title)
    }
    const first = await html(await t.client().get('/'))
    const firstTitles = texts(first, '.thread-row .thread-title a')
    expect(firstTitles).toHaveLength(30)
    expect(firstTitles[0]).toBe('Pagination question number 35')
    const next = first.querySelector('a[rel=next]')?.getAttribute('href')
    expect(next).toMatch(/^\/\?before=/)
    const second = await html(await t.client().get(next!))
    const secondTitles = texts(second, '.thread-row .thread-title a')
    expect([...firstTitles, ...secondTitles]).toEqual([...created].reverse())
    expect(second.querySelector('a[rel=next]')).toBeNull()

    // A reply bumps a thread to the top.
    t.clock.advance(60_000)
    const bumped = await html(await t.client().get('/c/billing'))
    const oldest = bumped.querySelectorAll('.thread-row .thread-title a').at(-1)!
    await createReply(t, helper, Number(oldest.getAttribute('href')!.split('/')[2]), 'Bumping this with a helpful answer.')
    const afterBump = await html(await t.client().get('/c/billing'))
    expect(afterBump.querySelector('.thread-row .thread-title a')?.text).toBe(oldest.text)
    expect(texts(afterBump, '.thread-row .category-chip').every((name) => name === 'Billing')).toBe(true)

    const tagged = await html(await t.client().get('/tags/invoices'))
    expect(texts(tagged, '.thread-row .thread-title a')).toEqual(['35', '30', '25', '20', '15', '10', '05'].map((n) => `Pagination question number ${n}`))

    const unanswered = await html(await t.client().get('/unanswered'))
    expect(texts(unanswered, '.thread-row .thread-title a')).not.toContain(oldest.text)
    const apiUnanswered = await html(await t.client().get('/c/api?filter=unanswered'))
    expect(apiUnanswered.querySelector('.tabs a[aria-current=page]')?.text).toBe('Unanswered')
  })

  it('shows replies, votes, the solved mark and last activity on each row', async () => {
    const thread = await createThread(t, asker, billing, { title: 'Row details should be visible here' })
    const reply = await createReply(t, helper, thread.id)
    const client = await t.client().signInAs(asker)
    await client.post(`/r/${reply.id}/accept`, { on: '1' })
    await (await t.client().signInAs(helper)).post(`/t/${thread.id}/vote`, { on: '1' })
    const page = await html(await t.client().get('/solved'))
    const row = page.querySelectorAll('.thread-row').find((element) => element.text.includes('Row details should be visible here'))!
    expect(row.classList.contains('is-solved')).toBe(true)
    expect(row.querySelector('.replies')?.text).toMatch(/1 reply/)
    expect(row.querySelector('.solved-mark')?.text).toMatch(/✓ solved/)
    expect(row.querySelector('.stat')?.text).toMatch(/1 vote/)
    expect(row.querySelector('time')?.getAttribute('datetime')).toBeTruthy()
  })

  it('handles a page past the end, a malformed cursor, an unknown filter, category and tag', async () => {
    const past = await t.client().get('/?before=1.1')
    expect(past.status).toBe(200)
    expect((await html(past)).querySelector('.empty')?.text).toMatch(/no more threads/)
    expect((await t.client().get('/?before=garbage%27%3B--')).status).toBe(200)
    expect((await t.client().get('/c/billing?filter=bogus')).status).toBe(200)
    expect((await t.client().get('/c/no-such-category')).status).toBe(404)
    expect((await t.client().get('/tags/no-such-tag')).status).toBe(404)
    expect((await t.client().get('/u/999999')).status).toBe(404)
  })

  it("shows a person's public profile with their questions and never their email", async () => {
    const page = await t.client().get(`/u/${asker.id}`)
    const body = await page.text()
    expect(body).toContain('Ada Asker')
    expect(body).not.toContain(asker.email)
    expect(parse(body).querySelectorAll('.thread-row').length).toBeGreaterThan(0)
  })
})

/** The JSON-LD blocks of a page as a crawler reads them: the raw bytes between the tags, no entity decoding. */
function jsonLdBlocks(body: string): string[] {
  return [...body.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/gi)].map((match) => match[1]!)
}

/** Every opening script tag, with its attributes: the same set on every thread page. */
function scriptTags(body: string): string[] {
  return [...body.matchAll(/<script\b[^>]*>/gi)].map((match) => match[0].replace(/\?v=\w+/, ''))
}

/** What schema.org and Google ask of a QAPage: one Question, its answers with text, author, date and url. */
function expectQaPage(data: Record<string, any>) {
  expect(data['@context']).toBe('https://schema.org')
  expect(data['@type']).toBe('QAPage')
  const q = data.mainEntity
  expect(q['@type']).toBe('Question')
  expect(typeof q.name).toBe('string')
  expect(q.name.length).toBeGreaterThan(0)
  expect(typeof q.text).toBe('string')
  expect(Number.isInteger(q.answerCount)).toBe(true)
  expect(new Date(q.dateCreated).toISOString()).toBe(q.dateCreated)
  expect(q.author).toMatchObject({ '@type': 'Person', name: expect.any(String) })
  const answers = [...(q.acceptedAnswer ? [q.acceptedAnswer] : []), ...(q.suggestedAnswer ?? [])]
  expect(answers.length).toBeGreaterThan(0)
  for (const answer of answers) {
    expect(answer['@type']).toBe('Answer')
    expect(typeof answer.text).toBe('string')
    expect(answer.author).toMatchObject({ '@type': 'Person', name: expect.any(String) })
    expect(new Date(answer.dateCreated).toISOString()).toBe(answer.dateCreated)
    expect(answer.url).toMatch(/^http:\/\/localhost\/t\/\d+\/[\w-]+#reply-\d+$/)
  }
}

describe('search engines', () => {
  it('gives each thread a canonical link, OpenGraph tags and QAPage JSON-LD that match the page', async () => {
    const thread = await createThread(t, asker, billing, { title: 'Refund for a duplicate charge on my card', body: 'I was charged twice for the **March** invoice.' })
    const first = await createReply(t, helper, thread.id, 'Support here: the duplicate will be refunded within 5 days.')
    await createReply(t, asker, thread.id, 'Thanks, I will wait and see what happens.')
    await (await t.client().signInAs(asker)).post(`/r/${first.id}/accept`, { on: '1' })
    await (await t.client().signInAs(helper)).post(`/t/${thread.id}/vote`, { on: '1' })

    const body = await (await t.client().get(`/t/${thread.id}/${thread.slug}`)).text()
    const page = parse(body)
    const url = `http://localhost/t/${thread.id}/${thread.slug}`
    expect(page.querySelector('link[rel=canonical]')?.getAttribute('href')).toBe(url)
    expect(page.querySelector('meta[property="og:title"]')?.getAttribute('content')).toBe('Refund for a duplicate charge on my card')
    expect(page.querySelector('meta[property="og:url"]')?.getAttribute('content')).toBe(url)
    expect(page.querySelector('meta[name=description]')?.getAttribute('content')).toBe('I was charged twice for the March invoice.')

    // Read the way a crawler does: the script's raw text, no HTML entity decoding.
    const blocks = jsonLdBlocks(body)
    expect(blocks).toHaveLength(1)
    const data = JSON.parse(blocks[0]!)
    expectQaPage(data)
    const q = data.mainEntity
    expect(q).toMatchObject({
      '@type': 'Question',
      name: 'Refund for a duplicate charge on my card',
      text: 'I was charged twice for the March invoice.',
      answerCount: 2,
      upvoteCount: 1,
      url,
      author: { '@type': 'Person', name: 'Ada Asker' },
    })
    expect(q.acceptedAnswer).toMatchObject({
      '@type': 'Answer',
      text: 'Support here: the duplicate will be refunded within 5 days.',
      upvoteCount: 0,
      url: `${url}#reply-${first.id}`,
      author: { name: 'Hal Helper' },
    })
    expect(q.suggestedAnswer).toHaveLength(1)
    expect(q.suggestedAnswer[0].text).toBe('Thanks, I will wait and see what happens.')
    // The visible page says the same.
    expect(page.querySelector('#replies-heading')?.text).toBe('2 replies')
    expect(page.querySelector('#thread-vote .vote-count')?.text).toBe('1')
  })

  it('escapes JSON-LD so a title or post cannot close the script element', async () => {
    const title = '</script><script>alert(1)</script>'
    const body = 'The log shows `</script><script>alert(2)</script>`, then <!-- & \u2028 too.'
    const control = await createThread(t, asker, billing, { title: 'An ordinary question about invoices' })
    const thread = await createThread(t, asker, billing, { title, body })
    await createReply(t, helper, thread.id, 'Try `</SCRIPT>` here.')
    const page = await (await t.client().get(`/t/${thread.id}/${thread.slug}`)).text()
    const controlPage = await (await t.client().get(`/t/${control.id}/${control.slug}`)).text()

    const blocks = jsonLdBlocks(page)
    expect(blocks).toHaveLength(1)
    expect(blocks[0]).not.toMatch(/[<>&\u2028\u2029]/)
    const data = JSON.parse(blocks[0]!)
    expectQaPage(data)
    expect(data.mainEntity.name).toBe(title)
    expect(data.mainEntity.text).toContain('</script><script>alert(2)</script>')
    expect(data.mainEntity.text).toContain('<!-- &')
    expect(data.mainEntity.suggestedAnswer[0].text).toBe('Try </SCRIPT> here.')
    // No script element beyond the ones every thread page has.
    expect(scriptTags(page)).toEqual(scriptTags(controlPage))
    expect(page).not.toContain('<script>alert(')
  })

  it('serves robots.txt, a sitemap index and thread sitemaps', async () => {
    const robots = await t.client().get('/robots.txt')
    expect(await robots.text()).toMatch(/Sitemap: http:\/\/localhost\/sitemap.xml/)
    const index = await t.client().get('/sitemap.xml')
    expect(index.headers.get('content-type')).toMatch(/xml/)
    const indexDoc = parse(await index.text())
    const files = indexDoc.querySelectorAll('loc').map((loc) => loc.text)
    expect(files).toEqual(['http://localhost/sitemaps/pages.xml', 'http://localhost/sitemaps/threads-1.xml'])
    const threadsDoc = parse(await (await t.client().get('/sitemaps/threads-1.xml')).text())
    expect(threadsDoc.querySelectorAll('url').length).toBeGreaterThan(30)
    expect(threadsDoc.querySelector('loc')?.text).toMatch(/^http:\/\/localhost\/t\/\d+\/[a-z0-9-]+$/)
    const pages = await (await t.client().get('/sitemaps/pages.xml')).text()
    expect(pages).toContain('http://localhost/c/billing')
    expect((await t.client().get('/sitemaps/threads-9.xml')).status).toBe(404)
  })

  it('publishes Atom feeds of the latest questions, site-wide and per category', async () => {
    const response = await t.client().get('/feed.atom')
    expect(response.headers.get('content-type')).toMatch(/application\/atom\+xml/)
    const feed = parse(await response.text())
    expect(feed.querySelector('feed > title')?.text).toBe('Test Community: latest questions')
    const entries = feed.querySelectorAll('entry')
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.length).toBeLessThanOrEqual(30)
    expect(entries[0]!.querySelector('link')?.getAttribute('href')).toMatch(/^http:\/\/localhost\/t\/\d+\//)
    const api = parse(await (await t.client().get('/c/api/feed.atom')).text())
    expect(api.querySelectorAll('entry').every((entry) => entry.querySelector('category')?.getAttribute('term') === 'API')).toBe(true)
    expect((await t.client().get('/c/nope/feed.atom')).status).toBe(404)
  })
})

describe('user HTML', () => {
  it('executes nothing: scripts, handlers and javascript: or data: URLs are removed, links get rel=nofollow ugc', async () => {
    const attack = [
      'Hello <script>document.title="pwned"</script>',
      '<img src="https://example.com/x.png" onerror="alert(1)">',
      '<a href="javascript:alert(1)">click</a> [md](javascript:alert(2)) <a href="https://example.com" onclick="x()">ok</a>',
      '<iframe src="https://evil.example"></iframe><svg onload=alert(3)></svg><style>body{display:none}</style>',
      '![img](data:image/svg+xml;base64,PHN2Zz4=) <div style="background:url(javascript:alert(4))">styled</div>',
      '<form action="https://evil.example"><input name=x></form><object data="x"></object>',
    ].join('\n\n')
    const thread = await createThread(t, asker, billing, { title: 'A post full of XSS attempts here', body: attack })
    await createReply(t, helper, thread.id, attack)
    const page = await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))
    for (const prose of page.querySelectorAll('.post .prose')) {
      const inner = prose.innerHTML
      expect(inner).not.toMatch(/<script|<iframe|<svg|<style|<form|<object|onerror|onclick|onload|javascript:|data:image|style=/i)
      for (const link of prose.querySelectorAll('a[href]')) expect(link.getAttribute('rel')).toBe('nofollow ugc noopener')
      expect(prose.querySelector('img')?.getAttribute('src')).toBe('https://example.com/x.png')
    }
  })
})

describe('errors', () => {
  it('never answers a malformed or oversized body with a 500', async () => {
    const client = await t.client().signInAs(asker)
    const token = await client.csrfToken()
    const malformed = await client.request('/ask', {
      method: 'POST',
      body: '--broken\r\nContent-Disposition: form-data; name="title"\r\n\r\nno end boundary',
      headers: { 'content-type': 'multipart/form-data; boundary=other', 'x-csrf-token': token },
    })
    expect(malformed.status).toBeGreaterThanOrEqual(400)
    expect(malformed.status).toBeLessThan(500)
    const huge = await client.post('/ask', { title: 'A huge post that is refused', body: 'z'.repeat(400_000), categoryId: String(billing.id) })
    expect(huge.status).toBe(413)
    expect(await huge.text()).toMatch(/too large/)
  })

  it('shows a friendly 404 page for unknown addresses', async () => {
    const response = await t.client().get('/no/such/page')
    expect(response.status).toBe(404)
    const page = await html(response)
    expect(page.querySelector('h1')?.text).toBe('Page not found')
  })
})
