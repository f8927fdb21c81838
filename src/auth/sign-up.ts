import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ConflictError, RateLimitedError } from '../errors'
import { screenSignUp } from '../safety'
import { parseInput } from '../validation'
import { queueVerifyEmailMail } from './account-mails'
import { issueActionToken, requireMailSettings, VERIFY_EMAIL_LIFETIME_MS } from './action-tokens'
import { hashPassword } from './passwords'
import { hitRateLimit } from './rate-limit'
import { SignUpInput } from './schemas'
import { createSession, type IssuedSession } from './sessions'
import { requirePasswordAllowed } from './sign-in-policy'

export const SIGN_UPS_PER_IP = { limit: 10, windowMs: 60 * 60 * 1000 }

/**
 * Creates a member account, signs it in, and mails a link that confirms the address (7 days).
 * Anyone may sign up; the IP is throttled. Unconfirmed accounts may post: only the state is recorded.
 */
export async function signUp({ ctx, input }: VerbArgs): Promise<IssuedSession & { userId: number }> {
  const settings = requireMailSettings(ctx, 'sign up')
  const data = parseInput(SignUpInput, input)
  await requirePasswordAllowed(ctx, null)
  const now = ctx.now()
  const decision = await hitRateLimit(ctx.db, `sign-up:ip:${data.clientIp}`, SIGN_UPS_PER_IP, now)
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds)

  const passwordHash = await hashPassword(data.password)
  return inTransaction(ctx, async ({ db }) => {
    // Throwaway-mail domains (when the admin refuses them) and removed spammers' addresses.
    await screenSignUp(db, data.email)
    const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, data.email))
    if (taken) throw new ConflictError('An account with this email already exists. Sign in instead.', 'email')
    const [user] = await db
      .insert(users)
      .values({ email: data.email, displayName: data.displayName, passwordHash, role: 'member', createdAt: now })
      .returning({ id: users.id })
    const link = await issueActionToken(db, {
      purpose: 'verify_email',
      userId: user!.id,
      data: { email: data.email },
      lifetimeMs: VERIFY_EMAIL_LIFETIME_MS,
      now,
    })
    await queueVerifyEmailMail(db, settings, now, { userId: user!.id, address: data.email, name: data.displayName }, link)
    const session = await createSession(db, user!.id, now)
    return { ...session, userId: user!.id }
  })
}
