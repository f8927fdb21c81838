import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession, sessionColumn, sessionIdOf, sessionViewerIdSql, sessionViewerIsStaffSql, SESSION_LIFETIME_MS } from '../../src/auth'
import { notifications, replies, replyVotes, sessions, threads, type Category, type User } from '../../src/db/schema'
import { setThreadHidden, setThreadVote } from '../../src/forum'
import { forumSessionCompanions } from '../../src/web/routes/forum'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createThread, createUser } from '../support/factories'

// A signed-in member's list and thread pages read the session inside the page's own statement
// (src/web/session.ts, companions): one round trip where a visitor's page has one. What these
// tests hold it to: the session read that way means what the session statement meant (expired,
// suspended, renewed, unread count, who is signed in), a change shows on the next request, and
// the per-viewer parts (their votes, a hidden thread) are the viewer's own, never another's.

let t: TestApp
let category: Category
let asker: User
let member: User
let other: User
let moderator: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'One trip', slug: 'one-trip', position: 1 })
  asker = await createUser(t.db, { displayName: 'Ada Asker' })
  member = await createUser(t.db, { displayName: 'Mia Member' })
  other = await createUser(t.db, { displayName: 'Otto Other' })
  moderator = await createUser(t.db, { displayName: 'Max Moderator', role: 'support' })
})
afterAll(() => t.close())

const LISTS = ['/', '/unanswered', '/c/one-trip', '/tags/trip', '/c/one-trip?filter=unanswered']

function request(path: string) {
  const url = new URL(path, 'http://localhost')
  return { path: url.pathname, query: (name: string) => url.searchParams.get(name) ?? undefined }
}

