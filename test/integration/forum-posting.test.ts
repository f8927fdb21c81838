import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replies, subscriptions, threads, type Category, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

let t: TestApp
let category: Category
let asker: User
let helper: User
let support: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  asker = await createUser(t.db, { displayName: 'Asker' })
  helper = await createUser(t.db, { displayName: 'Helper' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
})
afterAll(() => t.close())

const threadCount = async () => Number((await t.db.select({ n: count() }).from(threads))[0]!.n)
const replyCount = async (threadId: number) =>
  Number((await t.db.select({ n: count() }).from(replies).where(eq(replies.threadId, threadId)))[0]!.n)

const question = {
  title: 'Webhook deliveries fail with 502 since upgrading',
  body: 'Since upgrading to 2.4.1 every webhook delivery fails:\n\n```\nPOST /hooks 502 Bad Gateway\n```\n\nWhat changed?',
  tags: 'Webhooks, Upgrade',
}

describe('asking a question', () => {
  it('publishes the question at once, under its canonical URL, with tags, and follows it for the asker', async () => {
    const client = await t.client().signInAs(asker)
    const response = await client.post('/ask', { ...question, categoryId: String(category.id) })
    expect(response.status).toBe(303)
    const location = response.headers.get('location')!
    expect(location).toMatch(/^\/t\/\d+\/webhook-deliveries-fail-with-502-since-upgrading$/)
    const page = await html(await t.client().get(location))
    expect(page.querySelector('h1')?.text).toBe(question.title)
    expect(page.querySelector('.question pre')?.text).toContain('502 Bad Gateway')
    expect(texts(page, '.thread-meta .tag')).toEqual(['upgrade', 'webhooks'])
    const threadId = Number(location.split('/')[2])
    const [subscription] = await t.db.select().from(subscriptions).where(eq(subscriptions.threadId, threadId))
    expect(subscription).toMatchObject({ userId: asker.id, subscribed: true })
  })

  it('sends anonymous visitors to sign in first and brings them back', async () => {
    const response = await t.client().get('/ask')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login?next=%2Fask')
  })

  it('keeps the text when the session ended while writing', async () => {
    const before = await threadCount()
    const response = await t.client().post('/ask', { ...question, categoryId: String(category.id) })
    expect(response.status).toBe(401)
    const page = await html(response)
    expect(page.querySelector('.form-message')?.text).toMatch(/session has ended/)
    expect(page.querySelector('#field-title')?.getAttribute('value')).toBe(question.title)
    expect(page.querySelector('textarea[name=body]')?.text).toBe(question.body)
    expect(await threadCount()).toBe(before)
  })

  const badQuestions: [string, Record<string, string>, string, RegExp][] = [
    ['an empty title', { title: '' }, 'title', /Title is required/],
    ['a title of only spaces', { title: '      \t  ' }, 'title', /Title is required/],
    ['a short title', { title: 'Help me' }, 'title', /at least 15 characters \(it has 7\)/],
    ['a long title', { title: 'x'.repeat(151) }, 'title', /at most 150 characters/],
    ['an empty body', { body: '' }, 'body', /Question is required/],
    ['a body of only whitespace', { body: ' \n\n \t ' }, 'body', /Question is required/],
    ['a short body', { body: 'It breaks.' }, 'body', /at least 20 characters/],
    ['a body over the limit', { body: 'y'.repeat(20_001) }, 'body', /at most 20000 characters/],
    ['a body with a NUL byte', { body: 'A NUL byte \u0000 sneaked into this question' }, 'body', /could not be read/],
    ['a body that is nothing but a script', { body: '<script>alert("this is long enough")</script>' }, 'body', /no readable content/],
    ['no category', { categoryId: '' }, 'categoryId', /Choose a valid category/],
    ['an unknown category', { categoryId: '987654' }, 'categoryId', /Choose one of the listed categories/],
    ['a non-numeric category', { categoryId: 'billing' }, 'categoryId', /Choose a valid category/],
    ['a malformed tag', { tags: 'ok, not ok!' }, 'tags', /"not-ok!" does not/],
    ['too many tags', { tags: 'a1, b2, c3, d4, e5, f6' }, 'tags', /at most 5 tags/],
  ]

  for (const [what, override, field, message] of badQuestions) {
    it(`refuses ${what} with a message by the field, keeping the input`, async () => {
      const client = await t.client().signInAs(asker)
      const before = await threadCount()
      const values = { ...question, categoryId: String(category.id), ...override }
      const response = await client.post('/ask', values)
      expect(response.status).toBe(422)
      const page = await html(response)
      expect(page.querySelector(`#field-${field}-error, #question-${field}-error`)?.text).toMatch(message)
      expect(page.querySelector('.form-message')?.getAttribute('role')).toBe('alert')
      if (field !== 'title') expect(page.querySelector('#field-title')?.getAttribute('value')).toBe(values.title)
      if (field !== 'body' && values.body.length < 1000) expect(page.querySelector('textarea[name=body]')?.text).toBe(values.body)
      expect(await threadCount()).toBe(before)
    })
  }

  it('refuses invalid UTF-8 bytes in a field, but accepts a typed U+FFFD', async () => {
    const client = await t.client().signInAs(asker)
    const before = await threadCount()
    const token = await client.csrfToken()
    const encoded = (body: string) => `title=${encodeURIComponent(question.title)}&categoryId=${category.id}&tags=&body=${body}&_csrf=${token}`
    const latin1 = await client.request('/ask', {
      method: 'POST',
      body: encoded('Caf%E9+au+lait+is+broken+in+our+export'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(latin1.status).toBe(422)
    const page = await html(latin1)
    expect(page.querySelector('#question-body-error')?.text).toMatch(/not valid UTF-8/)
    expect(page.querySelector('#field-title')?.getAttribute('value')).toBe(question.title)
    expect(await threadCount()).toBe(before)

    const quoted = await client.post('/ask', {
      ...question,
      categoryId: String(category.id),
      body: 'Our export shows \uFFFD\uFFFD where accents should be. Why?',
    })
    expect(quoted.status).toBe(303)
  })

  it('previews Markdown without JavaScript, keeping every field', async () => {
    const client = await t.client().signInAs(asker)
    const before = await threadCount()
    const response = await client.post('/ask', { ...question, categoryId: String(category.id), intent: 'preview' })
    expect(response.status).toBe(200)
    const page = await html(response)
    expect(page.querySelector('#question-body-preview pre')?.text).toContain('502 Bad Gateway')
    expect(page.querySelector('#field-title')?.getAttribute('value')).toBe(question.title)
    expect(page.querySelector(`option[value="${category.id}"]`)?.getAttribute('selected')).not.toBeUndefined()
    expect(await threadCount()).toBe(before)
  })

  it('previews through htmx as a sanitised fragment', async () => {
    const client = await t.client().signInAs(asker)
    const response = await client.post('/preview', { body: '# Title\n\n<img src=x onerror=alert(1)> **ok**' }, { htmx: true })
    const body = await response.text()
    expect(body).toContain('<h2>Title</h2>')
    expect(body).toContain('<strong>ok</strong>')
    expect(body).not.toMatch(/onerror|<html/)
  })
})

describe('replying', () => {
  it('adds the reply, counts it, marks the thread answered only when someone else replies, and follows the thread', async () => {
    const thread = await createThread(t, asker, category)
    const own = await t.client().signInAs(asker)
    await own.post(`/t/${thread.id}/replies`, { body: 'Adding more detail: it also fails on retry.' })
    let [row] = await t.db.select().from(threads).where(eq(threads.id, thread.id))
    expect(row!.replyCount).toBe(1)
    expect(row!.answeredAt).toBeNull()

    t.clock.advance(60_000)
    const client = await t.client().signInAs(helper)
    const response = await client.post(`/t/${thread.id}/replies`, { body: 'Check the proxy timeout; 2.4 lowered it to 30 s.' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(new RegExp(`^/t/${thread.id}#reply-\\d+$`))
    ;[row] = await t.db.select().from(threads).where(eq(threads.id, thread.id))
    expect(row!.replyCount).toBe(2)
    expect(row!.answeredAt?.toISOString()).toBe(t.clock.now().toISOString())
    expect(row!.lastActivityAt.toISOString()).toBe(t.clock.now().toISOString())
    const [subscription] = await t.db.select().from(subscriptions).where(eq(subscriptions.userId, helper.id))
    expect(subscription?.subscribed).toBe(true)

    const page = await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))
    expect(page.querySelector('#replies-heading')?.text).toBe('2 replies')
    expect(texts(page, '.reply .prose')).toEqual(['Adding more detail: it also fails on retry.', 'Check the proxy timeout; 2.4 lowered it to 30 s.'])
  })

  it('returns the new reply and a fresh form as fragments to htmx', async () => {
    const thread = await createThread(t, asker, category)
    const client = await t.client().signInAs(helper)
    const response = await client.post(`/t/${thread.id}/replies`, { body: 'A reply sent through htmx, no reload.' }, { htmx: true })
    expect(response.status).toBe(201)
    const fragment = await html(response)
    expect(fragment.querySelector('html')).toBeNull()
    expect(fragment.querySelector('li > article.reply .prose')?.text).toBe('A reply sent through htmx, no reload.')
    expect(fragment.querySelector('#replies-heading')?.getAttribute('hx-swap-oob')).toBe('true')
    expect(fragment.querySelector('#reply-form textarea')?.text).toBe('')
  })

  it('sends a refused reply back into the form, for htmx and without JavaScript, keeping the text', async () => {
    const title = 'Exports stop at 10,000 rows & the rest vanish'
    const thread = await createThread(t, asker, category, { title })
    const client = await t.client().signInAs(helper)
    const viaHtmx = await client.post(`/t/${thread.id}/replies`, { body: 'short' }, { htmx: true })
    expect(viaHtmx.status).toBe(422)
    expect(viaHtmx.headers.get('hx-retarget')).toBe('#reply-form')
    const fragment = await html(viaHtmx)
    expect(fragment.querySelector('#reply-body-error')?.text).toMatch(/at least 10 characters/)
    expect(fragment.querySelector('textarea')?.text).toBe('short')

    const plain = await client.post(`/t/${thread.id}/replies`, { body: 'short' })
    expect(plain.status).toBe(422)
    const page = await html(plain)
    expect(page.querySelector('h1')?.text).toBe(title)
    expect(page.querySelector('#reply-body-error')?.text).toMatch(/at least 10 characters/)
    expect(await replyCount(thread.id)).toBe(0)
  })

  it('refuses replies to a locked thread from members, keeping their text, but lets staff reply', async () => {
    const thread = await createThread(t, asker, category)
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/t/${thread.id}/lock`, { on: '1' })).status).toBe(303)
    const client = await t.client().signInAs(helper)
    const text = 'I have a workaround for this problem.'
    const response = await client.post(`/t/${thread.id}/replies`, { body: text })
    expect(response.status).toBe(409)
    const page = await html(response)
    expect(page.querySelector('.form-message')?.text).toMatch(/locked/)
    expect(await replyCount(thread.id)).toBe(0)
    // The member sees a locked notice, not a form, on a fresh load.
    const fresh = await html(await client.get(`/t/${thread.id}/${thread.slug}`))
    expect(fresh.querySelector('#reply-form textarea')).toBeNull()
    expect(fresh.querySelector('#reply-form')?.text).toMatch(/locked/)
    expect(page.querySelector('#reply-form textarea')?.text).toBe(text)
    expect((await staff.post(`/t/${thread.id}/replies`, { body: 'Locking this: fixed in 2.4.2.' })).status).toBe(303)
    expect(await replyCount(thread.id)).toBe(1)
  })

  it('answers unknown, malformed and enormous thread ids with a 404 page', async () => {
    const client = await t.client().signInAs(helper)
    for (const path of ['/t/99999999/replies', '/t/abc/replies', '/t/99999999999999999999/replies']) {
      const response = await client.post(path, { body: 'Does this thread exist at all?' })
      expect(response.status).toBe(404)
    }
    expect((await t.client().get('/t/99999999/nope')).status).toBe(404)
    expect((await t.client().get('/t/abc')).status).toBe(404)
    expect((await t.client().get('/t/-1/x')).status).toBe(404)
  })
})

describe('editing', () => {
  it('lets authors edit their own question and reply, with an edited mark', async () => {
    const thread = await createThread(t, asker, category, { title: 'Original title for an editing test' })
    const reply = await createReply(t, helper, thread.id, 'Original reply text that will change.')
    const author = await t.client().signInAs(asker)
    const edit = await html(await author.get(`/t/${thread.id}/edit`))
    expect(edit.querySelector('#field-title')?.getAttribute('value')).toBe('Original title for an editing test')
    t.clock.advance(5 * 60_000)
    const saved = await author.post(`/t/${thread.id}/edit`, {
      title: 'Edited title for an editing test',
      body: 'The body after editing it for clarity.',
      categoryId: String(category.id),
      tags: 'edited',
    })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe(`/t/${thread.id}/edited-title-for-an-editing-test`)
    // The old slug still works and points to the new one.
    const old = await t.client().get(`/t/${thread.id}/${thread.slug}`)
    expect(old.status).toBe(301)
    expect(old.headers.get('location')).toBe(`/t/${thread.id}/edited-title-for-an-editing-test`)

    const replier = await t.client().signInAs(helper)
    expect((await replier.post(`/r/${reply.id}/edit`, { body: 'Reply text after the author edited it.' })).status).toBe(303)

    const page = await html(await t.client().get(`/t/${thread.id}/edited-title-for-an-editing-test`))
    expect(page.querySelector('.question .edited')).not.toBeNull()
    expect(page.querySelector(`#reply-${reply.id} .prose`)?.text).toBe('Reply text after the author edited it.')
    expect(page.querySelector(`#reply-${reply.id} .edited`)).not.toBeNull()
  })

  it("refuses to edit someone else's post, but staff may", async () => {
    const thread = await createThread(t, asker, category)
    const reply = await createReply(t, helper, thread.id)
    const stranger = await t.client().signInAs(helper)
    expect((await stranger.get(`/t/${thread.id}/edit`)).status).toBe(403)
    const refused = await stranger.post(`/t/${thread.id}/edit`, { title: 'Hijacked title for this thread', body: 'Hijacked body text here', categoryId: String(category.id), tags: '' })
    expect(refused.status).toBe(403)
    const [unchanged] = await t.db.select().from(threads).where(eq(threads.id, thread.id))
    expect(unchanged!.title).not.toMatch(/Hijacked/)
    const asAsker = await t.client().signInAs(asker)
    expect((await asAsker.post(`/r/${reply.id}/edit`, { body: 'The asker rewrote this reply.' })).status).toBe(403)
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/r/${reply.id}/edit`, { body: 'Redacted an API key that was pasted here.' })).status).toBe(303)
  })

  it('keeps the edit form and its text when the edit is refused, and leaves the saved post as it was', async () => {
    const thread = await createThread(t, asker, category, { title: 'A title that must survive a bad edit' })
    const client = await t.client().signInAs(asker)
    const response = await client.post(`/t/${thread.id}/edit`, { title: 'Too short', body: 'A body that is long enough to pass.', categoryId: String(category.id), tags: '' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-title')?.getAttribute('value')).toBe('Too short')
    expect(page.querySelector('#field-title-error')?.text).toMatch(/at least 15/)
    const [row] = await t.db.select().from(threads).where(eq(threads.id, thread.id))
    expect(row!.title).toBe('A title that must survive a bad edit')
  })
})
