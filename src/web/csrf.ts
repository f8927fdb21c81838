import type { Context, MiddlewareHandler } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'
import { HTTPException } from 'hono/http-exception'
import { generateToken } from '../auth/tokens'
import { isSecure } from './session'
import type { AppEnv } from './types'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const TOKEN_SHAPE = /^[a-z2-7]{32}$/
/**
 * RFC 8058 one-click unsubscribe: the mail provider POSTs `List-Unsubscribe=One-Click` to the
 * URL in the mail's List-Unsubscribe header, from its own servers, with no cookie and no form
 * token. CSRF protects what a browser's cookies authorise; this POST uses no session at all (the
 * signed token in the path is the authority, and all it can do is stop one kind of mail), so
 * exactly this path is exempt.
 */
const ONE_CLICK_UNSUBSCRIBE = /^\/mail\/unsubscribe\/[a-z2-7]{32}$/

export const CSRF_FAILED =
  'This form could not be accepted because it expired or came from another site. Go back, reload the page and submit it again.'

/**
 * Two independent checks on every state-changing request:
 * 1. the request comes from our own origin (Origin or Sec-Fetch-Site, when the browser sends them);
 * 2. it carries the per-browser token (double-submit: a hidden `_csrf` field or an
 *    X-CSRF-Token header equal to the HttpOnly cookie), which another site cannot read.
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async function csrfProtection(c, next) {
    const secure = isSecure(c)
    const cookieName = secure ? '__Host-csrf' : 'csrf'
    const existing = getCookie(c, cookieName)
    const hadToken = !!existing && TOKEN_SHAPE.test(existing)
    const token = hadToken ? existing! : generateToken()
    c.set('csrfToken', token)

    // The JSON API checks its own: bearer tokens need none, and a session call must send the
    // X-CSRF-Token header (src/web/api/middleware.ts), answering problem+json rather than a page.
    const oneClick = c.req.method === 'POST' && ONE_CLICK_UNSUBSCRIBE.test(c.req.path)
    if (UNSAFE_METHODS.has(c.req.method) && !c.req.path.startsWith('/api/') && !oneClick) {
      if (!fromOwnOrigin(c)) throw new HTTPException(403, { message: CSRF_FAILED })
      const submitted = c.req.header('x-csrf-token') ?? (await submittedField(c))
      if (!hadToken || !submitted || !constantTimeEqual(submitted, token)) throw new HTTPException(403, { message: CSRF_FAILED })
    }
    await next()
    // Only pages carry forms; feeds, sitemaps and assets stay cookie-free and cacheable.
    if (!hadToken && c.res.headers.get('content-type')?.startsWith('text/html')) {
      const cookie = generateCookie(cookieName, token, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: 60 * 60 * 24 * 365 })
      c.res.headers.append('Set-Cookie', cookie)
    }
  }
}

function fromOwnOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin')
  if (origin) {
    const allowed = new Set([new URL(c.req.url).origin, new URL(c.var.deps.env.publicUrl).origin])
    return allowed.has(origin)
  }
  const site = c.req.header('sec-fetch-site')
  return !site || site === 'same-origin' || site === 'none'
}

async function submittedField(c: Context<AppEnv>): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined
  try {
    const body = await c.req.parseBody()
    const value = body._csrf
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}