describe('the session read in a page statement', () => {
  it('is read by the list and thread pages themselves, and by no other page', async () => {
    const thread = await createThread(t, asker, category, { title: 'Companions: which pages', tags: 'trip' })
    const matches = (path: string) => {
      const { path: pathname, query } = request(path)
      const c = { req: { path: pathname, method: 'GET', query }, var: { requestId: 'test' } } as never
      return forumSessionCompanions.map((companion) => companion.match(c)).find(Boolean) ?? null
    }
    for (const path of [...LISTS, `/t/${thread.id}`, `/t/${thread.id}/${thread.slug}`]) expect(matches(path), path).not.toBeNull()
    for (const path of [`/t/${thread.id}/edit`, `/t/${thread.id}/flag`, `/t/${thread.id}?after=1.2`, `/t/${thread.id}?from=9`, '/t/99999999999', '/ask', '/account', '/c/one-trip/feed.atom'])
      expect(matches(path), path).toBeNull()

    // What it reads is the session itself: the person, and the page's part beside it.
    const { token } = await createSession(t.db, member.id, t.clock.now())
    const viewer = { column: sessionColumn, me: sessionViewerIdSql, staff: sessionViewerIsStaffSql, params: { sessionId: sessionIdOf(token), now: t.clock.now().toISOString() } }
    const list = await matches('/c/one-trip')!.read(t.db, viewer)
    const session = (typeof list.session === 'string' ? JSON.parse(list.session) : list.session) as { id: number; displayName: string }
    expect(session).toMatchObject({ id: member.id, displayName: 'Mia Member' })
    expect((list.value as { scopeId: number }).scopeId).toBe(category.id)
    const unknown = await matches('/')!.read(t.db, { ...viewer, params: { ...viewer.params, sessionId: 'no-such-session' } })
    expect(unknown.session).toBeNull()
  })

  it('shows who is signed in, their unread count and a new question at once on every list', async () => {
    const browser = await t.client().signInAs(member)
    for (const path of LISTS) {
      const page = await html(await browser.get(path))
      expect(page.querySelector('nav')?.text, path).toContain('Mia Member')
    }
    await t.db.insert(notifications).values({ userId: member.id, kind: 'reply', message: 'Someone answered', createdAt: t.clock.now() })
    const newer = await createThread(t, other, category, { title: 'Companions: a newer question', tags: 'trip' })
    for (const path of LISTS) {
      const page = await html(await browser.get(path))
      expect(page.querySelector('.notifications-link')?.getAttribute('aria-label'), path).toBe('Notifications: 1 unread')
      expect(page.querySelectorAll(`a[href^="/t/${newer.id}/"]`).length, path).toBeGreaterThan(0)
    }
    // Another member's page holds their own name and count, not the first one's.
    const second = await html(await (await t.client().signInAs(other)).get('/'))
    expect(second.querySelector('nav')?.text).toContain('Otto Other')
    expect(second.querySelector('nav')?.text).not.toContain('Mia Member')
    expect(second.querySelector('.notifications-link')?.getAttribute('aria-label')).toBe('Notifications: 0 unread')
  })

  it('tells a person suspended mid-session why, on a list or a thread page, once; then they are a visitor', async () => {
    const thread = await createThread(t, asker, category, { title: 'Companions: suspended reader' })
    for (const path of ['/c/one-trip', `/t/${thread.id}/${thread.slug}`]) {
      const person = await createUser(t.db, { displayName: `Suspended ${path.length}` })
      const browser = await t.client().signInAs(person)
      expect((await browser.get(path)).status).toBe(200)
      const staff = await t.client().signInAs(moderator)
      expect((await staff.post(`/moderation/users/${person.id}/sanctions`, { kind: 'suspend', reason: 'notes', message: 'Take a break.', duration: '1' })).status).toBe(303)
      const told = await browser.get(path)
      expect(told.status, path).toBe(403)
      expect((await html(told)).text).toContain('Take a break.')
      expect(browser.cookies.has('session')).toBe(false)
      const after = await browser.get(path)
      expect(after.status).toBe(200)
      expect((await html(after)).querySelector('nav')?.text).not.toContain(person.displayName)
    }
  })

  it('treats an expired session as none (the cookie is cleared) and slides one in its second half forward', async () => {
    const thread = await createThread(t, asker, category, { title: 'Companions: expiry' })
    for (const path of ['/', `/t/${thread.id}/${thread.slug}`]) {
      const browser = await t.client().signInAs(member)
      const id = sessionIdOf(browser.cookies.get('session')!)
      // Past its end: a visitor, and the row is gone.
      await t.db.update(sessions).set({ expiresAt: new Date(t.clock.now().getTime() - 1000) }).where(eq(sessions.id, id))
      const expired = await browser.get(path)
      expect(expired.status).toBe(200)
      expect((await html(expired)).querySelector('nav')?.text).not.toContain('Mia Member')
      expect(browser.cookies.has('session')).toBe(false)
      expect(await t.db.select().from(sessions).where(eq(sessions.id, id))).toHaveLength(0)

      // In its second half: still signed in, and the expiry moves forward with a new cookie.
      const renewing = await t.client().signInAs(member)
      const renewingId = sessionIdOf(renewing.cookies.get('session')!)
      const soon = new Date(t.clock.now().getTime() + SESSION_LIFETIME_MS / 4)
      await t.db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, renewingId))
      const renewed = await renewing.get(path)
      expect(renewed.headers.get('set-cookie') ?? '').toMatch(/session=/)
      expect((await html(renewed)).querySelector('nav')?.text).toContain('Mia Member')
      const [after] = await t.db.select().from(sessions).where(eq(sessions.id, renewingId))
      expect(after!.expiresAt.getTime()).toBeGreaterThan(soon.getTime())
    }
  })

  it("gives each viewer their own vote on a thread page, and a hidden thread only to its author and staff", async () => {
    const thread = await createThread(t, asker, category, { title: 'Companions: whose vote' })
    const path = `/t/${thread.id}/${thread.slug}`
    const voter = await t.client().signInAs(member)
    const nonVoter = await t.client().signInAs(other)
    const pressed = async (client: typeof voter) => (await html(await client.get(path))).querySelector('.vote-button')?.getAttribute('aria-pressed')
    expect(await pressed(voter)).toBe('false')
    await setThreadVote({ ctx: t.ctx(member), input: { threadId: thread.id, on: '1' } })
    expect(await pressed(voter)).toBe('true')
    expect(await pressed(nonVoter)).toBe('false')

    await setThreadHidden({ ctx: t.ctx(moderator), input: { threadId: thread.id, on: '1' } })
    const [row] = await t.db.select({ hiddenAt: threads.hiddenAt }).from(threads).where(eq(threads.id, thread.id))
    expect(row!.hiddenAt).not.toBeNull()
    expect((await nonVoter.get(path)).status).toBe(404)
    expect((await t.client().get(path)).status).toBe(404)
    expect((await (await t.client().signInAs(asker)).get(path)).status).toBe(200)
    expect((await (await t.client().signInAs(moderator)).get(path)).status).toBe(200)
  })

  it('reads a thread page\'s first replies with the header: each viewer\'s own hidden reply and votes, staff all, a pager past 100', async () => {
    const thread = await createThread(t, asker, category, { title: 'Companions: many replies' })
    const path = `/t/${thread.id}/${thread.slug}`
    const at = (n: number) => new Date(t.clock.now().getTime() + n * 1000)
    const rows = Array.from({ length: 102 }, (_, n) => ({
      threadId: thread.id,
      authorId: n === 1 ? member.id : asker.id,
      bodyMarkdown: `Reply number ${n}.`,
      bodyHtml: `<p>Reply number ${n}.</p>`,
      bodyText: `Reply number ${n}.`,
      createdAt: at(n + 1),
      // The second reply is Mia's own, hidden by staff; the third someone else's, hidden too.
      ...(n === 1 || n === 2 ? { hiddenAt: at(n + 1), hiddenReason: 'staff' } : {}),
    }))
    const inserted = await t.db.insert(replies).values(rows).returning({ id: replies.id })
    await t.db.insert(replyVotes).values({ replyId: inserted[0]!.id, userId: member.id, createdAt: at(200) })
    await t.db.update(threads).set({ revision: sql`${threads.revision} + 1`, replyCount: 102 }).where(eq(threads.id, thread.id))
    const ids = async (client: ReturnType<TestApp['client']>, url = path) => {
      const page = await html(await client.get(url))
      return {
        page,
        shown: page.querySelectorAll('#reply-list > li article[id^="reply-"]').map((article) => Number(article.id.slice('reply-'.length))),
        later: page.querySelector('a[rel="next"]')?.getAttribute('href') ?? null,
      }
    }
    const mia = await t.client().signInAs(member)
    const own = await ids(mia)
    // Her own hidden reply, not the other hidden one; 100 a page, the rest behind the pager.
    expect(own.shown).toHaveLength(100)
    expect(own.shown).toContain(inserted[1]!.id)
    expect(own.shown).not.toContain(inserted[2]!.id)
    expect(own.page.querySelector(`#reply-vote-${inserted[0]!.id} .vote-button`)?.getAttribute('aria-pressed')).toBe('true')
    expect(own.page.querySelector(`#reply-vote-${inserted[3]!.id} .vote-button`)?.getAttribute('aria-pressed')).toBe('false')
    const rest = await ids(mia, own.later!.replaceAll('&amp;', '&'))
    expect(rest.shown).toEqual(inserted.slice(own.shown.length + 1).map((row) => row.id))

    const otto = await ids(await t.client().signInAs(other))
    expect(otto.shown).not.toContain(inserted[1]!.id)
    expect(otto.shown).not.toContain(inserted[2]!.id)
    expect(otto.page.querySelector(`#reply-vote-${inserted[0]!.id} .vote-button`)?.getAttribute('aria-pressed')).toBe('false')
    const staff = await ids(await t.client().signInAs(moderator))
    expect(staff.shown.slice(0, 3)).toEqual(inserted.slice(0, 3).map((row) => row.id))
    const visitor = await ids(t.client())
    expect(visitor.shown).not.toContain(inserted[1]!.id)
    expect(visitor.shown).toHaveLength(100)
  })

  it('answers a thread id out of range or a badly encoded list name as before, never a 500', async () => {
    const browser = await t.client().signInAs(member)
    expect((await browser.get('/t/99999999999/x')).status).toBe(404)
    expect((await browser.get('/t/2147483647/x')).status).toBe(404)
    expect((await browser.get('/c/%E0%A4%A')).status).toBeLessThan(500)
    expect((await browser.get('/tags/%E0%A4%A')).status).toBeLessThan(500)
    expect((await browser.get('/c/one-trip?before=999999999999999.1')).status).toBeLessThan(500)
  })
})
