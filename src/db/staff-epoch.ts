import { eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from './client'
import { preparedPerDb } from './prepared'
import { staffPageEpoch } from './schema'

// The staff page epoch (migration 0032) moves at the commit of every transaction that writes a
// table the staff pages read, and in no other. A page's stamp reads it, with anything else the
// page shows that moves without it, in one prepared statement before the page's data.

/** A column another layer wants read in the stamp's round trip (the session), with its placeholders' values. */
export interface StampAlongside {
  column: SQL
  params: Record<string, unknown>
}

export interface StaffStamp {
  stamp: string
  /** The `alongside` column's value when one was asked for. */
  alongside?: unknown
}

/**
 * A staff page's stamp statement: the epoch and `extra` (columns over placeholders, e.g. the
 * revisions of the threads the page shows) in one row, prepared once per connection as `name`
 * (and once more per column read alongside). Read it before the page's data: both move in the
 * same commit, so a page kept under a stamp is never older than the stamp. It says nothing a
 * viewer may not know (counters and revisions), so it may be read before the role check.
 */
export function staffStampStatement(name: string, extra?: SQL<string>) {
  const stamp = extra ? sql<string>`${staffPageEpoch.value}::text || ':' || ${extra}` : sql<string>`${staffPageEpoch.value}::text`
  const variants = new Map<SQL | null, ReturnType<typeof build>>()
  const build = (column: SQL | null, variant: number) =>
    preparedPerDb((db: Db) =>
      db
        .select({ stamp, alongside: sql<unknown>`${column ?? sql`null`}` })
        .from(staffPageEpoch)
        .where(eq(staffPageEpoch.id, 1))
        .prepare(variant === 0 ? name : `${name}_${variant}`),
    )
  return async (db: Db, params: Record<string, unknown> = {}, alongside?: StampAlongside): Promise<StaffStamp> => {
    const column = alongside?.column ?? null
    let statement = variants.get(column)
    if (!statement) variants.set(column, (statement = build(column, variants.size)))
    const [row] = await statement(db).execute({ ...params, ...alongside?.params })
    if (!row) throw new Error('staff_page_epoch has no row (migration 0032)')
    return alongside ? { stamp: row.stamp, alongside: row.alongside } : { stamp: row.stamp }
  }
}

const epochStamp = staffStampStatement('staff_page_epoch')

/** The stamp of a staff page that shows nothing of the forum beyond what the epoch covers (the board, rotations). */
export function readStaffEpoch(db: Db, alongside?: StampAlongside): Promise<StaffStamp> {
  return epochStamp(db, {}, alongside)
}
