import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { threads, type Category, type User } from '../../src/db/schema'
import { PostgresSearchIndex } from '../../src/search/postgres-index'
import type { SearchRequest } from '../../src/search/types'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

let t: TestApp
let index: PostgresSearchIndex
let billing: Category
let api: Category
let asker: User
let helper: User
const ids: Record<string, number> = {}

const request = (text: string, extra: Partial<SearchRequest> = {}): SearchRequest => ({
  text,
  filters: {},
  sort: 'relevance',
  page: 1,
  pageSize: 20,
  ...extra,
})

beforeAll(async () => {
  t = await createTestApp()
  index = new PostgresSearchIndex(t.db)
  billing = await createCategory(t.db, { name: 'Billing', slug: 'billing' })
  api = await createCategory(t.db, { name: 'API', slug: 'api' })
  asker = await createUser(t.db)
  helper = await createUser(t.db)
  const add = async (key: string, category: Category, title: string, body: string, reply?: string) => {
    const thread = await createThread(t, asker, category, { title, body })
    if (reply) await createReply(t, helper, thread.id, reply)
    ids[key] = thread.id
  }
  await add('export', api, 'How do I export my data to CSV?', 'I need a CSV export of all projects for our finance team.', 'Use Settings → Export and choose CSV.')
  await add('webhook', api, 'Webhook deliveries fail with a 502 error', 'Since upgrading, every webhook returns 502 Bad Gateway from our proxy.')
  await add('invoice', billing, 'Invoice shows the wrong currency', 'Our invoice says USD but the account is set to EUR currency.')
  await add('refund', billing, 'Refund for a duplicate charge', 'We were charged twice this month; how do refunds work?', 'Refunds for duplicate charges take five days.')
  await add('sso', api, 'Single sign-on with Okta fails after the certificate rotation', 'SAML assertion is rejected: invalid signature after rotating the Okta certificate.')
  await index.indexThreads(Object.values(ids))
})
afterAll(() => t.close())

describe('PostgreSQL search engine', () => {
  it('finds by words in title, question and answers, with highlighted snippets', async () => {
    const result = await index.search(request('csv export'))
    expect(result.hits[0]?.threadId).toBe(ids.export)
    expect(result.hits[0]?.title.some((segment) => segment.match && /export/i.test(segment.text))).toBe(true)
    const viaAnswer = await index.search(request('refunds five days'))
    expect(viaAnswer.hits.map((hit) => hit.threadId)).toEqual([ids.refund])
  })

  it('supports quotes, OR and exclusion', async () => {
    expect((await index.search(request('"bad gateway"'))).hits.map((hit) => hit.threadId)).toEqual([ids.webhook])
    const either = await index.search(request('invoice OR webhook'))
    expect(either.hits.map((hit) => hit.threadId).sort()).toEqual([ids.invoice, ids.webhook].sort())
    const excluded = await index.search(request('currency -invoice'))
    expect(excluded.hits).toEqual([])
  })

  it('corrects typos when the exact query finds little', async () => {
    const result = await index.search(request('invoce curency'))
    expect(result.correctedText).toBe('invoice currency')
    expect(result.hits[0]?.threadId).toBe(ids.invoice)
  })

  it('says when a query has nothing to look for', async () => {
    expect((await index.search(request('the OR -'))).searchable).toBe(false)
  })

  it('filters by category and state', async () => {
    const inBilling = await index.search(request('charged OR currency OR webhook', { filters: { categoryId: billing.id } }))
    expect(inBilling.hits.map((hit) => hit.threadId).sort()).toEqual([ids.invoice, ids.refund].sort())
    const unanswered = await index.search(request('charged OR currency OR export', { filters: { state: 'unanswered' } }))
    expect(unanswered.hits.map((hit) => hit.threadId)).toEqual([ids.invoice])
  })

  it('ranks similar questions by shared rare words', async () => {
    const hits = await index.similar({ title: 'CSV export of projects', body: 'finance needs an export', limit: 5 })
    expect(hits[0]?.threadId).toBe(ids.export)
    const okta = await index.similar({ title: 'Okta SAML signature invalid', limit: 5 })
    expect(okta[0]?.threadId).toBe(ids.sso)
  })
})

