import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Category, User } from '../../src/db/schema'
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
