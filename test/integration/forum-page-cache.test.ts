import { gunzipSync } from 'node:zlib'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { users, type Category, type User } from '../../src/db/schema'
import { updateUserAccess } from '../../src/auth'
import { editReply, editThread, setPostVisibility, setReplyVote, setThreadHidden, setThreadVote, updateCategory } from '../../src/forum'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

// Anonymous list pages are kept whole and checked by one statement (the list's stamp), feeds by
// the same stamp, and a signed-in thread page reuses each reply's shared rendering (issue 20).
// What these tests hold them to: every change a visitor could see shows on the next request,
// a browser that has the page gets 304 only while nothing changed, and nothing one viewer may
// not see (a held post, another person's name or token, staff tools) comes out of a cache.

let t: TestApp
let category: Category
let asker: User
let helper: User
let member: User
let staff: User
let admin: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Kept pages', slug: 'kept-pages', position: 1 })
  asker = await createUser(t.db, { displayName: 'Ada Asker' })
  helper = await createUser(t.db, { displayName: 'Hal Helper' })
  member = await createUser(t.db, { displayName: 'Mia Member' })
  staff = await createUser(t.db, { displayName: 'Sol Support', role: 'support' })
  admin = await createUser(t.db, { displayName: 'Ari Admin', role: 'admin' })
})
afterAll(() => t.close())

const LISTS = ['/', '/unanswered', '/c/kept-pages', '/tags/kept']

async function listed(path: string, threadId: number, client = t.client()) {
  const page = await html(await client.get(path))
  return page.querySelectorAll('.thread-row').find((row) => row.querySelector(`a[href^="/t/${threadId}/"]`)) ?? null
}

