import { eq, sql, type SQL } from 'drizzle-orm'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { preparedPerDb } from '../db/prepared'
import { sessions, users } from '../db/schema'
import { staffRoles } from '../policy'
import { requireAccountOpen, sanctionFromJson, sanctionInForceSql, type ActiveSanction } from '../safety'
import { generateToken, hashToken } from './tokens'

// Lucia's published session design: a session lives 30 days and slides forward whenever
// it is used in its second half, so active people stay signed in and idle ones expire.
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000
const RENEW_WHEN_LESS_THAN_MS = SESSION_LIFETIME_MS / 2

export interface IssuedSession {
  token: string
  expiresAt: Date
}

export interface ValidSession {
  actor: Actor
  expiresAt: Date
  /** True when the expiry moved forward, so the cookie must be sent again. */
  renewed: boolean
  unreadNotifications: number
  /** A silence in force: every page tells the person (what staff wrote, until when). */
  silence: ActiveSanction | null
  /** Posts waiting in /review, for staff (0 for everyone else). */
  pendingReviews: number
}

/**
 * `method` records how the person proved who they are ('sso' through a provider, else 'password').
 * Every way in (password, mailed link, reset, setup, sign-up, SSO) ends here, so a removed or
 * suspended account is refused here whatever door it came through.
 */
export async function createSession(db: Db, userId: number, now: Date, method: 'password' | 'sso' = 'password'): Promise<IssuedSession> {
  await requireAccountOpen(db, userId, now)
  const token = generateToken()
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS)
  await db.insert(sessions).values({ id: hashToken(token), userId, expiresAt, createdAt: now, signInMethod: method })
  return { token, expiresAt }
}

// Every signed-in request runs this, so it is prepared once per database handle.
const sessionStatement = preparedPerDb((db) =>
  db
    .select({
      expiresAt: sessions.expiresAt,
      id: users.id,
      role: users.role,
      displayName: users.displayName,
      email: users.email,
      organisationId: users.organisationId,
      // The header's unread count rides along with the session, so pages need no extra round trip.
      unreadNotifications: sql<number>`(select count(*)::int from notifications n where n.user_id = ${users.id} and n.read_at is null)`,
      // Sessions end when an account is suspended or removed; these make sure none outlives it.
      deleted: sql<boolean>`${users.deletedAt} is not null`,
      suspension: sanctionInForceSql(users.id, 'suspend', sql`${sql.placeholder('now')}::timestamptz`),
      silence: sanctionInForceSql(users.id, 'silence', sql`${sql.placeholder('now')}::timestamptz`),
      // Staff's header count of /review: an index-only count of the pending entries (review_items_pending_idx).
      pendingReviews: sql<number>`case when ${users.role} in (${sql.join(staffRoles.map((role) => sql`${role}`), sql`, `)}) then (select count(*)::int from review_items ri where ri.status = 'pending') else 0 end`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('sessionId')))
    .prepare('session_actor'),
)

/** A session its owner's suspension ended: the person is signed out, and told why (once: the row goes now). */
export interface SuspendedSession {
  suspension: ActiveSanction
}

