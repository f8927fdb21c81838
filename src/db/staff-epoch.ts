import { sql } from 'drizzle-orm'
import { queryRows, type Db } from './client'

/**
 * The staff page epoch (migration 0032) as a column: it moves at the commit of every transaction
 * that writes a table the staff pages read, and in no other. Read it in the same statement as any
 * other part of a page's stamp, and before the page's data.
 */
export const staffEpochColumn = sql<string>`(select value::text from staff_page_epoch where id = 1)`

/** The stamp of a staff page that shows nothing of the forum beyond what the epoch covers. */
export async function readStaffEpoch(db: Db): Promise<string> {
  const [row] = await queryRows<{ epoch: string | null }>(db, sql`select ${staffEpochColumn} as epoch`)
  if (!row?.epoch) throw new Error('staff_page_epoch has no row (migration 0032)')
  return row.epoch
}
