import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { claimIdempotencyKey, completeIdempotentRequest, releaseIdempotentRequest } from '../../api'
import { hitRateLimit, type RateDecision } from '../../auth'
import type { ApiScope } from '../../db/schema'
import { resolveApiToken } from '../../queue'
import { AccountSuspendedError } from '../../errors'
import { suspendedMessage } from '../../safety'
import { clientIp } from '../client-ip'
import type { AppEnv } from '../types'
import { problem, ProblemError } from './problem'

/** Who is calling the API, and with what authority. */
export interface ApiCaller {
  via: 'token' | 'session' | 'anonymous'
  /** Who owns rate-limit windows and idempotency keys: `token:<id>`, `user:<id>`, or null. */
  owner: string | null
  /** A token's scopes; a session may do whatever its person may (scopes are for tokens). */
  scopes: readonly string[] | 'all'
  /** This request's hit on the caller's budget when it was counted with the token (see apiRateLimit). */
  rate?: RateDecision
}

export interface ApiEnv {
  Variables: AppEnv['Variables'] & { api: ApiCaller }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function bearerToken(c: Context): string | null | undefined {
  const header = c.req.header('authorization')
  if (header === undefined) return undefined
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match ? match[1]! : null
}

function unauthenticated(c: Context, detail: string, error?: string): ProblemError {
  c.header('WWW-Authenticate', `Bearer realm="api"${error ? `, error="${error}"` : ''}`)
  return new ProblemError({ status: 401, detail })
}

/**
 * Bearer token first (the token's owner becomes the actor: their role still decides what they
 * see); otherwise the session cookie for same-origin calls, which must then carry the CSRF
 * header on unsafe methods, as the app's forms do; otherwise anonymous.
 */
export function apiAuth(): MiddlewareHandler<ApiEnv> {
  return async function apiAuth(c, next) {
    const token = bearerToken(c)
    if (token !== undefined) {
      // The token, its last use and this request's hit on its budget: one statement.
      const rateLimit = { keyPrefix: `${API_RATE_LIMIT_KEY}token:`, rule: apiRateRule(c) }
      const credential = token ? await resolveApiToken(c.var.ctx.db, token, c.var.ctx.now(), { rateLimit }) : null
      if (!credential) throw unauthenticated(c, 'Send a valid, unrevoked API token: Authorization: Bearer <token>.', 'invalid_token')
      // The token is genuine but its owner is suspended: nothing, reads included, until it ends.
      // (src/web/errors.tsx answers it as the account-suspended problem, with suspendedUntil.)
      if (credential.suspension) throw new AccountSuspendedError(suspendedMessage(credential.suspension), credential.suspension.endsAt)
      c.set('ctx', { ...c.var.ctx, actor: credential.actor })
      c.set('api', { via: 'token', owner: `token:${credential.tokenId}`, scopes: credential.scopes, rate: credential.rate ?? undefined })
    } else if (c.var.actor) {
      if (UNSAFE.has(c.req.method)) {
        const cookie = getCookie(c, '__Host-csrf') ?? getCookie(c, 'csrf')
        const header = c.req.header('x-csrf-token')
        if (!cookie || !header || cookie !== header)
          return problem(c, { status: 403, type: 'csrf', detail: 'A session-authenticated change needs the X-CSRF-Token header (the value of the csrf cookie), as the app’s own pages send.' })
      }
      c.set('api', { via: 'session', owner: `user:${c.var.actor.id}`, scopes: 'all' })
    } else {
      c.set('api', { via: 'anonymous', owner: null, scopes: [] })
    }
    await next()
  }
}

/**
 * Refuses an anonymous caller (unless `anonymous`) with a 401, and a token without `scope` with
 * a 403 and `error="insufficient_scope"` (RFC 6750 section 3.1): the token is fine, it may not do this.
 */
export function requireScope(c: Context<ApiEnv>, scope: ApiScope, options: { anonymous: boolean }): void {
  const caller = c.var.api
  if (caller.via === 'anonymous') {
    if (options.anonymous) return
    throw unauthenticated(c, `Sign in, or send an API token with the ${scope} scope: Authorization: Bearer <token>.`)
  }
  if (caller.scopes === 'all' || caller.scopes.includes(scope)) return
  c.header('WWW-Authenticate', `Bearer realm="api", error="insufficient_scope", scope="${scope}"`)
  throw new ProblemError({ status: 403, type: 'insufficient-scope', detail: `This token lacks the ${scope} scope. Create a token with it at /account/tokens.` })
}

/** requireScope as route middleware, so refusals come before the request is even validated. */
export function scope(needed: ApiScope, options: { anonymous: boolean }): MiddlewareHandler<ApiEnv> {
  return async function scope(c, next) {
    requireScope(c, needed, options)
    await next()
  }
}

/** Counter rows per API caller: more than the pool's 10 connections, so collisions are rare. */
const API_RATE_LIMIT_SHARDS = 16
const API_RATE_LIMIT_KEY = 'api:'
const API_RATE_WINDOW_MS = 60_000

function apiRateRule(c: Context<ApiEnv>) {
  return { limit: c.var.deps.env.apiRateLimitPerMinute, windowMs: API_RATE_WINDOW_MS, shards: API_RATE_LIMIT_SHARDS }
}

/**
 * Per-caller request budget with the IETF draft's RateLimit-* headers: per token, per session
 * user, or per client address for anonymous calls. Counted in PostgreSQL, so all instances share it.
 */
export function apiRateLimit(): MiddlewareHandler<ApiEnv> {
  return async function apiRateLimit(c, next) {
    const rule = apiRateRule(c)
    const limit = rule.limit
    const key = `${API_RATE_LIMIT_KEY}${c.var.api.owner ?? `ip:${clientIp(c as unknown as Context<AppEnv>)}`}`
    // Sharded: one token's concurrent requests would otherwise queue on one counter row. A
    // token's hit was counted in the statement that resolved it, unless no window was current.
    const decision = c.var.api.rate ?? (await hitRateLimit(c.var.ctx.db, key, rule, c.var.ctx.now()))
    c.header('RateLimit-Limit', String(limit))
    c.header('RateLimit-Remaining', String(decision.remaining))
    c.header('RateLimit-Reset', String(decision.resetSeconds))
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds))
      return problem(c, { status: 429, detail: `Too many requests: at most ${limit} a minute. Retry in ${decision.retryAfterSeconds} seconds.` })
    }
    await next()
  }
}

