import { and, eq, isNull } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import type { Db } from '../db/client'
import { actionTokens, type ActionTokenPurpose } from '../db/schema'
import { NotFoundError } from '../errors'
import type { MailSettings } from '../mail'
import { generateToken, hashToken } from './tokens'

// Account links (reset, verify, change of address) are action tokens: random, stored only as
// their SHA-256, single-use (used_at) and expiring. A new one retires the person's older ones
// of the same purpose, so only the latest mail's link works.

export const PASSWORD_RESET_LIFETIME_MS = 60 * 60 * 1000
export const VERIFY_EMAIL_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000
export const CHANGE_EMAIL_LIFETIME_MS = 24 * 60 * 60 * 1000

export type AccountTokenPurpose = Extract<ActionTokenPurpose, 'password_reset' | 'verify_email' | 'change_email'>
/** Account links plus the mailed sign-in link (which has no confirm page of its own in /account). */
export type LinkTokenPurpose = AccountTokenPurpose | 'sign_in_link'

export interface IssuedActionToken {
  id: number
  token: string
  expiresAt: Date
}

export async function issueActionToken(
  db: Db,
  args: { purpose: LinkTokenPurpose; userId: number; data?: Record<string, unknown>; lifetimeMs: number; now: Date },
): Promise<IssuedActionToken> {
  const { purpose, userId, now } = args
  await db
    .update(actionTokens)
    .set({ usedAt: now })
    .where(and(eq(actionTokens.userId, userId), eq(actionTokens.purpose, purpose), isNull(actionTokens.usedAt)))
  const token = generateToken()
  const expiresAt = new Date(now.getTime() + args.lifetimeMs)
  const [row] = await db
    .insert(actionTokens)
    .values({ tokenHash: hashToken(token), purpose, userId, data: args.data ?? {}, expiresAt, createdAt: now })
    .returning({ id: actionTokens.id })
  return { id: row!.id, token, expiresAt }
}

export type TokenState = 'live' | 'used' | 'expired' | 'unknown'

export interface CheckedToken {
  state: TokenState
  id: number
  userId: number
  data: Record<string, unknown>
  expiresAt: Date
}

/** Where a link stands, without using it. `forUpdate` locks the row for the verb that will use it. */
export async function checkActionToken(
  db: Db,
  token: string,
  purpose: LinkTokenPurpose,
  now: Date,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<CheckedToken | { state: 'unknown' }> {
  const query = db
    .select()
    .from(actionTokens)
    .where(and(eq(actionTokens.tokenHash, hashToken(token)), eq(actionTokens.purpose, purpose)))
  const [row] = forUpdate ? await query.for('update') : await query
  if (!row) return { state: 'unknown' }
  const state: TokenState = row.usedAt ? 'used' : row.expiresAt.getTime() <= now.getTime() ? 'expired' : 'live'
  return { state, id: row.id, userId: row.userId, data: row.data, expiresAt: row.expiresAt }
}

/** A link that cannot act (used, expired or never issued); the page says which and what to do. */
export class UnusableLinkError extends NotFoundError {
  constructor(
    readonly state: Exclude<TokenState, 'live'>,
    what: string,
  ) {
    super(what)
    this.message = unusableLinkMessage(state, what)
  }
}

export function unusableLinkMessage(state: Exclude<TokenState, 'live'>, what: string): string {
  if (state === 'used') return `${what} has been used already (or a newer one replaced it). Each link works once.`
  if (state === 'expired') return `${what} has expired.`
  return `${what} is not valid. Check that you copied the whole link from the mail.`
}

/** Takes a live token (locked) or throws the reason it cannot act; the caller marks it used. */
export async function takeActionToken(db: Db, token: string, purpose: LinkTokenPurpose, now: Date, what: string): Promise<CheckedToken> {
  const checked = await checkActionToken(db, token, purpose, now, { forUpdate: true })
  if (checked.state !== 'live') throw new UnusableLinkError(checked.state, what)
  return checked as CheckedToken
}

export async function markActionTokenUsed(db: Db, id: number, now: Date): Promise<void> {
  await db.update(actionTokens).set({ usedAt: now }).where(eq(actionTokens.id, id))
}

/** The mail settings a verb that mails needs; a context built without them is a wiring mistake. */
export function requireMailSettings(ctx: Ctx, action: string): MailSettings {
  if (!ctx.mail) throw new Error(`Cannot ${action}: this context has no mail settings (ctx.mail). createApp provides them; batch jobs must pass them.`)
  return ctx.mail
}
