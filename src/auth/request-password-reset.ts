import { eq } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { RateLimitedError } from '../errors'
import { parseInput } from '../validation'
import { queuePasswordResetMail } from './account-mails'
import { issueActionToken, PASSWORD_RESET_LIFETIME_MS, requireMailSettings } from './action-tokens'
import { hitRateLimit } from './rate-limit'
import { RequestPasswordResetInput } from './schemas'

export const PASSWORD_RESETS_PER_ADDRESS = { limit: 3, windowMs: 60 * 60 * 1000 }
export const PASSWORD_RESETS_PER_IP = { limit: 20, windowMs: 60 * 60 * 1000 }

/**
 * Mails a one-hour reset link when the address has an account, and does nothing visible
 * otherwise: the caller answers the same either way. Both paths count against the same rate
 * limits and do their database work in one short transaction; the mail itself is an outbox row
 * sent after commit, so the SMTP round trip never shows in the response time. What differs is
 * three small inserts, well under the noise of a request.
 */
export async function requestPasswordReset({ ctx, input }: VerbArgs<z.input<typeof RequestPasswordResetInput>>): Promise<void> {
  const settings = requireMailSettings(ctx, 'send a password reset link')
  const data = parseInput(RequestPasswordResetInput, input)
  const now = ctx.now()
  const perIp = await hitRateLimit(ctx.db, `password-reset:ip:${data.clientIp}`, PASSWORD_RESETS_PER_IP, now)
  if (!perIp.allowed) throw new RateLimitedError(perIp.retryAfterSeconds)
  const perAddress = await hitRateLimit(ctx.db, `password-reset:address:${data.email}`, PASSWORD_RESETS_PER_ADDRESS, now)
  if (!perAddress.allowed) throw new RateLimitedError(perAddress.retryAfterSeconds)

  await inTransaction(ctx, async ({ db }) => {
    const [user] = await db
      .select({ id: users.id, email: users.email, displayName: users.displayName })
      .from(users)
      .where(eq(users.email, data.email))
      .for('update')
    if (!user) return
    const link = await issueActionToken(db, {
      purpose: 'password_reset',
      userId: user.id,
      data: { email: user.email },
      lifetimeMs: PASSWORD_RESET_LIFETIME_MS,
      now,
    })
    await queuePasswordResetMail(db, settings, now, { userId: user.id, address: user.email, name: user.displayName }, link)
  })
}
