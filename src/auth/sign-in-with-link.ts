import { and, eq, isNull } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { ForbiddenError } from '../errors'
import { describeSanction, loadStanding } from '../safety'
import { parseInput } from '../validation'
import { markActionTokenUsed, takeActionToken } from './action-tokens'
import { clearRateLimit } from './rate-limit'
import { AccountLinkInput } from './schemas'
import { createSession, type IssuedSession } from './sessions'
import { requirePasswordAllowed } from './sign-in-policy'

/**
 * Signs in with a mailed link: burns it, clears the account's paused password sign-in, confirms
 * the address (the link reached it) and starts a session. A suspended person is told why instead.
 */
export async function signInWithLink({ ctx, input }: VerbArgs<z.input<typeof AccountLinkInput>>): Promise<IssuedSession & { userId: number }> {
  const data = parseInput(AccountLinkInput, input)
  const now = ctx.now()
  return inTransaction(ctx, async ({ db }) => {
    const link = await takeActionToken(db, data.token, 'sign_in_link', now, 'This sign-in link')
    const [user] = await db.select({ id: users.id, role: users.role, email: users.email, deletedAt: users.deletedAt }).from(users).where(eq(users.id, link.userId)).for('update')
    if (!user || user.deletedAt || user.email !== link.data.email) {
      await markActionTokenUsed(db, link.id, now)
      throw new ForbiddenError('This sign-in link is for an address the account no longer uses. Ask for a new link.')
    }
    const standing = await loadStanding(db, user, now)
    if (standing.suspension) throw new ForbiddenError(describeSanction(standing.suspension, 'suspended'))
    // A mailed link is a way in beside the identity provider: where staff (or everyone) must use
    // SSO, it is refused like a password, or offboarding someone at the provider would not lock them out.
    await requirePasswordAllowed({ ...ctx, db }, user.role)
    await markActionTokenUsed(db, link.id, now)
    await db.update(users).set({ emailVerifiedAt: now }).where(and(eq(users.id, user.id), isNull(users.emailVerifiedAt)))
    await clearRateLimit(db, `sign-in:account:${user.email}`)
    const session = await createSession(db, user.id, now)
    return { ...session, userId: user.id }
  })
}
