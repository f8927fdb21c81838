import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Category, User } from '../../src/db/schema'
import { editThread, setAcceptedReply, setThreadVote } from '../../src/forum'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

// List regions and feeds are rendered once and reused for every viewer (src/web/page-cache.ts,
// FragmentCache). What these tests hold it to: a change shows on the very next request, and
// nothing personal (who is signed in, their CSRF token) comes out of the cache for someone else.

let t: TestApp
let category: Category
let asker: User
let helper: User
let voter: User
let other: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Cached things', slug: 'cached-things', position: 1 })
  asker = await createUser(t.db, { displayName: 'Asha Asker' })
  helper = await createUser(t.db, { displayName: 'Hugo Helper' })
  voter = await createUser(t.db, { displayName: 'Vera Voter' })
  other = await createUser(t.db, { displayName: 'Otto Other' })
})
afterAll(() => t.close())

const rowOf = async (path: string, threadId: number) => {
  const page = await html(await t.client().get(path))
  const row = page.querySelectorAll('.thread-row').find((article) => article.querySelector(`a[href^="/t/${threadId}/"]`))
  if (!row) throw new Error(`thread ${threadId} is not listed on ${path}`)
  return row
}

describe('a cached list region', () => {
  it('shows a vote, an accepted solution and an edit on the next request, on every list that holds the thread', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Cached row before the edit', tags: 'caching' })
    const lists = ['/', '/c/cached-things', '/tags/caching']
    for (const path of lists) expect((await rowOf(path, thread.id)).querySelector('.stat strong')?.text).toBe('0')

    await setThreadVote({ ctx: t.ctx(voter), input: { threadId: thread.id, on: '1' } })
    for (const path of lists) expect((await rowOf(path, thread.id)).querySelector('.stat strong')?.text).toBe('1')

    const reply = await createReply(t, helper, thread.id, 'Turn the cache off and on again, then it works.')
    expect((await rowOf('/', thread.id)).querySelector('.replies strong')?.text).toBe('1')
    await setAcceptedReply({ ctx: t.ctx(asker), input: { replyId: reply.id, on: '1' } })
    for (const path of lists) expect((await rowOf(path, thread.id)).querySelector('.solved-mark')).not.toBeNull()
    expect((await html(await t.client().get('/solved'))).querySelector(`a[href^="/t/${thread.id}/"]`)).not.toBeNull()

    await editThread({
      ctx: t.ctx(asker),
      input: { threadId: thread.id, title: 'Cached row after the edit', body: 'The body changed too, and the list must say so.', categoryId: String(category.id), tags: 'caching' },
    })
    for (const path of lists) {
      const row = await rowOf(path, thread.id)
      expect(row.querySelector('.thread-title a')?.text).toBe('Cached row after the edit')
      expect(row.querySelector('.excerpt')?.text).toContain('The body changed too')
    }
  })

  it('serves the same region to everyone but never one viewer’s name or CSRF token to another', async () => {
    t.clock.advance(60_000)
    await createThread(t, asker, category, { title: 'A thread everyone sees the same way' })
    const first = await t.client().signInAs(voter)
    const second = await t.client().signInAs(other)
    const anonymous = t.client()
    const pages = {
      first: await (await first.get('/')).text(),
      second: await (await second.get('/')).text(),
      anonymous: await (await anonymous.get('/')).text(),
    }
    const tokens = { first: await first.csrfToken(), second: await second.csrfToken(), anonymous: await anonymous.csrfToken() }
    expect(new Set(Object.values(tokens)).size).toBe(3)
    // The rows are the same rendering for all three...
    const rows = (page: string) => page.slice(page.indexOf('<div class="with-sidebar">'))
    expect(rows(pages.second)).toBe(rows(pages.first))
    expect(rows(pages.anonymous)).toBe(rows(pages.first))
    // ...and each page carries only its own viewer.
    expect(pages.first).toContain('Vera Voter')
    expect(pages.first).not.toContain('Otto Other')
    expect(pages.second).toContain('Otto Other')
    expect(pages.second).not.toContain('Vera Voter')
    expect(pages.anonymous).not.toContain('Vera Voter')
    expect(pages.anonymous).not.toContain('Otto Other')
    for (const [who, page] of Object.entries(pages))
      for (const [whose, token] of Object.entries(tokens)) {
        if (who === whose) continue
        expect(page, `${who}'s page holds ${whose}'s CSRF token`).not.toContain(token)
      }
  })

  it('drops a hidden thread from the list at once', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Soon hidden by staff' })
    expect(await rowOf('/', thread.id)).toBeTruthy()
    const staff = await createUser(t.db, { displayName: 'Sam Staff', role: 'support' })
    const client = await t.client().signInAs(staff)
    expect((await client.post(`/t/${thread.id}/hide`, { on: '1' })).status).toBe(303)
    const page = await html(await t.client().get('/'))
    expect(page.querySelector(`a[href^="/t/${thread.id}/"]`)).toBeNull()
  })
})

describe('a kept feed', () => {
  it('changes with an edit at once, answers 304 to the ETag it gave, and 200 once it changed', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Feed entry before the edit' })
    const before = await t.client().get('/feed.atom')
    const etag = before.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(await before.text()).toContain('Feed entry before the edit')

    const again = await t.client().get('/feed.atom', { headers: { 'if-none-match': etag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')

    await editThread({
      ctx: t.ctx(asker),
      input: { threadId: thread.id, title: 'Feed entry after the edit', body: 'Edited so that the feed has to change.', categoryId: String(category.id), tags: '' },
    })
    const after = await t.client().get('/feed.atom', { headers: { 'if-none-match': etag! } })
    expect(after.status).toBe(200)
    expect(after.headers.get('etag')).not.toBe(etag)
    const body = await after.text()
    expect(body).toContain('Feed entry after the edit')
    expect(body).not.toContain('Feed entry before the edit')
    const category_ = await t.client().get('/c/cached-things/feed.atom')
    expect(await category_.text()).toContain('Feed entry after the edit')
  })
})