describe('an anonymous list page kept whole', () => {
  it('answers 304 to its ETag while nothing changed, and the new page at once after a change', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept list: before anything happens', tags: 'kept' })
    const visitor = t.client()
    for (const path of LISTS) {
      const first = await visitor.get(path)
      expect(first.status).toBe(200)
      const etag = first.headers.get('etag')
      // The same bytes for every visitor: one strong ETag.
      expect(etag, path).toMatch(/^".+"$/)
      expect(await first.text()).toContain('Kept list: before anything happens')
      const again = await visitor.get(path, { headers: { 'if-none-match': etag! } })
      expect(again.status, path).toBe(304)
      expect(await again.text()).toBe('')
    }
    const etags = new Map<string, string>()
    for (const path of LISTS) etags.set(path, (await visitor.get(path)).headers.get('etag')!)

    // A vote moves the thread's revision: every list holding it renders anew, the old ETag is refused.
    await setThreadVote({ ctx: t.ctx(member), input: { threadId: thread.id, on: '1' } })
    for (const path of LISTS) {
      const after = await visitor.get(path, { headers: { 'if-none-match': etags.get(path)! } })
      expect(after.status, path).toBe(200)
      const row = (await html(after)).querySelectorAll('.thread-row').find((each) => each.querySelector(`a[href^="/t/${thread.id}/"]`))
      expect(row?.querySelector('.stat strong')?.text, path).toBe('1')
    }

    // A reply answers it: off the unanswered list, one reply on the others.
    await createReply(t, helper, thread.id, 'Kept pages change when their threads do.')
    expect(await listed('/unanswered', thread.id, visitor)).toBeNull()
    for (const path of ['/', '/c/kept-pages', '/tags/kept']) expect((await listed(path, thread.id, visitor))?.querySelector('.replies strong')?.text, path).toBe('1')

    // A new question tops the list on the next request.
    const newer = await createThread(t, helper, category, { title: 'Kept list: a newer question', tags: 'kept' })
    for (const path of LISTS) expect(await listed(path, newer.id, visitor), path).not.toBeNull()
  })

  it('shows a renamed author, a renamed category and a hidden thread at once', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept list: renames and hiding', tags: 'kept' })
    for (const path of LISTS) expect((await listed(path, thread.id))?.text, path).toContain('Ada Asker')

    await t.db.update(users).set({ displayName: 'Ada Renamed' }).where(eq(users.id, asker.id))
    for (const path of LISTS) {
      const text = (await listed(path, thread.id))?.text ?? ''
      expect(text, path).toContain('Ada Renamed')
      expect(text, path).not.toContain('Ada Asker')
    }

    await updateCategory({
      ctx: t.ctx(admin),
      input: { categoryId: String(category.id), name: 'Kept and renamed', slug: 'kept-pages', description: 'Now with a description', team: category.team, position: '1', unansweredWindowHours: '' },
    })
    const home = await html(await t.client().get('/'))
    expect(home.querySelector('aside .category-list')?.text).toContain('Kept and renamed')
    const categoryPage = await html(await t.client().get('/c/kept-pages'))
    expect(categoryPage.querySelector('h1')?.text).toBe('Kept and renamed')
    expect(categoryPage.querySelector('hgroup p')?.text).toBe('Now with a description')

    await setThreadHidden({ ctx: t.ctx(staff), input: { threadId: thread.id, on: '1' } })
    for (const path of LISTS) expect(await listed(path, thread.id), path).toBeNull()
  })

  // The list stamp reads no author or category rows (an index-only scan and one counter that
  // triggers move), so these are the changes it must still catch: a role given through the admin
  // verb, a thread moved to another category, a category added to the sidebar.
  it('shows a new role badge, a thread moved to another category and a new category at once', async () => {
    t.clock.advance(60_000)
    const author = await createUser(t.db, { displayName: 'Rex Promoted' })
    const thread = await createThread(t, author, category, { title: 'Kept list: role and move', tags: 'kept' })
    const other = await createCategory(t.db, { name: 'Kept elsewhere', slug: 'kept-elsewhere', position: 2 })
    for (const path of [...LISTS, '/c/kept-elsewhere']) await t.client().get(path)
    for (const path of LISTS) expect((await listed(path, thread.id))?.querySelector('.badge-support'), path).toBeNull()

    await updateUserAccess({ ctx: t.ctx(admin), input: { userId: String(author.id), role: 'support', organisationId: '' } })
    for (const path of LISTS) expect((await listed(path, thread.id))?.querySelector('.badge-support'), path).not.toBeNull()

    await editThread({
      ctx: t.ctx(author),
      input: { threadId: String(thread.id), title: 'Kept list: role and move', body: 'Moved to the other category, same words as before.', categoryId: String(other.id), tags: 'kept' },
    })
    expect(await listed('/c/kept-pages', thread.id)).toBeNull()
    expect((await listed('/c/kept-elsewhere', thread.id))?.querySelector('.category-chip')?.text).toContain('Kept elsewhere')
    for (const path of ['/', '/unanswered', '/tags/kept'])
      expect((await listed(path, thread.id))?.querySelector('.category-chip')?.text, path).toContain('Kept elsewhere')

    await createCategory(t.db, { name: 'Kept newest', slug: 'kept-newest', position: 3 })
    for (const path of LISTS) expect((await html(await t.client().get(path))).querySelector('aside .category-list')?.text, path).toContain('Kept newest')
  })

  it('sends every visitor the same bytes (no token, gzipped when taken) and never a member’s name or token', async () => {
    t.clock.advance(60_000)
    await createThread(t, asker, category, { title: 'Kept list: tokens', tags: 'kept' })
    const signedIn = await t.client().signInAs(member)
    const first = t.client()
    const second = t.client()
    // The member looks first, then two anonymous visitors get the kept page.
    expect(await (await signedIn.get('/')).text()).toContain('Mia Member')
    const a = await first.get('/')
    const aBody = await a.text()
    const b = await second.get('/', { headers: { 'accept-encoding': 'gzip' } })
    expect(b.headers.get('content-encoding')).toBe('gzip')
    expect(b.headers.get('vary')).toContain('Cookie')
    const bBody = gunzipSync(new Uint8Array(await b.arrayBuffer())).toString('utf8')
    expect(bBody).toBe(aBody)
    expect(a.headers.get('etag')).toBe(b.headers.get('etag'))
    // Each visitor still gets their own CSRF cookie with the page, for the forms they go on to.
    const tokens = { first: await first.csrfToken(), second: await second.csrfToken(), member: await signedIn.csrfToken() }
    expect(tokens.first).not.toBe(tokens.second)
    for (const body of [aBody, bBody]) {
      expect(body).toContain('Kept list: tokens')
      expect(body).not.toContain('Mia Member')
      for (const token of Object.values(tokens)) expect(body).not.toContain(token)
      expect(body).not.toContain('__csrf_token_slot__')
      expect(body).not.toContain('X-CSRF-Token')
    }
    // The member's page is rendered for them, never answered from the anonymous one.
    const memberPage = await (await signedIn.get('/')).text()
    expect(memberPage).toContain('Mia Member')
    expect(memberPage).toContain(tokens.member)
    expect((await signedIn.get('/', { headers: { 'if-none-match': a.headers.get('etag')! } })).status).toBe(200)
  })

  it('still refuses a forged form post from a visitor who has only seen a kept list page', async () => {
    const visitor = t.client()
    expect((await visitor.get('/')).status).toBe(200)
    const token = await visitor.csrfToken() // set by the list page itself: no other page was loaded
    const credentials = { email: 'nobody@example.test', password: 'not the password' }
    // Another site's form: no token (it cannot read the cookie), or the wrong one, or its own origin.
    expect((await visitor.post('/login', credentials, { withoutCsrf: true })).status).toBe(403)
    expect((await visitor.post('/login', { ...credentials, _csrf: 'a'.repeat(32) }, { withoutCsrf: true })).status).toBe(403)
    expect((await visitor.post('/login', { ...credentials, _csrf: token }, { withoutCsrf: true, headers: { origin: 'https://evil.example' } })).status).toBe(403)
    // The visitor's own form, with the cookie's token, is heard (and refused for its credentials).
    const own = await visitor.post('/login', credentials)
    expect(own.status).not.toBe(403)
  })

  it('shows a tag added to or taken off a thread, and its hiding, on the tag’s list at once', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept list: tagged later', tags: 'other' })
    expect(await listed('/tags/kept', thread.id)).toBeNull()
    const edit = (tags: string) =>
      editThread({ ctx: t.ctx(asker), input: { threadId: String(thread.id), title: 'Kept list: tagged later', body: 'Tags change after asking.', categoryId: String(category.id), tags } })
    await edit('kept, other')
    expect(await listed('/tags/kept', thread.id)).not.toBeNull()
    // Newer activity on another thread of the tag puts it first; a reply here puts this one back on top.
    const newer = await createThread(t, helper, category, { title: 'Kept list: newer tagged', tags: 'kept' })
    const order = async () => (await html(await t.client().get('/tags/kept'))).querySelectorAll('.thread-row a[href^="/t/"]').map((a) => a.getAttribute('href')!.split('/')[2])
    expect((await order()).indexOf(String(newer.id))).toBeLessThan((await order()).indexOf(String(thread.id)))
    t.clock.advance(1_000)
    await createReply(t, helper, thread.id, 'Activity moves it to the top of the tag.')
    expect((await order())[0]).toBe(String(thread.id))
    await setThreadHidden({ ctx: t.ctx(staff), input: { threadId: thread.id, on: '1' } })
    expect(await listed('/tags/kept', thread.id)).toBeNull()
    await setThreadHidden({ ctx: t.ctx(staff), input: { threadId: thread.id, on: '0' } })
    expect(await listed('/tags/kept', thread.id)).not.toBeNull()
    await edit('other')
    expect(await listed('/tags/kept', thread.id)).toBeNull()
    expect(await listed('/tags/other', thread.id)).not.toBeNull()
  })

  it('keeps a held question off every list, for the visitor who loads it after staff did', async () => {
    t.clock.advance(60_000)
    const held = await createThread(t, asker, category, { title: 'Kept list: held for review', tags: 'kept' })
    await setPostVisibility(t.db, { threadId: held.id, replyId: null }, { hidden: true, reason: 'held', byId: null }, t.ctx(staff).now())
    const staffClient = await t.client().signInAs(staff)
    for (const path of LISTS) await staffClient.get(path)
    for (const path of LISTS) expect(await listed(path, held.id), path).toBeNull()
    expect(await (await t.client().get(`/t/${held.id}`)).text()).not.toContain('Kept list: held for review')
  })
})

