import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ConflictError, RateLimitedError } from '../errors'
import { queueVerifyEmailMail } from './account-mails'
import { issueActionToken, requireMailSettings, VERIFY_EMAIL_LIFETIME_MS } from './action-tokens'
import { requireSignedIn } from '../policy'
import { hitRateLimit } from './rate-limit'

export const VERIFICATION_RESENDS_PER_PERSON = { limit: 3, windowMs: 60 * 60 * 1000 }

/** Mails the signed-in person a fresh confirmation link; the older ones stop working. */
export async function resendVerification({ ctx }: VerbArgs<Record<string, never> | undefined>): Promise<{ email: string }> {
  const actor = requireSignedIn(ctx, 'confirm your email address')
  const settings = requireMailSettings(ctx, 'resend the confirmation link')
  const now = ctx.now()
  const decision = await hitRateLimit(ctx.db, `verify-email:user:${actor.id}`, VERIFICATION_RESENDS_PER_PERSON, now)
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds)
  return inTransaction(ctx, async ({ db }) => {
    const [user] = await db
      .select({ id: users.id, email: users.email, displayName: users.displayName, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.id, actor.id))
      .for('update')
    if (!user) throw new ConflictError('Your account no longer exists.')
    if (user.emailVerifiedAt) throw new ConflictError('Your address is already confirmed.')
    const link = await issueActionToken(db, {
      purpose: 'verify_email',
      userId: user.id,
      data: { email: user.email },
      lifetimeMs: VERIFY_EMAIL_LIFETIME_MS,
      now,
    })
    await queueVerifyEmailMail(db, settings, now, { userId: user.id, address: user.email, name: user.displayName }, link)
    return { email: user.email }
  })
}
