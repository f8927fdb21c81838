import { and, eq, isNull } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { sessions, users } from '../db/schema'
import { parseInput } from '../validation'
import { markActionTokenUsed, takeActionToken } from './action-tokens'
import { hashPassword } from './passwords'
import { clearRateLimit } from './rate-limit'
import { ResetPasswordInput } from './schemas'
import { createSession, type IssuedSession } from './sessions'
import { requirePasswordAllowed } from './sign-in-policy'

/**
 * Sets a new password from a reset link: burns the link, ends every session of the person
 * (whoever knew the old password is out), and signs them in here.
 */
export async function resetPassword({ ctx, input }: VerbArgs<z.input<typeof ResetPasswordInput>>): Promise<IssuedSession & { userId: number }> {
  const data = parseInput(ResetPasswordInput, input)
  const passwordHash = await hashPassword(data.password)
  const now = ctx.now()
  return inTransaction(ctx, async ({ db }) => {
    const link = await takeActionToken(db, data.token, 'password_reset', now, 'This password reset link')
    const [user] = await db.select({ email: users.email, role: users.role }).from(users).where(eq(users.id, link.userId)).for('update')
    // A reset link signs the person in, so it must not become a way round "staff use SSO".
    await requirePasswordAllowed({ ...ctx, db }, user?.role ?? null)
    await db.update(users).set({ passwordHash }).where(eq(users.id, link.userId))
    // The link reached the address it was mailed to, which proves the address as well as a verification link would.
    if (user && user.email === link.data.email) {
      await db
        .update(users)
        .set({ emailVerifiedAt: now })
        .where(and(eq(users.id, link.userId), isNull(users.emailVerifiedAt)))
    }
    await markActionTokenUsed(db, link.id, now)
    await db.delete(sessions).where(eq(sessions.userId, link.userId))
    if (user) await clearRateLimit(db, `sign-in:account:${user.email}`)
    const session = await createSession(db, link.userId, now)
    return { ...session, userId: link.userId }
  })
}
