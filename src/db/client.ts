import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql, type SQL } from 'drizzle-orm'
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core'
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
  /**
   * PostgreSQL only: retires the connection pool for a fresh one, without changing `db`. For
   * the postgres.js bug in driver-guard.ts, which leaves one connection unusable.
   */
  replacePool?(): void
}

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Extensions the migrations expect; PGlite needs them handed over when it opens. */
export const pgliteExtensions = { pg_trgm }

export function openPostgres(url: string, options: { poolSize?: number } = {}): Database {
  // JIT compilation pays off for long analytical queries, not for ours: on the set-wise priority
  // recompute it spent 1.3 s of 2.7 s compiling (bench/RESULTS.md). Off for the app's sessions.
  const pool = replaceablePool(() => {
    const client = postgres(url, { max: options.poolSize ?? 10, onnotice: () => {}, connection: { jit: 'off' }, backoff: reconnectBackoffSeconds })
    // Drizzle sets its type parsers on the client it is given: a fresh pool needs the same.
    drizzlePostgres({ client, schema })
    return client
  })
  const db = drizzlePostgres({ client: pool.client, schema }) as unknown as Db
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
    close: () => pool.end(),
    replacePool: () => pool.replace(),
  }
}

/**
 * Wait before a connection of the pool tries again after failing to connect. postgres.js's default
 * (3^n / 100 s, up to 20 s, with n counted across the whole pool) reaches 10-20 s within a
 * second of a restart's refused connections, and a query handed to a reconnecting connection
 * waits that long after the database is back. Ours doubles from 50 ms up to one second.
 */
function reconnectBackoffSeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2)
}

/**
 * A postgres.js client that stays the same object for Drizzle while the pool behind it can be
 * swapped: calls go to the current pool, and a replaced one finishes its queries in flight
 * (5 s at most) and closes. Transactions already begun keep their own connection.
 */
function replaceablePool(create: () => postgres.Sql): { client: postgres.Sql; replace(): void; end(): Promise<void> } {
  let current = create()
  const retiring = new Set<Promise<void>>()
  const retire = (old: postgres.Sql) => {
    const ended = old.end({ timeout: 5 }).catch(() => {})
    retiring.add(ended)
    void ended.finally(() => retiring.delete(ended))
  }
  const client = new Proxy(function replaceableClient() {} as unknown as postgres.Sql, {
    apply: (_target, thisArg, args) => Reflect.apply(current as unknown as (...a: unknown[]) => unknown, thisArg, args),
    get: (_target, property) => Reflect.get(current, property),
    has: (_target, property) => Reflect.has(current, property),
  })
  let replacing = false
  let ended = false
  return {
    client,
    replace() {
      // Several connections may hit the bug in one outage: one new pool per turn of the event loop.
      if (replacing || ended) return
      replacing = true
      setImmediate(() => {
        replacing = false
        if (ended) return
        const old = current
        current = create()
        retire(old)
      })
    },
    async end() {
      ended = true
      await Promise.all([current.end({ timeout: 5 }), ...retiring])
    },
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

/**
 * Rows of a read-only `query` run in one round trip, with these settings (planner settings, say)
 * in force for it alone. On PostgreSQL, the settings and the query go as one simple-protocol
 * message: its statements are one implicit transaction, so `set_config(..., true)` ends with the
 * query, and each statement is planned after the one before it has run. Through the extended
 * protocol a parameterized statement takes two round trips (postgres.js describes it first) and a
 * transaction around it three more, ~1.5 ms in all on the machines we measure on, on every search.
 * The query's values are written into it as escaped literals for that. PGlite runs in the
 * process, where a round trip costs next to nothing: there, a transaction and parameters.
 */
export async function queryRowsInOneTrip<Row>(db: Db, query: SQL, settings: Record<string, string> = {}): Promise<Row[]> {
  const entries = Object.entries(settings)
  if (!usesPostgresJs(db)) {
    if (entries.length === 0) return queryRows<Row>(db, query)
    return db.transaction(async (tx) => {
      await tx.execute(sql`select ${sql.join(entries.map(([name, value]) => sql`set_config(${name}, ${value}, true)`), sql`, `)}`)
      return queryRows<Row>(tx as unknown as Db, query)
    })
  }
  const text = literalDialect.sqlToQuery(sql`${query}`.inlineParams()).sql
  // A NUL would end the message early; PostgreSQL refuses it in a parameter too. Callers strip them.
  if (text.includes('\u0000')) throw new Error('A query value holds a NUL character, which PostgreSQL cannot take.')
  const preamble = entries.length > 0 ? `select ${entries.map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`).join(', ')};\n` : ''
  // A raw statement without parameters goes through postgres.js's simple protocol.
  const results = (await db.execute(sql.raw(preamble + text))) as unknown as Row[] | Row[][]
  return (entries.length > 0 ? (results as Row[][])[1] : results) as Row[]
}

/**
 * PostgreSQL's escape string syntax (E'...'), in which a backslash is an escape whatever
 * standard_conforming_strings says, so doubling backslashes and quotes always keeps the value a value.
 */
function literal(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/** Drizzle's PostgreSQL dialect writing inlined values with `literal`. */
class LiteralDialect extends PgDialect {
  override escapeString(text: string): string {
    return literal(text)
  }
}
const literalDialect = new LiteralDialect()

function usesPostgresJs(db: Db): boolean {
  const client = (db as unknown as { $client?: { unsafe?: unknown } }).$client
  return typeof client?.unsafe === 'function'
}

export async function checkDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`)
}
