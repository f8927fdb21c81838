import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { sessionColumn, sessionIdOf, sessionViewerIdSql, sessionViewerIsStaffSql, validateSessionColumn, validateSessionToken, type SuspendedSession, type ValidSession } from '../auth'
import type { Db } from '../db/client'
import { AccountSuspendedError } from '../errors'
import { suspendedMessage } from '../safety'
import type { AppEnv } from './types'

const TOKEN_SHAPE = /^[a-z2-7]{32}$/

export function sessionCookieName(secure: boolean): string {
  // __Host- cookies are HTTPS-only, bound to this host and path "/": no subdomain can set them.
  return secure ? '__Host-session' : 'session'
}

export function isSecure(c: Context<AppEnv>): boolean {
  return c.var.deps.env.publicUrl.startsWith('https://')
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  const secure = isSecure(c)
  setCookie(c, sessionCookieName(secure), token, {
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    path: '/',
    expires: expiresAt,
  })
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const secure = isSecure(c)
  deleteCookie(c, sessionCookieName(secure), { path: '/', secure, httpOnly: true, sameSite: 'Lax' })
}

/**
 * The session read inside a page's own statement, so a signed-in page costs the round trips a
 * visitor's does (one, for a kept list or thread page). A companion recognises the requests of
 * one page (a GET it serves) and runs that page's statement with `viewer.column` (the session,
 * see sessionColumn) alongside; `viewer.me` stands for the viewer's id in its per-viewer parts.
 * The route takes what was read with `takePrefetched` under the same key, or reads it itself.
 */
export interface SessionCompanion {
  match(c: Context<AppEnv>): { key: string; read(db: Db, viewer: SessionInStatement): Promise<{ session: unknown; value: unknown }> } | null
}

/** The session as parts of another statement (placeholders `sessionId` and `now`, in `params`). */
export interface SessionInStatement {
  column: typeof sessionColumn
  me: typeof sessionViewerIdSql
  staff: typeof sessionViewerIsStaffSql
  params: { sessionId: string; now: string }
}

/** What a companion read for this request under `key`, once; undefined when it read nothing for it. */
export function takePrefetched<T>(c: Context<AppEnv>, key: string): T | undefined {
  const prefetched = c.var.prefetched
  if (!prefetched || prefetched.key !== key) return undefined
  c.set('prefetched', undefined)
  return prefetched.value as T
}

/** Reads the session cookie, validates it against the database and slides its expiry. */
export function loadSession(options: { companions?: readonly SessionCompanion[] } = {}): MiddlewareHandler<AppEnv> {
  const companions = options.companions ?? []
  return async function loadSession(c, next) {
    const { database, clock } = c.var.deps
    const token = getCookie(c, sessionCookieName(isSecure(c)))
    c.set('actor', null)
    c.set('sessionToken', undefined)
    c.set('unreadNotifications', 0)
    c.set('silence', null)
    c.set('pendingReviews', 0)
    c.set('endedBySuspension', null)
    c.set('prefetched', undefined)
    if (token) {
      const session = TOKEN_SHAPE.test(token) ? await readSession(c, database.db, companions, token, clock.now()) : null
      if (session && 'suspension' in session) {
        clearSessionCookie(c)
        c.set('endedBySuspension', session.suspension)
      } else if (session) {
        c.set('actor', session.actor)
        c.set('sessionToken', token)
        c.set('unreadNotifications', session.unreadNotifications)
        c.set('silence', session.silence)
        c.set('pendingReviews', session.pendingReviews)
        if (session.renewed) setSessionCookie(c, token, session.expiresAt)
      } else {
        clearSessionCookie(c)
      }
    }
    await next()
  }
}

async function readSession(
  c: Context<AppEnv>,
  db: Db,
  companions: readonly SessionCompanion[],
  token: string,
  now: Date,
): Promise<ValidSession | SuspendedSession | null> {
  const page = c.req.method === 'GET' ? firstMatch(companions, c) : null
  if (!page) return validateSessionToken(db, token, now)
  let read: { session: unknown; value: unknown }
  try {
    read = await page.read(db, { column: sessionColumn, me: sessionViewerIdSql, staff: sessionViewerIsStaffSql, params: { sessionId: sessionIdOf(token), now: now.toISOString() } })
  } catch {
    // Whatever the page's statement refuses (a malformed address), the route meets again itself
    // and answers as it always has; the session is read on its own.
    return validateSessionToken(db, token, now)
  }
  c.set('prefetched', { key: page.key, value: read.value })
  const session = read.session
  return validateSessionColumn(db, token, session, now)
}

function firstMatch(companions: readonly SessionCompanion[], c: Context<AppEnv>) {
  for (const companion of companions) {
    const page = companion.match(c)
    if (page) return page
  }
  return null
}

/**
 * After the request context exists (so the answer is a full page): a person whose session their
 * suspension ended is told so by this request, whatever it asked for, instead of finding
 * themselves signed out with no reason; the cookie is cleared, so the next request is a visitor's.
 */
export function explainEndedSession(): MiddlewareHandler<AppEnv> {
  return async function explainEndedSession(c, next) {
    const suspension = c.var.endedBySuspension
    if (suspension) throw new AccountSuspendedError(suspendedMessage(suspension), suspension.endsAt)
    await next()
  }
}
