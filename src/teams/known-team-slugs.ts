import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'

/** Teams that exist: those configured, and those that categories route to. */
export async function knownTeamSlugs(db: Db): Promise<string[]> {
  const rows = await queryRows<{ slug: string }>(db, sql`select slug from teams union select distinct team from categories order by 1`)
  return rows.map((row) => row.slug)
}
