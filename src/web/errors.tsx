import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { ErrorFragment, ErrorPage } from '../../views/errors'
import { asDatabaseUnavailable } from '../db/unavailable'
import { AccountSuspendedError, DatabaseUnavailableError, DomainError, RateLimitedError, UnauthenticatedError, ValidationError } from '../errors'
import type { Chrome } from '../../views/layout'
import { problem, ProblemError } from './api/problem'
import { chrome } from './chrome'
import { isHtmx, safeNext } from './htmx'
import type { AppEnv } from './types'

const STATUS: Record<DomainError['code'], ContentfulStatusCode> = {
  validation: 422,
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
}

const TITLES: Partial<Record<number, string>> = {
  400: 'That request could not be read',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'That cannot be done right now',
  413: 'That is too large',
  422: 'Please check what you sent',
  429: 'Slow down a little',
  503: 'Temporarily unavailable',
}

/** The one place domain errors and HTTP errors become responses. Never a stack trace. */
const isApi = (c: Context<AppEnv>) => c.req.path.startsWith('/api/')

export function handleError(error: Error, c: Context<AppEnv>): Response | Promise<Response> {
  if (error instanceof UnauthenticatedError && !isApi(c)) return sendToSignIn(c)
  // A database restart or failover: the driver's connection errors become one typed error here.
  const unavailable = asDatabaseUnavailable(error)
  if (unavailable) {
    c.var.deps.logger.warn({ requestId: c.var.requestId, path: c.req.path, reason: unavailable.reason }, 'database unavailable')
    error = unavailable
  }
  if (error instanceof ProblemError) return problem(c, error.problem)
  // Programs learn when to try again; people read staff's words under a heading that says it.
  if (error instanceof AccountSuspendedError)
    return isApi(c)
      ? problem(c, { status: 403, type: 'account-suspended', title: 'Account suspended', detail: error.message, extensions: { suspendedUntil: error.until?.toISOString() ?? null } })
      : render(c, 403, error.message, undefined, 'Your account is suspended')
  if (error instanceof DomainError) {
    if (error instanceof RateLimitedError || error instanceof DatabaseUnavailableError) c.header('Retry-After', String(error.retryAfterSeconds))
    if (error instanceof ValidationError && isApi(c)) return render(c, 422, Object.values(error.fields).join(' '), error.fields)
    return render(c, STATUS[error.code], error.message)
  }
  if (error instanceof HTTPException && error.status < 500) {
    return render(c, error.status as ContentfulStatusCode, error.message || TITLES[error.status] || 'Bad request')
  }
  c.var.deps.logger.error({ err: error, requestId: c.var.requestId, path: c.req.path }, 'request failed')
  return render(c, 500, `Something went wrong on our side. Nothing you sent is lost. Reference: ${c.var.requestId ?? 'n/a'}.`)
}

export function handleNotFound(c: Context<AppEnv>): Response | Promise<Response> {
  return render(c, 404, 'There is nothing at this address. It may have moved, or the link may be mistyped.')
}

function render(c: Context<AppEnv>, status: ContentfulStatusCode, message: string, fields?: Record<string, string>, heading?: string) {
  // The JSON API answers with RFC 9457 problem details, with the same messages.
  if (isApi(c)) return problem(c, { status, detail: message, ...(fields ? { errors: fields } : {}) })
  if (isHtmx(c)) return c.html(<ErrorFragment message={message} />, status)
  const title = heading ?? (status >= 500 && status !== 503 ? 'Something went wrong' : (TITLES[status] ?? 'Something is not right'))
  // A 503 can come before the request context exists (the session lookup needs the database).
  if (!c.var.ctx) return status === 503 ? c.html(<ErrorPage chrome={bareChrome(c)} status={status} title={title} message={message} />, status) : c.text(message, status)
  return c.html(<ErrorPage chrome={chrome(c)} status={status} title={title} message={message} />, status)
}

/** The page frame for a visitor the app could not identify yet: signed out, no notifications. */
function bareChrome(c: Context<AppEnv>): Chrome {
  const { env, assets, clock } = c.var.deps
  const url = new URL(c.req.url)
  return {
    siteName: env.siteName,
    viewer: null,
    csrfToken: c.var.csrfToken ?? '',
    now: clock.now(),
    path: url.pathname + url.search,
    publicUrl: env.publicUrl,
    assets: assets.urls,
  }
}

/** Anonymous visitors who need an account go to sign-in and come back where they were. */
function sendToSignIn(c: Context<AppEnv>): Response {
  const here = new URL(c.req.url)
  let back = here.pathname + here.search
  if (c.req.method !== 'GET') {
    const referer = c.req.header('referer')
    const refererUrl = referer && URL.canParse(referer) ? new URL(referer) : null
    back = refererUrl && refererUrl.origin === here.origin ? refererUrl.pathname + refererUrl.search : '/'
  }
  const target = `/login?next=${encodeURIComponent(safeNext(back))}`
  if (isHtmx(c)) {
    c.header('HX-Redirect', target)
    return c.body(null, 204)
  }
  return c.redirect(target, c.req.method === 'GET' ? 302 : 303)
}
