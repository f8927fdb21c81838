import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { inject } from 'vitest'
import { openPglite, openPostgres, pgliteExtensions, type Database } from '../../src/db/client'

export type TestDatabaseKind = 'pglite' | 'postgres'

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite'
}

/**
 * A fresh, migrated database for one test file: a PGlite loaded from the migrated dump,
 * or a PostgreSQL database copied from the migrated template. `close()` removes it.
 */
export async function createTestDatabase(): Promise<Database> {
  if (testDatabaseKind() === 'postgres') return createPostgresCopy()
  const dump = readFileSync(inject('pgliteTemplate'))
  const client = await PGlite.create({ loadDataDir: new Blob([dump]), extensions: pgliteExtensions })
  return openPglite(client)
}

async function createPostgresCopy(): Promise<Database> {
  const adminUrl = inject('postgresUrl')
  const template = inject('postgresTemplate')
  const name = `wire_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  // Two files copying the template at the same moment can collide; a short retry settles it.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`create database ${name} template ${template}`)
      break
    } catch (error) {
      if (attempt >= 20) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
    }
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = openPostgres(url.toString(), { poolSize: 5 })
  return {
    ...database,
    async close() {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}
