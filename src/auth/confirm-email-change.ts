import { and, eq, inArray, isNull, ne } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { actionTokens, users } from '../db/schema'
import { ConflictError } from '../errors'
import { parseInput } from '../validation'
import { markActionTokenUsed, takeActionToken } from './action-tokens'
import { AccountLinkInput } from './schemas'

/**
 * Moves the account to the address the link was mailed to: the address is confirmed by opening
 * it, a bounce recorded for the old address no longer applies, and links mailed to the old
 * address (reset, confirmation) stop working. Sessions are kept: the person changed nothing secret.
 */
export async function confirmEmailChange({ ctx, input }: VerbArgs<z.input<typeof AccountLinkInput>>): Promise<{ userId: number; email: string }> {
  const data = parseInput(AccountLinkInput, input)
  const now = ctx.now()
  return inTransaction(ctx, async ({ db }) => {
    const link = await takeActionToken(db, data.token, 'change_email', now, 'This confirmation link')
    const newEmail = String(link.data.newEmail)
    const takenMessage = `Another account started using ${newEmail} after this link was sent, so your address stays as it was.`
    const [taken] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.email, newEmail), ne(users.id, link.userId)))
    if (taken) throw new ConflictError(takenMessage)
    try {
      await db
        .update(users)
        .set({ email: newEmail, emailVerifiedAt: now, mailFailingAt: null, mailFailingReason: null })
        .where(eq(users.id, link.userId))
    } catch (error) {
      // Taken between the check and the update (two confirmations racing): the unique index decides.
      if (isUniqueViolation(error)) throw new ConflictError(takenMessage)
      throw error
    }
    await markActionTokenUsed(db, link.id, now)
    await db
      .update(actionTokens)
      .set({ usedAt: now })
      .where(
        and(eq(actionTokens.userId, link.userId), inArray(actionTokens.purpose, ['password_reset', 'verify_email']), isNull(actionTokens.usedAt)),
      )
    return { userId: link.userId, email: newEmail }
  })
}

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Object; cause = (cause as { cause?: unknown }).cause) {
    if ((cause as { code?: unknown }).code === '23505') return true
  }
  return false
}
