import { sql } from 'drizzle-orm'
import { queryRows, type Db } from './client'

/**
 * The database's current MVCC snapshot as text (`xmin:xmax:xip,...`). Two reads that return the
 * same text see exactly the same committed data: the snapshot moves as soon as any transaction
 * that writes is given an id (xmax) or commits (leaves xip), and read-only work leaves it alone.
 * That makes it a stamp for anything read from the database: equal stamp, equal rows.
 */
export async function readSnapshot(db: Db): Promise<string> {
  const [row] = await queryRows<{ snapshot: string }>(db, sql`select pg_current_snapshot()::text as snapshot`)
  if (!row) throw new Error('pg_current_snapshot() returned no row')
  return row.snapshot
}
