import { and, eq, ne } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { sessions, users } from '../db/schema'
import { RateLimitedError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { hashPassword, verifyPassword } from './passwords'
import { requireSignedIn } from '../policy'
import { hitRateLimit } from './rate-limit'
import { ChangePasswordInput } from './schemas'
import { hashToken } from './tokens'

export const PASSWORD_CHANGES_PER_PERSON = { limit: 5, windowMs: 15 * 60 * 1000 }

/** The signed-in person sets a new password (the current one required); their other sessions end. */
export async function changePassword({
  ctx,
  input,
}: VerbArgs<z.input<typeof ChangePasswordInput> & { sessionToken?: string }>): Promise<void> {
  const actor = requireSignedIn(ctx, 'change your password')
  const data = parseInput(ChangePasswordInput, input)
  const now = ctx.now()
  const decision = await hitRateLimit(ctx.db, `password-change:user:${actor.id}`, PASSWORD_CHANGES_PER_PERSON, now)
  if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds)
  const [account] = await ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id))
  if (!account || !(await verifyPassword(account.passwordHash, data.currentPassword))) {
    throw new ValidationError({ currentPassword: 'That is not your current password.' })
  }
  const passwordHash = await hashPassword(data.newPassword)
  await inTransaction(ctx, async ({ db }) => {
    await db.update(users).set({ passwordHash }).where(eq(users.id, actor.id))
    const thisSession = input.sessionToken ? hashToken(input.sessionToken) : ''
    await db.delete(sessions).where(and(eq(sessions.userId, actor.id), ne(sessions.id, thisSession)))
  })
}
