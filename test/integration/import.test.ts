import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite } from '../../src/db/client'
import { categories, replies, threads, users } from '../../src/db/schema'
import { importThreads } from '../../src/importer'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { testDatabaseKind } from '../support/db'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

async function* linesOf(items: unknown[]): AsyncGenerator<string> {
  for (const item of items) yield typeof item === 'string' ? item : JSON.stringify(item)
}

const ada = { external_id: 'u-ada', name: 'Ada Lovelace', email: 'ada@example.com' }
const bob = { external_id: 'u-bob', name: 'Bob' }

const thread = (n: number, extra: Record<string, unknown> = {}) => ({
  external_id: `t-${n}`,
  title: `Imported question number ${n} about exports`,
  body: `How do I **export** report ${n}?`,
  author: ada,
  created_at: `2024-01-0${n}T10:00:00Z`,
  category: 'data-exports',
  tags: ['Export', 'csv'],
  replies: [
    { external_id: `r-${n}-1`, body: `Use the export button (${n}).`, author: bob, created_at: `2024-01-0${n}T11:00:00Z` },
    { external_id: `r-${n}-2`, body: 'Thanks, that worked!', author: ada, created_at: `2024-01-0${n}T12:00:00Z` },
  ],
  accepted_reply: `r-${n}-1`,
  ...extra,
})

const countOf = async (table: typeof threads | typeof replies | typeof users) => Number((await t.db.select({ n: count() }).from(table))[0]!.n)

describe('import', () => {
  it('loads threads with their history, authors, categories, tags and accepted answers', async () => {
    const summary = await importThreads({ db: t.db, lines: linesOf([thread(1), thread(2)]), now: () => t.clock.now() })
    expect(summary).toMatchObject({ threads: 2, replies: 4, lines: 2, problems: [] })
    const [row] = await t.db.select().from(threads).where(eq(threads.externalId, 't-1'))
    expect(row).toMatchObject({ replyCount: 2, title: 'Imported question number 1 about exports' })
    expect(row!.createdAt.toISOString()).toBe('2024-01-01T10:00:00.000Z')
    expect(row!.lastActivityAt.toISOString()).toBe('2024-01-01T12:00:00.000Z')
    expect(row!.answeredAt?.toISOString()).toBe('2024-01-01T11:00:00.000Z')
    expect(row!.acceptedReplyId).not.toBeNull()
    const [category] = await t.db.select().from(categories).where(eq(categories.slug, 'data-exports'))
    expect(category?.name).toBe('Data exports')
    const page = await html(await t.client().get(`/t/${row!.id}/${row!.slug}`))
    expect(page.querySelector('.accepted-answer .prose')?.text).toBe('Use the export button (1).')
    expect(texts(page, '.thread-meta .tag')).toEqual(['csv', 'export'])
    expect(page.querySelector('.question .prose strong')?.text).toBe('export')
    const people = await t.db.select().from(users).where(eq(users.externalId, 'u-bob'))
    expect(people).toHaveLength(1)
    expect(people[0]!.email).toMatch(/@imported\.invalid$/)
    // Imported threads become searchable through the outbox.
    await t.drain()
    expect(texts(await html(await t.client().get('/search?q=export+report')), '.search-result h2 a')).toHaveLength(2)
  })

  it('is idempotent by external id: a second import updates, never duplicates', async () => {
    const before = { threads: await countOf(threads), replies: await countOf(replies), users: await countOf(users) }
    const edited = thread(1, { title: 'Imported question number 1, edited at the source', accepted_reply: undefined })
    const summary = await importThreads({ db: t.db, lines: linesOf([edited, thread(2), thread(2)]), now: () => t.clock.now() })
    expect(summary.problems).toEqual([])
    expect({ threads: await countOf(threads), replies: await countOf(replies), users: await countOf(users) }).toEqual(before)
    const [row] = await t.db.select().from(threads).where(eq(threads.externalId, 't-1'))
    expect(row!.title).toBe('Imported question number 1, edited at the source')
    expect(row!.acceptedReplyId).toBeNull()
  })

  it('matches existing people by email and reports bad lines by number while importing the rest', async () => {
    const lines = [
      thread(3, { author: { email: 'ADA@example.com', name: 'Ada again' } }),
      '{ not json',
      thread(4, { title: '' }),
      thread(5, { accepted_reply: 'r-nowhere' }),
      thread(6, { created_at: 'last tuesday' }),
      thread(7, { author: { name: 'Nobody' } }),
      thread(8, { category: 'Not A Slug!' }),
      '',
      thread(9, { body: 'A NUL \u0000 byte and a bell \u0007 from an old export' }),
    ]
    const summary = await importThreads({ db: t.db, lines: linesOf(lines), now: () => t.clock.now() })
    expect(summary.threads).toBe(2)
    expect(summary.problems.map((problem) => problem.line)).toEqual([2, 3, 4, 5, 6, 7])
    expect(summary.problems[0]!.message).toBe('not valid JSON.')
    expect(summary.problems[1]!.message).toMatch(/^title: title is empty/)
    expect(summary.problems[2]!.message).toMatch(/not one of this thread's replies/)
    expect(summary.problems[3]!.message).toMatch(/not a date/)
    expect(summary.problems[4]!.message).toMatch(/external_id or an email/)
    const adaRows = await t.db.select().from(users).where(eq(users.email, 'ada@example.com'))
    expect(adaRows).toHaveLength(1)
    const [nine] = await t.db.select().from(threads).where(eq(threads.externalId, 't-9'))
    expect(nine!.bodyMarkdown).toBe('A NUL  byte and a bell  from an old export')
  })

  it.runIf(testDatabaseKind() === 'pglite')('runs as npm run import with a progress bar, and says which lines it skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wire-import-'))
    try {
      const file = join(dir, 'threads.jsonl')
      writeFileSync(file, [thread(1), thread(2), { external_id: 'x' }].map((line) => JSON.stringify(line)).join('\n') + '\n')
      const run = promisify(execFile)
      const failed = await run(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', file], {
        env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'silent' },
      }).catch((error: { code: number; stdout: string; stderr: string }) => error)
      expect('code' in failed ? failed.code : 0).toBe(1)
      expect(failed.stdout).toMatch(/Imported 2 threads and 4 replies from 3 lines/)
      expect(failed.stdout).toMatch(/line 3: title: /)
      const database = await openPglite(join(dir, 'pglite'))
      try {
        expect(Number((await database.db.select({ n: count() }).from(threads))[0]!.n)).toBe(2)
      } finally {
        await database.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
