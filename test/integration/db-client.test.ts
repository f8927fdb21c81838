import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { queryRows, queryRowsInOneTrip, type Database } from '../../src/db/client'
import { createTestDatabase } from '../support/db'

let database: Database

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

describe('queryRowsInOneTrip', () => {
  it('keeps every value a value, whatever quotes, backslashes or SQL it holds', async () => {
    const values = [
      "it's",
      "'); drop table users; --",
      'C:\\temp\\new',
      "\\'; select 1; --",
      '$q$ $$ dollar $q$',
      'naïve café 日本語 🙂',
      '',
    ]
    for (const value of values) {
      const [row] = await queryRowsInOneTrip<{ value: string; length: number }>(
        database.db,
        sql`select ${value}::text as value, length(${value}::text) as length`,
      )
      expect(row).toEqual({ value, length: [...value].length })
    }
    // The users table is still there.
    expect(await queryRows(database.db, sql`select count(*) from users`)).toHaveLength(1)
  })

  it('holds its settings for its query alone', async () => {
    const [during] = await queryRowsInOneTrip<{ seqscan: string; indexscan: string; n: number }>(
      database.db,
      sql`select current_setting('enable_seqscan') as seqscan, current_setting('enable_indexscan') as indexscan, ${41}::int + 1 as n`,
      { enable_seqscan: 'off', enable_indexscan: 'off' },
    )
    expect(during).toEqual({ seqscan: 'off', indexscan: 'off', n: 42 })
    const [after] = await queryRows<{ seqscan: string }>(database.db, sql`select current_setting('enable_seqscan') as seqscan`)
    expect(after?.seqscan).toBe('on')
  })

  it('plans the query with its settings in force', async () => {
    const plan = async (settings: Record<string, string>) =>
      (await queryRowsInOneTrip<Record<string, string>>(database.db, sql`explain select * from users where id = ${1}`, settings))
        .map((row) => Object.values(row)[0])
        .join('\n')
    expect(await plan({ enable_seqscan: 'off' })).toMatch(/Index/)
    expect(await plan({ enable_indexscan: 'off', enable_bitmapscan: 'off' })).not.toMatch(/Index/)
  })
})
