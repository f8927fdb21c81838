import { eq } from 'drizzle-orm'
import type { VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { RateLimitedError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { verifyAgainstNothing, verifyPassword } from './passwords'
import { clearRateLimit, hitRateLimit, peekRateLimit } from './rate-limit'
import { SignInInput } from './schemas'
import { createSession, type IssuedSession } from './sessions'
import { requirePasswordAllowed } from './sign-in-policy'

export const SIGN_IN_ATTEMPTS_PER_IP = { limit: 30, windowMs: 15 * 60 * 1000 }
export const SIGN_IN_FAILURES_PER_ACCOUNT = { limit: 8, windowMs: 15 * 60 * 1000 }

// One message for both cases, so the form does not reveal which emails have accounts.
export const WRONG_CREDENTIALS = 'That email and password do not match an account.'

export async function signIn({ ctx, input }: VerbArgs): Promise<IssuedSession & { userId: number }> {
  const data = parseInput(SignInInput, input)
  await requirePasswordAllowed(ctx, null)
  const now = ctx.now()
  const accountKey = `sign-in:account:${data.email}`

  const perIp = await hitRateLimit(ctx.db, `sign-in:ip:${data.clientIp}`, SIGN_IN_ATTEMPTS_PER_IP, now)
  if (!perIp.allowed) throw new RateLimitedError(perIp.retryAfterSeconds)
  const perAccount = await peekRateLimit(ctx.db, accountKey, SIGN_IN_FAILURES_PER_ACCOUNT, now)
  if (!perAccount.allowed) throw new RateLimitedError(perAccount.retryAfterSeconds)

  const [user] = await ctx.db
    .select({ id: users.id, passwordHash: users.passwordHash, role: users.role })
    .from(users)
    .where(eq(users.email, data.email))
  const valid = user ? await verifyPassword(user.passwordHash, data.password) : (await verifyAgainstNothing(data.password), false)
  if (!user || !valid) {
    await hitRateLimit(ctx.db, accountKey, SIGN_IN_FAILURES_PER_ACCOUNT, now)
    throw new ValidationError({ password: WRONG_CREDENTIALS }, WRONG_CREDENTIALS)
  }
  // Only after the password matched, so the refusal tells a guesser nothing about who is staff.
  await requirePasswordAllowed(ctx, user.role)
  await clearRateLimit(ctx.db, accountKey)
  const session = await createSession(ctx.db, user.id, now)
  return { ...session, userId: user.id }
}
