import { eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from './client'
import { preparedPerDb } from './prepared'
import { staffPageEpoch } from './schema'

// The staff page epoch (migration 0032) moves at the commit of every transaction that writes a
// table the staff pages read, and in no other. A page's stamp reads it, with anything else the
// page shows that moves without it, in one prepared statement before the page's data.

/**
 * A staff page's stamp statement: the epoch and `extra` (columns over placeholders, e.g. the
 * revisions of the threads the page shows) in one row, prepared once per connection as `name`.
 * Read it before the page's data: both move in the same commit, so a page kept under a stamp is
 * never older than the stamp.
 */
export function staffStampStatement(name: string, extra?: SQL<string>) {
  return preparedPerDb((db: Db) =>
    db
      .select({ stamp: extra ? sql<string>`${staffPageEpoch.value}::text || ':' || ${extra}` : sql<string>`${staffPageEpoch.value}::text` })
      .from(staffPageEpoch)
      .where(eq(staffPageEpoch.id, 1))
      .prepare(name),
  )
}

const epochStatement = staffStampStatement('staff_page_epoch')

/** The stamp of a staff page that shows nothing of the forum beyond what the epoch covers. */
export async function readStaffEpoch(db: Db): Promise<string> {
  const [row] = await epochStatement(db).execute()
  if (!row) throw new Error('staff_page_epoch has no row (migration 0032)')
  return row.stamp
}
