import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getBugBashList } from '../../src/bug-bash'
import type { Category, User } from '../../src/db/schema'
import { setThreadHidden } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { PostgresSearchIndex, type SearchIndex, type SimilarRequest } from '../../src/search'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createTeam, createThread, createUser } from '../support/factories'

// similarMany answers hundreds of similar() lookups in two statements (the bug-bash list's first
// view): it must answer exactly what one similar() per request does, scores included, on a forum
// where titles share words in many ways, some requests carry bodies, some know no word, and a
// thread was hidden after it was indexed. The bug-bash list built from it must cluster as the list
// built from one similar() per thread did, and never show a hidden thread.

let t: TestApp
let support: User
let category: Category
const ids: Record<string, number> = {}

const TOPICS = ['CSV export', 'password reset email', 'dark mode contrast', 'invoice total', 'webhook retries']
const PROBLEMS = ['fails', 'never arrives', 'is wrong', 'times out', 'shows an error', 'stopped working']

/** The same engine, answering similarMany with one similar() per request: the list as it was built before. */
function oneByOne(engine: SearchIndex): SearchIndex {
  return Object.assign(Object.create(engine) as SearchIndex, {
    similarMany: (requests: SimilarRequest[]) => Promise.all(requests.map((request) => engine.similar(request))),
  })
}

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }])
  const askers = [] as User[]
  for (const n of [1, 2, 3, 4]) askers.push(await createUser(t.db, { displayName: `Customer ${n}` }))
  // 15 questions: each topic with three of the problems, the words overlapping across topics
  // ("export" and "invoice", the problems), some bodies long enough to weigh.
  for (const [i, topic] of TOPICS.entries())
    for (const [j, problem] of PROBLEMS.slice(i % 3, (i % 3) + 3).entries()) {
      const key = `${i}-${j}`
      const body =
        j === 0
          ? `The ${topic} ${problem} again. We retried the ${topic} from the settings page, then from the mobile app, and the ${topic} still ${problem}.`
          : `Since the update the ${topic} ${problem} for ${j + 1} of our users.`
      ids[key] = (await createThread(t, askers[(i + j) % 4]!, category, { title: `${topic} ${problem}`, body, tags: j < 2 ? `area-${i}, ${problem.split(' ')[0]}` : '' })).id
      await convertThread({ ctx: t.ctx(support), input: { threadId: ids[key]!, kind: 'bug', severity: 'normal' } })
    }
  await t.drain()
  // Hidden after it was indexed, before the index heard of it: in the index, never in an answer.
  await setThreadHidden({ ctx: t.ctx(support), input: { threadId: ids['1-0']!, on: '1' } })
})
afterAll(async () => {
  await t?.close()
})

describe('similarMany', () => {
  it('answers exactly what one similar() per request answers, scores and order included', async () => {
    const search = new PostgresSearchIndex(t.db)
    const requests: SimilarRequest[] = [
      ...TOPICS.flatMap((topic) => PROBLEMS.map((problem) => ({ title: `${topic} ${problem}`, limit: 8 }))),
      { title: 'export fails', body: 'The CSV export of the invoice total times out every time we retry the export.', limit: 5 },
      { title: 'email', limit: 3 },
      { title: 'Password reset email never arrives', limit: 1 },
      { title: 'zebra quokka', limit: 8 },
      { title: 'the and of', limit: 8 },
      { title: 'CSV export fails', limit: 8 },
    ]
    const many = await search.similarMany(requests)
    const single = await Promise.all(requests.map((request) => new PostgresSearchIndex(t.db).similar(request)))
    expect(many).toEqual(single)
    // The scenario is varied enough to mean something: most requests find several threads.
    expect(many.filter((hits) => hits.length >= 3).length).toBeGreaterThan(25)
    expect(many[requests.length - 3]).toEqual([])
    expect(many[requests.length - 4]).toHaveLength(1)
    // The hidden thread is in the index but in no answer.
    expect(many.flat().some((hit) => hit.threadId === ids['1-0'])).toBe(false)
    expect(await search.similarMany([])).toEqual([])
  })

  it('clusters the bug-bash list as one similar() per thread did, without the hidden thread', async () => {
    const batched = await getBugBashList({ ...t.ctx(support), search: new PostgresSearchIndex(t.db) })
    const perThread = await getBugBashList({ ...t.ctx(support), search: oneByOne(new PostgresSearchIndex(t.db)) })
    const shape = (list: typeof batched) => list.open.map((cluster) => ({ threads: cluster.threads.map((thread) => thread.id).sort((a, b) => a - b), reasons: cluster.reasons }))
    expect(shape(batched)).toEqual(shape(perThread))
    expect(batched.open.some((cluster) => cluster.reasons.includes('similar titles'))).toBe(true)
    expect(batched.open.flatMap((cluster) => cluster.threads).some((thread) => thread.id === ids['1-0'])).toBe(false)
  })

  it('shows a new duplicate in its cluster at the next view, with the old answers kept', async () => {
    const search = new PostgresSearchIndex(t.db)
    const ctx = { ...t.ctx(support), search }
    const before = await getBugBashList(ctx)
    const clusterOf = (list: typeof before, threadId: number) => list.open.find((cluster) => cluster.threads.some((thread) => thread.id === threadId))
    expect(clusterOf(before, ids['4-0']!)).toBeDefined()
    const asker = await createUser(t.db, { displayName: 'Customer 5' })
    const fresh = await createThread(t, asker, category, { title: 'Webhook retries never arrive', body: 'Since this morning no webhook retry arrives at our endpoint.' })
    await convertThread({ ctx: t.ctx(support), input: { threadId: fresh.id, kind: 'bug', severity: 'normal' } })
    await t.drain()
    // The old threads' answers are kept (they predate it); its own lookup links it to them.
    const after = await getBugBashList(ctx)
    expect(clusterOf(after, fresh.id)?.threads.map((thread) => thread.id)).toContain(ids['4-0'])
  })
})
