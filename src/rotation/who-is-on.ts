import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'

export interface OnRotation {
  rotationId: number
  /** Null when the rotation has nobody for this instant (a gap, or no rotation planned yet). */
  userId: number | null
  displayName: string | null
  /** True when an override covers the instant. */
  override: boolean
  /** When the current shift (or override) ends. */
  until: Date | null
}

/**
 * The one answer to "who is on rotation for team T at instant X": an override for that
 * instant, else the planned shift. Every part of the product asks this function.
 */
export async function whoIsOnRotation(db: Db, teamSlug: string, at: Date): Promise<OnRotation | null> {
  const instant = at.toISOString()
  const [row] = await queryRows<{ rotation_id: number; user_id: number | null; display_name: string | null; override: boolean; until: string | null }>(
    db,
    sql`
      select r.id as rotation_id, coalesce(o.user_id, s.user_id) as user_id, u.display_name, o.id is not null as override,
        coalesce(o.ends_at, s.ends_at)::text as until
      from rotations r
      left join lateral (
        select user_id, ends_at, id from rotation_overrides
        where rotation_id = r.id and starts_at <= ${instant}::timestamptz and ends_at > ${instant}::timestamptz
        order by created_at desc limit 1) o on true
      left join lateral (
        select user_id, ends_at from rotation_shifts
        where rotation_id = r.id and starts_at <= ${instant}::timestamptz and ends_at > ${instant}::timestamptz
        limit 1) s on true
      left join users u on u.id = coalesce(o.user_id, s.user_id)
      where r.team_slug = ${teamSlug}`,
  )
  if (!row) return null
  return {
    rotationId: row.rotation_id,
    userId: row.user_id,
    displayName: row.display_name,
    override: row.override,
    until: row.until ? new Date(row.until) : null,
  }
}

/** Who takes over after `at`: the person on the next shift that is someone else. */
export async function nextOnRotation(db: Db, rotationId: number, after: Date, exceptUserId: number | null): Promise<number | null> {
  const [row] = await queryRows<{ user_id: number }>(
    db,
    sql`
      select user_id from rotation_shifts
      where rotation_id = ${rotationId} and starts_at >= ${after.toISOString()}::timestamptz
        and user_id is not null ${exceptUserId ? sql`and user_id <> ${exceptUserId}` : sql``}
      order by starts_at limit 1`,
  )
  return row?.user_id ?? null
}