/**
 * Idempotency-Key on creating requests: the key is claimed per caller before the request runs;
 * the first answer (status and body) is kept, a retry with the same request gets it again, a
 * retry while the first still runs gets a 409, and the same key with another request is a 422.
 * Answers that say "try again" (401, 403, 429, 5xx) are not kept: the key is released.
 */
export function idempotent(): MiddlewareHandler<ApiEnv> {
  return async function idempotent(c, next) {
    const key = c.req.header('idempotency-key')
    const owner = c.var.api.owner
    if (!key || !owner) return next()
    const db = c.var.ctx.db
    const path = new URL(c.req.url).pathname
    const body = await c.req.text()
    const requestHash = createHash('sha256').update(`${c.req.method} ${path}\n${body}`).digest('hex')
    const claim = await claimIdempotencyKey(db, { owner, key, method: c.req.method, path, requestHash, now: c.var.ctx.now() })
    if (claim.kind !== 'claimed' && claim.requestHash !== requestHash)
      throw new ProblemError({
        status: 422,
        type: 'idempotency-key-reused',
        detail: 'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
        errors: { 'Idempotency-Key': 'Already used with a different request.' },
      })
    if (claim.kind === 'running')
      throw new ProblemError({ status: 409, type: 'idempotency-key-in-use', detail: 'A request with this Idempotency-Key is still being processed. Retry in a moment.' })
    if (claim.kind === 'done') {
      c.header('Idempotent-Replayed', 'true')
      return c.body(claim.body, claim.status as 200, { 'Content-Type': claim.status >= 400 ? 'application/problem+json' : 'application/json' })
    }
    try {
      await next()
    } catch (error) {
      await releaseIdempotentRequest(db, claim.id)
      throw error
    }
    const status = c.res.status
    if (status >= 500 || status === 401 || status === 403 || status === 429) await releaseIdempotentRequest(db, claim.id)
    else await completeIdempotentRequest(db, claim.id, { status, body: await c.res.clone().text() })
  }
}
