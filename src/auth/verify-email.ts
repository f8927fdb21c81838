import { and, eq, isNull } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ConflictError } from '../errors'
import { parseInput } from '../validation'
import { markActionTokenUsed, takeActionToken } from './action-tokens'
import { AccountLinkInput } from './schemas'

/** Confirms an address from the link mailed at sign-up (or resent): records when, nothing else. */
export async function verifyEmail({ ctx, input }: VerbArgs<z.input<typeof AccountLinkInput>>): Promise<{ userId: number; email: string }> {
  const data = parseInput(AccountLinkInput, input)
  const now = ctx.now()
  return inTransaction(ctx, async ({ db }) => {
    const link = await takeActionToken(db, data.token, 'verify_email', now, 'This confirmation link')
    const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, link.userId)).for('update')
    // A link mailed to an address the account has since left proves nothing about the current one.
    if (!user || user.email !== link.data.email) {
      throw new ConflictError('This link confirms an address the account no longer uses. Sign in to see your current address.')
    }
    await db
      .update(users)
      .set({ emailVerifiedAt: now })
      .where(and(eq(users.id, link.userId), isNull(users.emailVerifiedAt)))
    await markActionTokenUsed(db, link.id, now)
    return { userId: link.userId, email: user.email }
  })
}
