import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replies, subscriptions, threads, threadVotes, type Category, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

let t: TestApp
let category: Category
let asker: User
let helper: User
let other: User
let support: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Performance', slug: 'performance' })
  asker = await createUser(t.db, { displayName: 'Asker' })
  helper = await createUser(t.db, { displayName: 'Helper' })
  other = await createUser(t.db, { displayName: 'Other' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
})
afterAll(() => t.close())

const threadRow = async (id: number) => (await t.db.select().from(threads).where(eq(threads.id, id)))[0]!

describe('votes', () => {
  it('counts one upvote per person, is idempotent on a double submit, and can be taken back', async () => {
    const thread = await createThread(t, asker, category)
    const client = await t.client().signInAs(helper)
    expect((await client.post(`/t/${thread.id}/vote`, { on: '1' })).status).toBe(303)
    expect((await client.post(`/t/${thread.id}/vote`, { on: '1' })).status).toBe(303)
    const second = await t.client().signInAs(other)
    await second.post(`/t/${thread.id}/vote`, { on: '1' })
    expect((await threadRow(thread.id)).upvoteCount).toBe(2)
    expect(await t.db.select().from(threadVotes).where(eq(threadVotes.threadId, thread.id))).toHaveLength(2)
    await client.post(`/t/${thread.id}/vote`, { on: '0' })
    await client.post(`/t/${thread.id}/vote`, { on: '0' })
    expect((await threadRow(thread.id)).upvoteCount).toBe(1)
  })

  it('answers htmx with just the vote widget, showing the new state', async () => {
    const thread = await createThread(t, asker, category)
    const client = await t.client().signInAs(helper)
    const response = await client.post(`/t/${thread.id}/vote`, { on: '1' }, { htmx: true })
    expect(response.status).toBe(200)
    const fragment = await html(response)
    expect(fragment.querySelector('html')).toBeNull()
    expect(fragment.querySelector('form#thread-vote .vote-count')?.text).toBe('1')
    expect(fragment.querySelector('button')?.getAttribute('aria-pressed')).toBe('true')
    expect(fragment.querySelector('input[name=on]')?.getAttribute('value')).toBe('0')
  })

  it('votes on replies the same way, refusing votes on your own post', async () => {
    const thread = await createThread(t, asker, category)
    const reply = await createReply(t, helper, thread.id)
    const asAsker = await t.client().signInAs(asker)
    await asAsker.post(`/r/${reply.id}/vote`, { on: '1' })
    const own = await (await t.client().signInAs(helper)).post(`/r/${reply.id}/vote`, { on: '1' })
    expect(own.status).toBe(403)
    expect(await own.text()).toMatch(/can&#39;t vote on your own post|can't vote on your own post/)
    const ownQuestion = await asAsker.post(`/t/${thread.id}/vote`, { on: '1' }, { htmx: true })
    expect(ownQuestion.status).toBe(403)
    expect((await html(ownQuestion)).querySelector('[role=alert]')).not.toBeNull()
    const [row] = await t.db.select().from(replies).where(eq(replies.id, reply.id))
    expect(row!.upvoteCount).toBe(1)
    expect((await threadRow(thread.id)).upvoteCount).toBe(0)
  })

  it('sends anonymous voters to sign in and back to the thread', async () => {
    const thread = await createThread(t, asker, category)
    const client = t.client()
    await client.get(`/t/${thread.id}/${thread.slug}`)
    const response = await client.post(`/t/${thread.id}/vote`, { on: '1' }, { headers: { referer: `http://localhost/t/${thread.id}/${thread.slug}` } })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/t/${thread.id}/${thread.slug}`)}`)
    const viaHtmx = await client.post(`/t/${thread.id}/vote`, { on: '1' }, { htmx: true })
    expect(viaHtmx.headers.get('hx-redirect')).toMatch(/^\/login\?next=/)
    expect((await threadRow(thread.id)).upvoteCount).toBe(0)
  })

  it('refuses a vote with a nonsense state without changing anything', async () => {
    const thread = await createThread(t, asker, category)
    const client = await t.client().signInAs(helper)
    expect((await client.post(`/t/${thread.id}/vote`, { on: '1' })).status).toBe(303)
    for (const on of ['maybe', '', 'on', 'true']) {
      const plain = await client.post(`/t/${thread.id}/vote`, { on })
      expect(plain.status, on).toBe(422)
      expect((await html(plain)).querySelector('h1#error-heading')?.text).toBe('Please check what you sent')
    }
    const viaHtmx = await client.post(`/t/${thread.id}/vote`, { on: 'maybe' }, { htmx: true })
    expect(viaHtmx.status).toBe(422)
    expect((await html(viaHtmx)).querySelector('[role=alert]')).not.toBeNull()
    // The vote cast first is still there: nonsense neither adds a second one nor takes it back.
    expect((await threadRow(thread.id)).upvoteCount).toBe(1)
    expect(await t.db.select().from(threadVotes).where(eq(threadVotes.threadId, thread.id))).toHaveLength(1)
  })
})

