import { PgTransaction } from 'drizzle-orm/pg-core'
import type { Role } from './db/schema'
import type { Db } from './db/client'
import type { MailSettings } from './mail/settings'
import type { SearchIndex } from './search/types'

/** Who is acting. Anonymous visitors are `null`. */
export interface Actor {
  id: number
  role: Role
  displayName: string
  email: string
  organisationId: number | null
}

/** What every verb and query receives: the actor, the database (or the open transaction), the clock. */
export interface Ctx {
  actor: Actor | null
  db: Db
  now: () => Date
  requestId: string
  /** The configured search engine; the app always provides it, batch jobs only when they search. */
  search?: SearchIndex
  /** Where mail links point and who mail is from; the app always provides it, verbs that mail require it. */
  mail?: MailSettings
  /** The client's address (web requests only), for the per-address write limits. */
  clientIp?: string
  /**
   * Whether per-minute write limits apply (src/safety). The web app sets it from WRITE_RATE_LIMITS;
   * jobs, imports and inbound mail leave it unset, as they are not a visitor clicking.
   */
  writeLimits?: boolean
  /** ALLOW_PASSWORD_SIGN_IN: passwords work whatever the sign-in policy says (the way back in for a locked-out admin). */
  passwordSignInOverride?: boolean
  /** SSO_ALLOW_PRIVATE_NETWORK: identity providers may be on private or loopback addresses (the SSRF guard lets them through). */
  ssoPrivateNetwork?: boolean
}

export interface VerbArgs<Input = unknown> {
  ctx: Ctx
  input: Input
}

/**
 * Runs `work` in one transaction, reusing the caller's transaction when `ctx` already holds
 * one, so verbs compose (a verb called from another verb joins its transaction).
 */
export async function inTransaction<T>(ctx: Ctx, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db instanceof PgTransaction) return work(ctx)
  return ctx.db.transaction((tx) => work({ ...ctx, db: tx as unknown as Db }))
}