describe('a signed-in thread page built from kept reply renderings', () => {
  it('shows staff their tools, notes and hidden replies, and a member none of them, whoever loaded it first', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept replies: visibility' })
    const shown = await createReply(t, helper, thread.id, 'A reply everyone may read.')
    const hidden = await createReply(t, helper, thread.id, 'A reply staff hid: zebra-hidden-words.')
    await setPostVisibility(t.db, { threadId: thread.id, replyId: hidden.id }, { hidden: true, reason: 'staff', byId: staff.id }, t.ctx(staff).now())
    const staffClient = await t.client().signInAs(staff)
    expect((await staffClient.post(`/queue/threads/${thread.id}/notes`, { body: 'Internal: okapi-secret-note' })).status).toBe(303)

    // Staff first: their page holds the hidden reply, the note and the staff tools.
    const staffPage = await (await staffClient.get(`/t/${thread.id}/${thread.slug}`)).text()
    expect(staffPage).toContain('zebra-hidden-words')
    expect(staffPage).toContain('okapi-secret-note')
    expect(staffPage).toContain(`action="/r/${shown.id}/hide"`)

    // Then a member and an anonymous visitor: the kept renderings never bring any of it.
    const memberClient = await t.client().signInAs(member)
    for (const client of [memberClient, t.client()]) {
      const page = await (await client.get(`/t/${thread.id}/${thread.slug}`)).text()
      expect(page).toContain('A reply everyone may read.')
      expect(page).not.toContain('zebra-hidden-words')
      expect(page).not.toContain('okapi-secret-note')
      expect(page).not.toContain(`/r/${shown.id}/hide`)
      expect(page).not.toContain('Sol Support')
      expect(page).not.toContain(await staffClient.csrfToken())
    }
    const memberPage = await (await memberClient.get(`/t/${thread.id}/${thread.slug}`)).text()
    expect(memberPage).toContain(await memberClient.csrfToken())
    expect(memberPage).toContain('Mia Member')
  })

  it('shows a reply’s edit and a vote at once, and each viewer their own vote state and tools', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept replies: changes' })
    const reply = await createReply(t, helper, thread.id, 'Before the edit: restart the agent.')
    const voterClient = await t.client().signInAs(member)
    const otherClient = await t.client().signInAs(asker)
    const replyOf = async (client: typeof voterClient) => (await html(await client.get(`/t/${thread.id}/${thread.slug}`))).querySelector(`#reply-${reply.id}`)!
    expect((await replyOf(voterClient)).text).toContain('Before the edit')

    await editReply({ ctx: t.ctx(helper), input: { replyId: reply.id, body: 'After the edit: reinstall the agent.' } })
    for (const client of [voterClient, otherClient, t.client()]) {
      const page = await (await client.get(`/t/${thread.id}/${thread.slug}`)).text()
      expect(page).toContain('After the edit: reinstall the agent.')
      expect(page).not.toContain('Before the edit')
    }

    await setReplyVote({ ctx: t.ctx(member), input: { replyId: reply.id, on: '1' } })
    const voted = await replyOf(voterClient)
    expect(voted.querySelector('form.vote button')?.getAttribute('aria-pressed')).toBe('true')
    const notVoted = await replyOf(otherClient)
    expect(notVoted.querySelector('form.vote button')?.getAttribute('aria-pressed')).toBe('false')
    expect(notVoted.querySelector('.vote-count')?.text.trim()).toBe('1')
    // The asker may mark it as the solution; the other member may not.
    expect(notVoted.querySelector(`form[action="/r/${reply.id}/accept"]`)).not.toBeNull()
    expect(voted.querySelector(`form[action="/r/${reply.id}/accept"]`)).toBeNull()
  })

  it('shows a reply held for approval to its author only, with the notice', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept replies: held' })
    const held = await createReply(t, helper, thread.id, 'Held reply: quokka-waiting-words.')
    await setPostVisibility(t.db, { threadId: thread.id, replyId: held.id }, { hidden: true, reason: 'held', byId: null }, t.ctx(staff).now())
    const authorPage = await (await (await t.client().signInAs(helper)).get(`/t/${thread.id}/${thread.slug}`)).text()
    expect(authorPage).toContain('quokka-waiting-words')
    for (const client of [await t.client().signInAs(member), t.client()])
      expect(await (await client.get(`/t/${thread.id}/${thread.slug}`)).text()).not.toContain('quokka-waiting-words')
  })
})