describe('me too', () => {
  it('counts distinct people, refuses the asker, and follows the thread for the answer', async () => {
    const thread = await createThread(t, asker, category)
    for (const person of [helper, other, helper]) {
      const client = await t.client().signInAs(person)
      expect((await client.post(`/t/${thread.id}/me-too`, { on: '1' })).status).toBe(303)
    }
    expect((await threadRow(thread.id)).meTooCount).toBe(2)
    const own = await (await t.client().signInAs(asker)).post(`/t/${thread.id}/me-too`, { on: '1' })
    expect(own.status).toBe(403)
    const followed = await t.db.select().from(subscriptions).where(and(eq(subscriptions.threadId, thread.id), eq(subscriptions.userId, other.id)))
    expect(followed[0]?.subscribed).toBe(true)
    const page = await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))
    expect(page.querySelector('.me-too-count')?.text).toBe('2 people have this problem')
    const list = await html(await t.client().get('/c/performance'))
    const row = list.querySelectorAll('.thread-row').find((element) => element.querySelector('.thread-title a')?.getAttribute('href')?.startsWith(`/t/${thread.id}/`))
    expect(row?.text).toContain('2 me too')
  })
})

describe('subscriptions', () => {
  it('remembers an explicit unsubscribe even after the person replies again', async () => {
    const thread = await createThread(t, asker, category)
    const client = await t.client().signInAs(helper)
    await client.post(`/t/${thread.id}/replies`, { body: 'First reply, which subscribes me.' })
    const off = await client.post(`/t/${thread.id}/subscription`, { on: '0' }, { htmx: true })
    expect((await html(off)).querySelector('button')?.text).toBe('Follow this thread')
    await client.post(`/t/${thread.id}/replies`, { body: 'Second reply; stay unsubscribed.' })
    const [row] = await t.db.select().from(subscriptions).where(and(eq(subscriptions.threadId, thread.id), eq(subscriptions.userId, helper.id)))
    expect(row?.subscribed).toBe(false)
  })
})

