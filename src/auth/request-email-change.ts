import { eq } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ConflictError, RateLimitedError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { queueChangeEmailMails } from './account-mails'
import { CHANGE_EMAIL_LIFETIME_MS, issueActionToken, requireMailSettings } from './action-tokens'
import { verifyPassword } from './passwords'
import { requireSignedIn } from '../policy'
import { hitRateLimit } from './rate-limit'
import { RequestEmailChangeInput } from './schemas'

// Each attempt counts (right password or not): it caps both password guessing from a stolen
// session and the mail this form can send to addresses of the requester's choosing.
export const EMAIL_CHANGES_PER_PERSON = { limit: 5, windowMs: 60 * 60 * 1000 }

/**
 * Asks to move the signed-in person's account to a new address: needs their password, mails a
 * 24-hour confirmation link to the new address and a notice to the current one. Nothing changes
 * until the link is opened.
 */
export async function requestEmailChange({
  ctx,
  input,
}: VerbArgs<z.input<typeof RequestEmailChangeInput>>): Promise<{ newEmail: string; expiresAt: Date }> {
  const actor = requireSignedIn(ctx, 'change your email address')
  const settings = requireMailSettings(ctx, 'change an email address')
  const data = parseInput(RequestEmailChangeInput, input)
  const now = ctx.now()
  const decision = await hitRateLimit(ctx.db, `email-change:user:${actor.id}`, EMAIL_CHANGES_PER_PERSON, now)
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds)

  const [account] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id))
  if (!account || !(await verifyPassword(account.passwordHash, data.currentPassword))) {
    throw new ValidationError({ currentPassword: 'That is not your current password.' })
  }
  return inTransaction(ctx, async ({ db }) => {
    const [user] = await db
      .select({ id: users.id, email: users.email, displayName: users.displayName })
      .from(users)
      .where(eq(users.id, actor.id))
      .for('update')
    if (!user) throw new ConflictError('Your account no longer exists.')
    if (user.email === data.newEmail) throw new ValidationError({ newEmail: 'That is already your address.' })
    const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.email, data.newEmail))
    if (taken) throw new ConflictError('Another account already uses this address.', 'newEmail')
    const link = await issueActionToken(db, {
      purpose: 'change_email',
      userId: user.id,
      data: { newEmail: data.newEmail, oldEmail: user.email },
      lifetimeMs: CHANGE_EMAIL_LIFETIME_MS,
      now,
    })
    await queueChangeEmailMails(db, settings, now, { userId: user.id, address: user.email, name: user.displayName }, data.newEmail, link)
    return { newEmail: data.newEmail, expiresAt: link.expiresAt }
  })
}
