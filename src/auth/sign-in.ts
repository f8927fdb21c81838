import { eq } from 'drizzle-orm'
import type { VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ForbiddenError, RateLimitedError, ValidationError } from '../errors'
import { describeSanction, loadStanding } from '../safety'
import { parseInput } from '../validation'
import { verifyAgainstNothing, verifyPassword } from './passwords'
import { clearRateLimit, hitRateLimit, peekRateLimit, type RateDecision } from './rate-limit'
import { SignInInput } from './schemas'
import { createSession, type IssuedSession } from './sessions'
import { requirePasswordAllowed } from './sign-in-policy'

const MINUTE = 60 * 1000

// Only wrong passwords count, so an office behind one address never locks itself out by signing
// in. The guesser is slowed where they stand: one address guessing one account stops after a few
// tries, one address guessing many accounts stops a little later. Every address together may try
// an account far more often before password sign-in pauses for it, and even then its owner gets
// in with a sign-in link by mail (requestSignInLink), which no guess can block.
export const SIGN_IN_FAILURES_PER_PAIR = { limit: 5, windowMs: 15 * MINUTE }
export const SIGN_IN_FAILURES_PER_IP = { limit: 30, windowMs: 15 * MINUTE }
export const SIGN_IN_FAILURES_PER_ACCOUNT = { limit: 100, windowMs: 60 * MINUTE }

// One message for both cases, so the form does not reveal which emails have accounts.
export const WRONG_CREDENTIALS = 'That email and password do not match an account.'

export function signInFailureKeys(clientIp: string, email: string) {
  return { pair: `sign-in:pair:${clientIp}:${email}`, ip: `sign-in:ip:${clientIp}`, account: `sign-in:account:${email}` }
}

export async function signIn({ ctx, input }: VerbArgs): Promise<IssuedSession & { userId: number }> {
  const data = parseInput(SignInInput, input)
  // Passwords turned off at /admin/sso (ALLOW_PASSWORD_SIGN_IN overrides): nothing to check.
  await requirePasswordAllowed(ctx, null)
  const now = ctx.now()
  const keys = signInFailureKeys(data.clientIp, data.email)
  const rules = { pair: SIGN_IN_FAILURES_PER_PAIR, ip: SIGN_IN_FAILURES_PER_IP, account: SIGN_IN_FAILURES_PER_ACCOUNT }

  for (const which of ['pair', 'ip', 'account'] as const) {
    const decision = await peekRateLimit(ctx.db, keys[which], rules[which], now)
    if (!decision.allowed) throw tooManyFailures(decision, which)
  }

  const [user] = await ctx.db
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash, deletedAt: users.deletedAt })
    .from(users)
    .where(eq(users.email, data.email))
  const valid = user ? await verifyPassword(user.passwordHash, data.password) : (await verifyAgainstNothing(data.password), false)
  if (!user || !valid || user.deletedAt) {
    for (const which of ['pair', 'ip', 'account'] as const) await hitRateLimit(ctx.db, keys[which], rules[which], now)
    throw new ValidationError({ password: WRONG_CREDENTIALS }, WRONG_CREDENTIALS)
  }
  // The password was right, so saying why they cannot come in reveals nothing to a guesser.
  await requirePasswordAllowed(ctx, user.role)
  const standing = await loadStanding(ctx.db, user, now)
  if (standing.suspension) throw new ForbiddenError(describeSanction(standing.suspension, 'suspended'))
  await clearRateLimit(ctx.db, keys.pair)
  const session = await createSession(ctx.db, user.id, now)
  return { ...session, userId: user.id }
}

function tooManyFailures(decision: RateDecision, which: 'pair' | 'ip' | 'account'): RateLimitedError {
  const wait = decision.retryAfterSeconds < 90 ? `${decision.retryAfterSeconds} seconds` : `${Math.ceil(decision.retryAfterSeconds / 60)} minutes`
  const what =
    which === 'account'
      ? 'Too many wrong passwords have been tried for this account from many places, so password sign-in is paused for it.'
      : 'Too many wrong passwords from here.'
  return new RateLimitedError(decision.retryAfterSeconds, `${what} Try again in ${wait}, or get a sign-in link by mail: it always works for the account's owner.`)
}
