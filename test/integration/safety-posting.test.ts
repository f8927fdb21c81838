import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notifications, replies, reviewItems, threads, type Category, type User } from '../../src/db/schema'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { loadEnv } from '../../src/env'
import { pino } from 'pino'
import { createTestApp, type TestApp } from '../support/app'
import { html, TestClient } from '../support/client'
import { createCategory, createOrganisation, createThread, createUser } from '../support/factories'

// Trust and safety on the posting path, through the pages, with the write limits on (test apps
// start with them off): a brand-new account's burst is limited and held, ordinary members and
// paying customers are not, and held posts stay out of every public surface until approved.

let t: TestApp
let category: Category
let asker: User
let moderator: User

const ENV = { WRITE_RATE_LIMITS: 'true', TRUST_PROXY: 'true' }
const linky = (n: number) =>
  `Great deals ${n}: [one](https://deals-one.example/${n}) [two](https://deals-two.example/${n}) [three](https://deals-three.example/${n}) buy now`

beforeAll(async () => {
  t = await createTestApp({ env: ENV })
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
  asker = await createUser(t.db, { displayName: 'Asker' })
  moderator = await createUser(t.db, { displayName: 'Mo Derator', role: 'support' })
})
afterAll(() => t.close())

const newAccount = (name: string) => createUser(t.db, { displayName: name, trustLevel: 0, createdAt: t.clock.now() })
const from = (address: string) => ({ headers: { 'x-forwarded-for': address } })

describe('a brand-new account posting a burst of link-filled replies and questions', () => {
  it('holds the replies for review, refuses the burst with 429, Retry-After and the text kept, and caps the day', async () => {
    const thread = await createThread(t, asker, category)
    const spammer = await newAccount('Fresh Account')
    const client = await t.client().signInAs(spammer)
    const statuses: number[] = []
    let refused: Response | null = null
    for (let n = 0; n < 10; n++) {
      const response = await client.post(`/t/${thread.id}/replies`, { body: linky(n) }, from('198.51.100.7'))
      statuses.push(response.status)
      if (response.status === 429 && !refused) refused = response
    }
    // Two a minute for a new account; the rest of the burst is refused.
    expect(statuses.slice(0, 2)).toEqual([303, 303])
    expect(statuses.slice(2).every((status) => status === 429)).toBe(true)
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0)
    const page = await html(refused!)
    expect(page.querySelector('.form-message')?.text).toMatch(/faster than this forum allows.*wait \d+ seconds/)
    expect(page.querySelector('textarea[name=body]')?.text).toContain('Great deals 2')

    // Both accepted replies link to three sites: held, hidden, each waiting in /review.
    const posted = await t.db.select().from(replies).where(eq(replies.authorId, spammer.id))
    expect(posted).toHaveLength(2)
    expect(posted.every((reply) => reply.hiddenReason === 'held' && reply.hiddenAt)).toBe(true)
    const waiting = await t.db.select().from(reviewItems).where(eq(reviewItems.authorId, spammer.id))
    expect(waiting.map((item) => item.reason)).toEqual(['link_domains', 'link_domains'])
    expect(waiting[0]!.detail).toContain('deals-one.example')

    // A minute later the account may post again, up to ten replies in 24 hours.
    for (let minute = 1; minute <= 5; minute++) {
      t.clock.advance(61 * 1000)
      for (let k = 0; k < 2; k++) await client.post(`/t/${thread.id}/replies`, { body: linky(100 + minute * 10 + k) }, from('198.51.100.7'))
    }
    expect(await t.db.select().from(replies).where(eq(replies.authorId, spammer.id))).toHaveLength(10)
    t.clock.advance(61 * 1000)
    const eleventh = await client.post(`/t/${thread.id}/replies`, { body: 'One more reply with enough words in it.' }, from('198.51.100.7'))
    expect(eleventh.status).toBe(429)
    expect((await html(eleventh)).querySelector('.form-message')?.text).toMatch(/New accounts may post 10 replies a day/)
    expect(Number(eleventh.headers.get('retry-after'))).toBeGreaterThan(3600)
  })

  it('limits a new account to one question a minute and three a day, keeping the question on the page', async () => {
    const fresh = await newAccount('Fresh Asker')
    const client = await t.client().signInAs(fresh)
    const ask = (n: number) =>
      client.post('/ask', { title: `Where is the setting number ${n} for exports?`, body: `I looked everywhere for export setting ${n} and cannot find it.`, categoryId: category.id, tags: '' }, from('198.51.100.8'))
    expect((await ask(1)).status).toBe(303)
    const second = await ask(2)
    expect(second.status).toBe(429)
    expect((await html(second)).querySelector('input[name=title]')?.getAttribute('value')).toBe('Where is the setting number 2 for exports?')
    t.clock.advance(61 * 1000)
    expect((await ask(3)).status).toBe(303)
    t.clock.advance(61 * 1000)
    expect((await ask(4)).status).toBe(303)
    t.clock.advance(61 * 1000)
    const fourth = await ask(5)
    expect(fourth.status).toBe(429)
    expect((await html(fourth)).querySelector('.form-message')?.text).toMatch(/New accounts may ask 3 questions a day/)
  })

  it('refuses more links than a new account may post, by the field, and keeps the text', async () => {
    const thread = await createThread(t, asker, category)
    const fresh = await newAccount('Link Dropper')
    const client = await t.client().signInAs(fresh)
    const body = Array.from({ length: 6 }, (_, i) => `[link ${i}](https://site${i}.example/)`).join(' ')
    const response = await client.post(`/t/${thread.id}/replies`, { body }, from('198.51.100.9'))
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('.field-error')?.text).toMatch(/at most 5 links/)
    expect(page.querySelector('textarea[name=body]')?.text).toBe(body)
  })
})

