import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { validateSessionToken } from '../auth'
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

/** Reads the session cookie, validates it against the database and slides its expiry. */
export function loadSession(): MiddlewareHandler<AppEnv> {
  return async function loadSession(c, next) {
    const { database, clock } = c.var.deps
    const token = getCookie(c, sessionCookieName(isSecure(c)))
    c.set('actor', null)
    c.set('sessionToken', undefined)
    c.set('unreadNotifications', 0)
    c.set('silence', null)
    c.set('pendingReviews', 0)
    c.set('endedBySuspension', null)
    if (token) {
      const session = TOKEN_SHAPE.test(token) ? await validateSessionToken(database.db, token, clock.now()) : null
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
