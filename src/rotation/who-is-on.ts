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

type OnRotationRow = { rotation_id: number; team_slug: string; user_id: number | null; display_name: string | null; override: boolean; until: string | null }

/**
 * The one query behind "who is on rotation for team T at instant X": an override for that
 * instant, else the planned shift. For one team, or for every team at once (the board header
 * and the rotations page ask for all of them in one round trip).
 */
function onRotationRows(db: Db, at: Date, teamSlug: string | null): Promise<OnRotationRow[]> {
  const instant = at.toISOString()
  return queryRows<OnRotationRow>(
    db,
    sql`
      select r.id as rotation_id, r.team_slug, coalesce(o.user_id, s.user_id) as user_id, u.display_name, o.id is not null as override,
        coalesce(o.ends_at, s.ends_at)::text as until
      from rotations r
      left join lateral (
        select ro.user_id, ro.ends_at, ro.id from rotation_overrides ro
        where ro.rotation_id = r.id and ro.starts_at <= ${instant}::timestamptz and ro.ends_at > ${instant}::timestamptz
        order by ro.created_at desc limit 1) o on true
      left join lateral (
        select rs.user_id, rs.ends_at from rotation_shifts rs
        where rs.rotation_id = r.id and rs.starts_at <= ${instant}::timestamptz and rs.ends_at > ${instant}::timestamptz
        limit 1) s on true
      left join users u on u.id = coalesce(o.user_id, s.user_id)
      ${teamSlug === null ? sql`` : sql`where r.team_slug = ${teamSlug}`}
      order by r.team_slug`,
  )
}

const toOnRotation = (row: OnRotationRow): OnRotation => ({
  rotationId: row.rotation_id,
  userId: row.user_id,
  displayName: row.display_name,
  override: row.override,
  until: row.until ? new Date(row.until) : null,
})

/** The one answer to "who is on rotation for team T at instant X". Every part of the product asks this function (or its batch below). */
export async function whoIsOnRotation(db: Db, teamSlug: string, at: Date): Promise<OnRotation | null> {
  const [row] = await onRotationRows(db, at, teamSlug)
  return row ? toOnRotation(row) : null
}

/** Who is on rotation at instant X for every team that has a rotation, by team slug. */
export async function whoIsOnRotations(db: Db, at: Date): Promise<Map<string, OnRotation>> {
  const rows = await onRotationRows(db, at, null)
  return new Map(rows.map((row) => [row.team_slug, toOnRotation(row)]))
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
