import { asc, eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { teamMembers } from '../db/schema'

/**
 * The team a person's team pages open on: the first (by slug) they are a member of, or null
 * when they belong to none. Served by team_members_user_idx.
 */
export async function firstTeamOf(db: Db, userId: number): Promise<string | null> {
  const [row] = await db.select({ teamSlug: teamMembers.teamSlug }).from(teamMembers).where(eq(teamMembers.userId, userId)).orderBy(asc(teamMembers.teamSlug)).limit(1)
  return row?.teamSlug ?? null
}