describe('PostgreSQL search engine past its caps', () => {
  // Caps of 2 ranked matches and 3 phrase checks stand in for the real 500 and 1,500.
  let capped: PostgresSearchIndex
  const quota: number[] = []

  beforeAll(async () => {
    capped = new PostgresSearchIndex(t.db, { rankedSet: 2, phraseCheck: 3 })
    const titles = [
      'Storage quota exceeded on the free plan',
      'Quota exceeded although the bucket is empty',
      'Exceeded quota warnings every morning',
      'Exceeded the API quota of one key: is it per key or per account?',
    ]
    for (const title of titles) {
      t.clock.advance(60 * 60 * 1000)
      const thread = await createThread(t, asker, api, { title, body: `Our team keeps hitting this. ${title}.` })
      quota.push(thread.id)
    }
    await capped.indexThreads(quota)
  })

  it('ranks the newest matches, says there are more, and sorts within them', async () => {
    const result = await capped.search(request('quota'))
    expect(result).toMatchObject({ total: 2, capped: true })
    expect(result.hits.map((hit) => hit.threadId).sort()).toEqual(quota.slice(-2).sort())
    const newest = await capped.search(request('quota', { sort: 'newest' }))
    expect(newest.hits.map((hit) => hit.threadId)).toEqual([quota[3], quota[2]])
  })

  it('checks phrases among the newest threads holding their words, and keeps word order', async () => {
    // All four hold both words; "quota exceeded" is in the first two, "exceeded quota" in the third.
    // Only the newest three are checked, so the first is past the cap.
    const phrase = await capped.search(request('"quota exceeded"'))
    expect(phrase.hits.map((hit) => hit.threadId)).toEqual([quota[1]])
    const reversed = await capped.search(request('"exceeded quota"'))
    expect(reversed.hits.map((hit) => hit.threadId)).toEqual([quota[2]])
    const uncapped = await index.search(request('"quota exceeded"', { sort: 'newest' }))
    expect(uncapped.hits.map((hit) => hit.threadId)).toEqual([quota[1], quota[0]])
  })

  it('skips a thread hidden since it was indexed, before the index catches up', async () => {
    const index = new PostgresSearchIndex(t.db)
    const hidden = await createThread(t, asker, api, { title: 'Zeppelin mode leaks memory', body: 'Zeppelin mode grows without bound.' })
    await index.indexThreads([hidden.id])
    expect((await index.search(request('zeppelin'))).hits.map((hit) => hit.threadId)).toEqual([hidden.id])
    await t.db.update(threads).set({ hiddenAt: t.clock.now() }).where(eq(threads.id, hidden.id))
    expect((await index.search(request('zeppelin'))).hits).toEqual([])
  })

  it('learns whole words for "did you mean", also where a long question is cut', async () => {
    const index = new PostgresSearchIndex(t.db)
    // The 1,000th character falls inside "dashboard" (after "dashbo", which trigrams would prefer
    // for "dashbord"): only the whole word may be learnt.
    const filler = `${'lorem '.repeat(165)}abc `
    const thread = await createThread(t, asker, api, { title: 'Blank dashboard after login', body: `${filler}dashboard stays blank for everyone.` })
    await index.indexThreads([thread.id])
    const result = await index.search(request('dashbord blank'))
    expect(result.correctedText).toBe('dashboard blank')
    expect(result.hits.map((hit) => hit.threadId)).toEqual([thread.id])
  })
})

describe('PostgreSQL search engine walking the newest threads first', () => {
  // Thirty threads all about widgets. When most documents match, the engine walks the newest
  // first, within a budget, and reads every match when the walk finds too few; here it is made to
  // walk, so both ways are exercised on a small forum (when to walk is tested in the unit tests).
  let own: TestApp
  let walking: PostgresSearchIndex
  let deciding: PostgresSearchIndex
  const widgets: number[] = []

  beforeAll(async () => {
    own = await createTestApp()
    const category = await createCategory(own.db, { name: 'Widgets', slug: 'widgets' })
    const author = await createUser(own.db)
    for (let n = 0; n < 30; n++) {
      own.clock.advance(60 * 60 * 1000)
      // Only the two oldest say "number widget"; the others say "widget number".
      const body = n < 2 ? `Where did the number widget go? Asked on day ${n}.` : `The widget number ${n} works, mostly.`
      widgets.push((await createThread(own, author, category, { title: `Widget question ${n}`, body })).id)
    }
    walking = new PostgresSearchIndex(own.db, { rankedSet: 2, phraseCheck: 40, walkFirst: true })
    deciding = new PostgresSearchIndex(own.db, { rankedSet: 2, phraseCheck: 40 })
    await walking.indexThreads(widgets)
  })
  afterAll(() => own.close())

  it('finds the newest matches by walking', async () => {
    for (const index of [walking, deciding]) {
      const result = await index.search(request('widget', { sort: 'newest' }))
      expect(result).toMatchObject({ total: 2, capped: true })
      expect(result.hits.map((hit) => hit.threadId)).toEqual([widgets[29], widgets[28]])
    }
  })

  it('reads every match when the walk finds too few', async () => {
    for (const index of [walking, deciding]) {
      const result = await index.search(request('"number widget"', { sort: 'newest' }))
      expect(result).toMatchObject({ total: 2, capped: false })
      expect(result.hits.map((hit) => hit.threadId)).toEqual([widgets[1], widgets[0]])
    }
  })
})
