import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { queryRows } from '../../src/db/client'
import { threads } from '../../src/db/schema'
import { PostgresSearchIndex } from '../../src/search/postgres-index'
import { rebuildSearchIndex } from '../../src/search/rebuild-search-index'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createThread, createUser } from '../support/factories'

// `npm run reindex`: the index rebuilt from the database, the source of truth.
let t: TestApp
const ids: number[] = []

beforeAll(async () => {
  t = await createTestApp()
  const category = await createCategory(t.db, { name: 'Sync', slug: 'sync' })
  const asker = await createUser(t.db)
  for (let n = 0; n < 5; n++) {
    t.clock.advance(60 * 60 * 1000)
    ids.push((await createThread(t, asker, category, { title: `Sync stuck at ${n * 10} percent`, body: 'The progress bar never moves on.' })).id)
  }
  await t.db.update(threads).set({ hiddenAt: t.clock.now() }).where(eq(threads.id, ids[4]!))
})
afterAll(() => t.close())

describe('rebuilding the search index', () => {
  it('indexes every visible thread in batches, reports its progress, and refreshes the statistics', async () => {
    const index = new PostgresSearchIndex(t.db)
    // Whatever the index held before (here: nothing of the threads) is replaced.
    await index.clear()
    expect((await index.search(request('"progress bar"'))).hits).toEqual([])
    const progress: [number, number][] = []
    const done = await rebuildSearchIndex(t.db, index, { batchSize: 2, onProgress: (d, total) => progress.push([d, total]) })
    expect(done).toBe(4)
    expect(progress).toEqual([
      [2, 4],
      [4, 4],
    ])
    const found = await index.search(request('"progress bar"', { sort: 'newest' }))
    expect(found.hits.map((hit) => hit.threadId)).toEqual([ids[3], ids[2], ids[1], ids[0]])
    // PostgreSQL now knows how common each phrase pair is (PGlite never gathers statistics alone).
    const [stats] = await queryRows<{ columns: number }>(
      t.db,
      sql`select count(*)::int as columns from pg_stats where tablename = 'search_documents' and attname = 'phrase_pairs' and most_common_elems is not null`,
    )
    expect(stats?.columns).toBe(1)
  })
})

function request(text: string, extra: { sort?: 'relevance' | 'newest' } = {}) {
  return { text, filters: {}, sort: extra.sort ?? ('relevance' as const), page: 1, pageSize: 20 }
}
