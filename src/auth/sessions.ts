import { eq, sql } from 'drizzle-orm'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { preparedPerDb } from '../db/prepared'
import { sessions, users } from '../db/schema'
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
}

/** `method` records how the person proved who they are ('sso' through a provider, else 'password'). */
export async function createSession(db: Db, userId: number, now: Date, method: 'password' | 'sso' = 'password'): Promise<IssuedSession> {
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
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('sessionId')))
    .prepare('session_actor'),
)

export async function validateSessionToken(db: Db, token: string, now: Date): Promise<ValidSession | null> {
  const sessionId = hashToken(token)
  const [row] = await sessionStatement(db).execute({ sessionId })
  if (!row) return null
  if (row.expiresAt.getTime() <= now.getTime()) {
    await db.delete(sessions).where(eq(sessions.id, sessionId))
    return null
  }
  const { expiresAt, unreadNotifications, ...actor } = row
  if (expiresAt.getTime() - now.getTime() < RENEW_WHEN_LESS_THAN_MS) {
    const renewedUntil = new Date(now.getTime() + SESSION_LIFETIME_MS)
    await db.update(sessions).set({ expiresAt: renewedUntil }).where(eq(sessions.id, sessionId))
    return { actor, expiresAt: renewedUntil, renewed: true, unreadNotifications }
  }
  return { actor, expiresAt, renewed: false, unreadNotifications }
}

export async function invalidateSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, hashToken(token)))
}