describe('kept feeds and sitemaps', () => {
  it('show an edit, a vote-free reply and a category rename on the next request', async () => {
    t.clock.advance(60_000)
    const thread = await createThread(t, asker, category, { title: 'Kept feed entry' })
    const before = await t.client().get('/c/kept-pages/feed.atom')
    const etag = before.headers.get('etag')!
    expect(await before.text()).toContain('Kept feed entry')
    expect((await t.client().get('/c/kept-pages/feed.atom', { headers: { 'if-none-match': etag } })).status).toBe(304)

    await t.db.update(users).set({ displayName: 'Ada Feed Name' }).where(eq(users.id, asker.id))
    const renamed = await t.client().get('/c/kept-pages/feed.atom', { headers: { 'if-none-match': etag } })
    expect(renamed.status).toBe(200)
    expect(await renamed.text()).toContain('Ada Feed Name')

    await setThreadHidden({ ctx: t.ctx(staff), input: { threadId: thread.id, on: '1' } })
    expect(await (await t.client().get('/feed.atom')).text()).not.toContain('Kept feed entry')
    expect(await (await t.client().get('/c/kept-pages/feed.atom')).text()).not.toContain('Kept feed entry')
    expect((await t.client().get('/c/no-such-category/feed.atom')).status).toBe(404)
  })

  it('sends a sitemap gzipped to a client that takes gzip, the same document as plain', async () => {
    const plain = await t.client().get('/sitemaps/threads-1.xml')
    expect(plain.headers.get('content-encoding')).toBeNull()
    const text = await plain.text()
    expect(text).toContain('<urlset')
    const zipped = await t.client().get('/sitemaps/threads-1.xml', { headers: { 'accept-encoding': 'br, gzip;q=0.8' } })
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    expect(zipped.headers.get('vary')).toContain('Accept-Encoding')
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(text)
    const refused = await t.client().get('/sitemaps/threads-1.xml', { headers: { 'accept-encoding': 'gzip;q=0' } })
    expect(refused.headers.get('content-encoding')).toBeNull()
  })
})