describe('ordinary use is not blocked', () => {
  it('lets an established member post a few replies with links in a row, all public at once', async () => {
    const thread = await createThread(t, asker, category)
    const member = await createUser(t.db, { displayName: 'Helpful Member' })
    const client = await t.client().signInAs(member)
    for (let n = 0; n < 4; n++) {
      const response = await client.post(
        `/t/${thread.id}/replies`,
        { body: `See [the docs](https://docs.example.com/page-${n}) and [the guide](https://guide.example.org/${n}) for step ${n}.` },
        from('198.51.100.20'),
      )
      expect(response.status).toBe(303)
    }
    const posted = await t.db.select().from(replies).where(eq(replies.authorId, member.id))
    expect(posted.every((reply) => reply.hiddenAt === null)).toBe(true)
  })

  it('treats a new account of a paying organisation as a member: links to several sites are published', async () => {
    const thread = await createThread(t, asker, category)
    const paying = await createOrganisation(t.db, { plan: 'enterprise' })
    const customer = await createUser(t.db, { displayName: 'Paying Customer', trustLevel: 0, organisationId: paying.id, createdAt: t.clock.now() })
    const client = await t.client().signInAs(customer)
    const response = await client.post(`/t/${thread.id}/replies`, { body: linky(7) }, from('198.51.100.21'))
    expect(response.status).toBe(303)
    const [reply] = await t.db.select().from(replies).where(eq(replies.authorId, customer.id))
    expect(reply!.hiddenAt).toBeNull()
  })

  it('lets an office of several people behind one address post, each within their own limit', async () => {
    const thread = await createThread(t, asker, category)
    for (let person = 0; person < 6; person++) {
      const colleague = await createUser(t.db, { displayName: `Colleague ${person}` })
      const client = await t.client().signInAs(colleague)
      const response = await client.post(`/t/${thread.id}/replies`, { body: `Same here at the office, person ${person} checking in.` }, from('203.0.113.50'))
      expect(response.status).toBe(303)
    }
  })
})