describe('accepted solution', () => {
  it('lets the asker mark a reply, shows it right under the question with a link to its place, and lists the thread as solved', async () => {
    const thread = await createThread(t, asker, category, { title: 'Dashboard takes 30 seconds to load' })
    await createReply(t, other, thread.id, 'Have you tried clearing the cache?')
    const answer = await createReply(t, helper, thread.id, 'Disable the legacy widgets; they query every project.')
    const client = await t.client().signInAs(asker)
    const response = await client.post(`/r/${answer.id}/accept`, { on: '1' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/t/${thread.id}#reply-${answer.id}`)
    const page = await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))
    const box = page.querySelector('.accepted-answer')
    expect(box?.querySelector('.prose')?.text).toBe('Disable the legacy widgets; they query every project.')
    expect(box?.querySelector('a.jump-link')?.getAttribute('href')).toBe(`#reply-${answer.id}`)
    expect(page.querySelector(`#reply-${answer.id}`)?.classList.contains('is-accepted')).toBe(true)
    expect(page.querySelector('.solved-badge')).not.toBeNull()
    const solved = await html(await t.client().get('/solved'))
    expect(texts(solved, '.thread-row .thread-title a')).toContain('Dashboard takes 30 seconds to load')
    const unanswered = await html(await t.client().get('/unanswered'))
    expect(texts(unanswered, '.thread-row .thread-title a')).not.toContain('Dashboard takes 30 seconds to load')
  })

  it('swaps only the thread region for htmx, and unmarking works', async () => {
    const thread = await createThread(t, asker, category)
    const answer = await createReply(t, helper, thread.id)
    const client = await t.client().signInAs(asker)
    const marked = await client.post(`/r/${answer.id}/accept`, { on: '1' }, { htmx: true })
    const fragment = await html(marked)
    expect(fragment.querySelector('html')).toBeNull()
    expect(fragment.querySelector('#thread-main .accepted-answer')).not.toBeNull()
    const unmarked = await html(await client.post(`/r/${answer.id}/accept`, { on: '0' }, { htmx: true }))
    expect(unmarked.querySelector('.accepted-answer')).toBeNull()
    expect((await threadRow(thread.id)).acceptedReplyId).toBeNull()
  })

  it('replaces an earlier solution when another reply is marked', async () => {
    const thread = await createThread(t, asker, category)
    const first = await createReply(t, helper, thread.id)
    const second = await createReply(t, other, thread.id)
    const client = await t.client().signInAs(asker)
    await client.post(`/r/${first.id}/accept`, { on: '1' })
    await client.post(`/r/${second.id}/accept`, { on: '1' })
    expect((await threadRow(thread.id)).acceptedReplyId).toBe(second.id)
    // Unmarking the reply that is no longer the solution changes nothing.
    await client.post(`/r/${first.id}/accept`, { on: '0' })
    expect((await threadRow(thread.id)).acceptedReplyId).toBe(second.id)
  })

  it('refuses strangers, but lets staff mark the solution', async () => {
    const thread = await createThread(t, asker, category)
    const answer = await createReply(t, helper, thread.id)
    const stranger = await t.client().signInAs(other)
    const refused = await stranger.post(`/r/${answer.id}/accept`, { on: '1' })
    expect(refused.status).toBe(403)
    expect(await refused.text()).toMatch(/Only the person who asked/)
    expect((await threadRow(thread.id)).acceptedReplyId).toBeNull()
    const strangerPage = await html(await stranger.get(`/t/${thread.id}/${thread.slug}`))
    expect(strangerPage.querySelector(`form[action="/r/${answer.id}/accept"]`)).toBeNull()
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/r/${answer.id}/accept`, { on: '1' })).status).toBe(303)
    expect((await threadRow(thread.id)).acceptedReplyId).toBe(answer.id)
  })
})

describe('moderation', () => {
  it('only staff can lock and hide; members get a 403 and nothing changes', async () => {
    const thread = await createThread(t, asker, category)
    const reply = await createReply(t, helper, thread.id)
    const member = await t.client().signInAs(asker)
    expect((await member.post(`/t/${thread.id}/lock`, { on: '1' })).status).toBe(403)
    expect((await member.post(`/t/${thread.id}/hide`, { on: '1' })).status).toBe(403)
    expect((await member.post(`/r/${reply.id}/hide`, { on: '1' })).status).toBe(403)
    const anonymous = await t.client().post(`/t/${thread.id}/lock`, { on: '1' })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    const row = await threadRow(thread.id)
    expect(row.lockedAt).toBeNull()
    expect(row.hiddenAt).toBeNull()
  })

  it('hides a thread from everyone but staff and its author, and from lists, feeds and the sitemap', async () => {
    const thread = await createThread(t, asker, category, { title: 'A thread that staff will hide' })
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/t/${thread.id}/hide`, { on: '1' })).status).toBe(303)
    const path = `/t/${thread.id}/${thread.slug}`
    expect((await t.client().get(path)).status).toBe(404)
    expect((await (await t.client().signInAs(other)).get(path)).status).toBe(404)
    const authorView = await html(await (await t.client().signInAs(asker)).get(path))
    expect(authorView.querySelector('.notice')?.text).toMatch(/hidden by staff/)
    expect(authorView.querySelector('meta[name=robots]')?.getAttribute('content')).toBe('noindex')
    expect((await staff.get(path)).status).toBe(200)
    expect(texts(await html(await t.client().get('/')), '.thread-row .thread-title a')).not.toContain('A thread that staff will hide')
    expect(await (await t.client().get('/feed.atom')).text()).not.toContain('A thread that staff will hide')
    expect(await (await t.client().get('/sitemaps/threads-1.xml')).text()).not.toContain(`/t/${thread.id}/`)
    // Others cannot act on it either.
    expect((await (await t.client().signInAs(other)).post(`/t/${thread.id}/vote`, { on: '1' })).status).toBe(404)
    await staff.post(`/t/${thread.id}/hide`, { on: '0' })
    expect((await t.client().get(path)).status).toBe(200)
  })

  it('hides a reply: it stops counting, leaves the page for others, and stops being the solution', async () => {
    const thread = await createThread(t, asker, category)
    const answer = await createReply(t, helper, thread.id, 'Spam link pretending to be a solution.')
    await (await t.client().signInAs(asker)).post(`/r/${answer.id}/accept`, { on: '1' })
    const staff = await t.client().signInAs(support)
    await staff.post(`/r/${answer.id}/hide`, { on: '1' })
    const row = await threadRow(thread.id)
    expect(row.replyCount).toBe(0)
    expect(row.answeredAt).toBeNull()
    expect(row.acceptedReplyId).toBeNull()
    const page = await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))
    expect(page.querySelector(`#reply-${answer.id}`)).toBeNull()
    const staffPage = await html(await staff.get(`/t/${thread.id}/${thread.slug}`))
    expect(staffPage.querySelector(`#reply-${answer.id}`)?.classList.contains('is-hidden')).toBe(true)
    const authorPage = await html(await (await t.client().signInAs(helper)).get(`/t/${thread.id}/${thread.slug}`))
    expect(authorPage.querySelector(`#reply-${answer.id} .notice`)?.text).toMatch(/Hidden by staff/)
  })
})

