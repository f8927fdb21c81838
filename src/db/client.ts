import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql, type SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import * as schema from './schema'

/** The one database type domain code sees: PostgreSQL and PGlite look the same here. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export type DatabaseKind = 'postgres' | 'pglite'

export interface Database {
  db: Db
  kind: DatabaseKind
  migrate(): Promise<void>
  close(): Promise<void>
}

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Extensions the migrations expect; PGlite needs them handed over when it opens. */
export const pgliteExtensions = { pg_trgm }

export function openPostgres(url: string, options: { poolSize?: number } = {}): Database {
  // JIT compilation pays off for long analytical queries, not for ours: on the set-wise priority
  // recompute it spent 1.3 s of 2.7 s compiling (bench/RESULTS.md). Off for the app's sessions.
  const client = postgres(url, { max: options.poolSize ?? 10, onnotice: () => {}, connection: { jit: 'off' } })
  const db = drizzlePostgres({ client, schema }) as unknown as Db
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // Several app instances may start at once: one migrates while the others wait on the
      // advisory lock. A one-connection client keeps the lock and the migration on one session.
      const single = postgres(url, { max: 1, onnotice: () => {} })
      try {
        await single`select pg_advisory_lock(7301)`
        await migratePostgres(drizzlePostgres({ client: single, schema }), { migrationsFolder })
        await single`select pg_advisory_unlock(7301)`
      } finally {
        await single.end({ timeout: 5 })
      }
    },
    close: () => client.end({ timeout: 5 }),
  }
}

export async function openPglite(dataDirOrInstance: string | PGlite): Promise<Database> {
  let client: PGlite
  if (typeof dataDirOrInstance === 'string') {
    mkdirSync(dataDirOrInstance, { recursive: true })
    client = await PGlite.create(dataDirOrInstance, { extensions: pgliteExtensions })
  } else {
    client = dataDirOrInstance
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite({ client, schema }), { migrationsFolder }),
    close: () => client.close(),
  }
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function queryRows<Row>(db: Db, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[]
}

export async function checkDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}