describe('held posts stay out of sight until approved', () => {
  it('keeps a held question off lists, search, feeds and the sitemap and sends nothing, then publishes it on approval', async () => {
    const fresh = await newAccount('Held Asker')
    const word = 'zanzibarquokka'
    const created = await client(fresh).then((c) =>
      c.post('/ask', { title: `How does ${word} pricing work for teams?`, body: `Compare [a](https://a-site.example) [b](https://b-site.example) [c](https://c-site.example) for ${word}.`, categoryId: category.id, tags: '' }, from('198.51.100.30')),
    )
    expect(created.status).toBe(303)
    const [thread] = await t.db.select().from(threads).where(eq(threads.authorId, fresh.id))
    expect(thread!.hiddenReason).toBe('held')
    await t.drain()

    const anonymous = t.client()
    expect((await anonymous.get(`/t/${thread!.id}`)).status).toBe(404)
    expect(await (await anonymous.get('/')).text()).not.toContain(word)
    expect(await (await anonymous.get(`/search?q=${word}`)).text()).not.toContain(`/t/${thread!.id}/`)
    expect(await (await anonymous.get('/feed.atom')).text()).not.toContain(word)
    const sitemap = await anonymous.get('/sitemap.xml')
    if (sitemap.status === 200) expect(await sitemap.text()).not.toContain(`/t/${thread!.id}/`)
    // The author sees it, with the reason.
    const own = await html(await (await client(fresh)).get(`/t/${thread!.id}/${thread!.slug}`))
    expect(own.querySelector('.notice')?.text).toMatch(/waiting for a moderator's approval/)

    const staff = await t.client().signInAs(moderator)
    const queue = await html(await staff.get('/review'))
    const entry = queue.querySelectorAll('.review-entry').find((node) => node.text.includes(word))!
    expect(entry.text).toMatch(/Links to many sites from a new account/)
    const [item] = await t.db.select().from(reviewItems).where(eq(reviewItems.threadId, thread!.id))
    expect((await staff.post(`/review/${item!.id}`, { decision: 'approve' })).status).toBe(303)
    await t.drain()
    expect((await anonymous.get(`/t/${thread!.id}`)).status).toBe(301)
    expect(await (await anonymous.get(`/search?q=${word}`)).text()).toContain(`/t/${thread!.id}/`)
  })

  it('notifies the thread’s followers of a held reply only once it is approved', async () => {
    const thread = await createThread(t, asker, category)
    const fresh = await newAccount('Held Replier')
    const c = await client(fresh)
    expect((await c.post(`/t/${thread.id}/replies`, { body: linky(55) }, from('198.51.100.31'))).status).toBe(303)
    await t.drain()
    const noticesFor = () => t.db.select().from(notifications).where(and(eq(notifications.userId, asker.id), eq(notifications.threadId, thread.id)))
    expect(await noticesFor()).toHaveLength(0)
    const [item] = await t.db.select().from(reviewItems).where(eq(reviewItems.threadId, thread.id))
    await (await t.client().signInAs(moderator)).post(`/review/${item!.id}`, { decision: 'approve' })
    await t.drain()
    expect((await noticesFor()).length).toBeGreaterThan(0)
  })
})

describe('limits shared by several app instances', () => {
  it('counts one account’s replies through two instances on the same database against one limit', async () => {
    const thread = await createThread(t, asker, category)
    const fresh = await newAccount('Two Doors')
    const env = loadEnv({ PUBLIC_URL: 'http://localhost', SITE_NAME: 'Test Community', FORM_BOT_CHECKS: 'false', ...ENV })
    const second = createApp({ database: t.database, env, logger: pino({ level: 'silent' }), clock: t.clock, assets: loadAssets() })
    const first = await t.client().signInAs(fresh)
    const viaSecond = new TestClient({ ...t, app: second })
    for (const [name, value] of first.cookies) viaSecond.cookies.set(name, value)
    const body = (n: number) => `A plain reply number ${n} with enough words.`
    expect((await first.post(`/t/${thread.id}/replies`, { body: body(1) }, from('198.51.100.40'))).status).toBe(303)
    expect((await viaSecond.post(`/t/${thread.id}/replies`, { body: body(2) }, from('198.51.100.41'))).status).toBe(303)
    const third = await viaSecond.post(`/t/${thread.id}/replies`, { body: body(3) }, from('198.51.100.42'))
    expect(third.status).toBe(429)
    expect((await first.post(`/t/${thread.id}/replies`, { body: body(4) }, from('198.51.100.43'))).status).toBe(429)
  })

  it('answers a held post through the API with 202 and no public body', async () => {
    const thread = await createThread(t, asker, category)
    const fresh = await newAccount('Api Poster')
    const c = await client(fresh)
    const token = await c.csrfToken()
    const response = await c.request(`/api/v1/threads/${thread.id}/replies`, {
      method: 'POST',
      body: JSON.stringify({ body: linky(77) }),
      headers: { 'content-type': 'application/json', 'x-csrf-token': token, 'x-forwarded-for': '198.51.100.61' },
    })
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({ status: 'held_for_review' })
  })

  it('answers the API with problem+json and Retry-After', async () => {
    const fresh = await newAccount('Api Burst')
    const c = await client(fresh)
    const token = await c.csrfToken()
    const call = () =>
      c.request('/api/v1/search?q=widget', { method: 'GET', headers: { 'x-forwarded-for': '198.51.100.60', 'x-csrf-token': token } })
    let last: Response | null = null
    for (let n = 0; n < 25; n++) last = await call()
    expect(last!.status).toBe(429)
    expect(last!.headers.get('content-type')).toContain('application/problem+json')
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await last!.json()) as { detail: string }).detail).toMatch(/searching faster than this forum allows/)
  })
})

async function client(user: User): Promise<TestClient> {
  return t.client().signInAs(user)
}