export async function validateSessionToken(db: Db, token: string, now: Date): Promise<ValidSession | SuspendedSession | null> {
  const sessionId = hashToken(token)
  const [row] = await sessionStatement(db).execute({ sessionId, now: now.toISOString() })
  return settleSession(db, sessionId, row ?? null, now)
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionStatement>['execute']>>[number]

/**
 * What a session row read (by the session statement, or as the `sessionColumn` of another
 * statement) means: a valid session (its expiry slid forward when due), one its owner's
 * suspension ended, or none (expired, removed account: the row is deleted).
 */
async function settleSession(db: Db, sessionId: string, row: SessionRow | null, now: Date): Promise<ValidSession | SuspendedSession | null> {
  if (!row) return null
  if (row.expiresAt.getTime() <= now.getTime() || row.deleted || row.suspension) {
    await db.delete(sessions).where(eq(sessions.id, sessionId))
    // A suspension ends sessions by expiring them (sanctionAccount), so the row is still here
    // for the next request to say why rather than seem signed out for no reason.
    const suspension = row.deleted ? null : sanctionFromJson(row.suspension)
    return suspension ? { suspension } : null
  }
  const { expiresAt, unreadNotifications, deleted: _deleted, suspension: _suspension, silence: silenceJson, pendingReviews, ...actor } = row
  const extras = { unreadNotifications, silence: sanctionFromJson(silenceJson), pendingReviews }
  if (expiresAt.getTime() - now.getTime() < RENEW_WHEN_LESS_THAN_MS) {
    const renewedUntil = new Date(now.getTime() + SESSION_LIFETIME_MS)
    await db.update(sessions).set({ expiresAt: renewedUntil }).where(eq(sessions.id, sessionId))
    return { actor, expiresAt: renewedUntil, renewed: true, ...extras }
  }
  return { actor, expiresAt, renewed: false, ...extras }
}

// --- The session read inside another statement ----------------------------------------------
// The busiest signed-in pages (lists, a thread) read the session in their own page statement,
// so a member's page costs one round trip as a visitor's does (src/web/session.ts, companions).
// Placeholders: `sessionId` (the token's hash, see sessionIdOf) and `now`.

const atNow = sql`${sql.placeholder('now')}::timestamptz`
const sessionUser = sql.raw('session_user_row')

/**
 * The session and its person as one JSON column (null when there is no such session), holding
 * what the session statement reads; read it back with validateSessionColumn.
 */
export const sessionColumn: SQL<unknown> = sql`(select json_build_object(
    'expiresAt', s.expires_at, 'id', ${sessionUser}.id, 'role', ${sessionUser}.role, 'displayName', ${sessionUser}.display_name,
    'email', ${sessionUser}.email, 'organisationId', ${sessionUser}.organisation_id,
    'unreadNotifications', (select count(*)::int from notifications n where n.user_id = ${sessionUser}.id and n.read_at is null),
    'deleted', ${sessionUser}.deleted_at is not null,
    'suspension', ${sanctionInForceSql(sql`${sessionUser}.id`, 'suspend', atNow)},
    'silence', ${sanctionInForceSql(sql`${sessionUser}.id`, 'silence', atNow)},
    'pendingReviews', case when ${sessionUser}.role in (${sql.join(staffRoles.map((role) => sql`${role}`), sql`, `)})
                      then (select count(*)::int from review_items ri where ri.status = 'pending') else 0 end)
  from sessions s join users ${sessionUser} on ${sessionUser}.id = s.user_id where s.id = ${sql.placeholder('sessionId')})`

/**
 * The id of the person whose session it is when validateSessionColumn will accept it (not expired,
 * account neither removed nor suspended), else 0: for the per-viewer parts of the same statement
 * (their votes, watches, reads), so a session about to be refused reads as a visitor.
 */
export const sessionViewerIdSql: SQL<number> = sql<number>`coalesce((select s.user_id from sessions s join users ${sessionUser} on ${sessionUser}.id = s.user_id
   where s.id = ${sql.placeholder('sessionId')} and s.expires_at > ${atNow} and ${sessionUser}.deleted_at is null
     and ${sanctionInForceSql(sql`${sessionUser}.id`, 'suspend', atNow)} is null), 0)`

/** Whether the person sessionViewerIdSql names is staff (false for a visitor): what staff see of hidden posts. */
export const sessionViewerIsStaffSql: SQL<boolean> = sql<boolean>`exists (select 1 from users staff_viewer
   where staff_viewer.id = ${sessionViewerIdSql} and staff_viewer.role in (${sql.join(staffRoles.map((role) => sql`${role}`), sql`, `)}))`

export function sessionIdOf(token: string): string {
  return hashToken(token)
}

interface SessionJson extends Omit<SessionRow, 'expiresAt'> {
  expiresAt: string
}

/** validateSessionToken for a session read as `sessionColumn` by another statement. */
export function validateSessionColumn(db: Db, token: string, value: unknown, now: Date): Promise<ValidSession | SuspendedSession | null> {
  const json = (typeof value === 'string' ? JSON.parse(value) : value) as SessionJson | null
  return settleSession(db, sessionIdOf(token), json ? { ...json, expiresAt: new Date(json.expiresAt) } : null, now)
}

export async function invalidateSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, hashToken(token)))
}