describe('anonymous thread pages', () => {
  it('are reused only while current, and carry each visitor their own CSRF token', async () => {
    const thread = await createThread(t, asker, category, { title: 'A page that anonymous readers share' })
    const path = `/t/${thread.id}/${thread.slug}`
    const first = t.client()
    const second = t.client()
    const tokenIn = async (response: Response) => JSON.parse((await html(response)).querySelector('body')!.getAttribute('hx-headers')!)['X-CSRF-Token']
    const firstToken = await tokenIn(await first.get(path))
    const secondToken = await tokenIn(await second.get(path))
    expect(firstToken).toBe(first.cookies.get('csrf'))
    expect(secondToken).toBe(second.cookies.get('csrf'))
    expect(firstToken).not.toBe(secondToken)

    await createReply(t, helper, thread.id, 'A reply posted after the page was first rendered.')
    const afterReply = await html(await first.get(path))
    expect(texts(afterReply, '.reply .prose')).toEqual(['A reply posted after the page was first rendered.'])

    const [reply] = await t.db.select().from(replies).where(eq(replies.threadId, thread.id))
    await (await t.client().signInAs(other)).post(`/r/${reply!.id}/vote`, { on: '1' })
    await (await t.client().signInAs(other)).post(`/t/${thread.id}/me-too`, { on: '1' })
    const afterVotes = await html(await second.get(path))
    expect(afterVotes.querySelector(`#reply-vote-${reply!.id} .vote-count`)?.text).toBe('1')
    expect(afterVotes.querySelector('.me-too-count')?.text).toBe('1 person has this problem')
    const staff = await t.client().signInAs(support)
    await staff.post(`/t/${thread.id}/lock`, { on: '1' })
    expect((await html(await first.get(path))).querySelector('.badge-locked')).not.toBeNull()
    await staff.post(`/t/${thread.id}/hide`, { on: '1' })
    expect((await first.get(path)).status).toBe(404)
  })
})
