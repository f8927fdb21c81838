import { and, eq, sql } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { userIdentities, users } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { requireSignedIn } from '../policy'
import { parseInput } from '../validation'
import { NO_PASSWORD } from './finish-sso-sign-in'
import { IdentityRef } from './schemas'

/** A person removes one of their linked sign-ins, unless it is their only way in (no password, no other link). */
export async function unlinkIdentity({ ctx, input }: VerbArgs<IdentityRef>): Promise<void> {
  const actor = requireSignedIn(ctx, 'change your sign-ins')
  const data = parseInput(IdentityRef, input)
  await inTransaction(ctx, async ({ db }) => {
    const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.id)).for('update')
    const deleted = await db
      .delete(userIdentities)
      .where(and(eq(userIdentities.id, data.identityId), eq(userIdentities.userId, actor.id)))
      .returning({ id: userIdentities.id })
    if (deleted.length === 0) throw new NotFoundError('That sign-in')
    const [left] = await db.select({ count: sql<number>`count(*)::int` }).from(userIdentities).where(eq(userIdentities.userId, actor.id))
    if (user?.passwordHash === NO_PASSWORD && (left?.count ?? 0) === 0)
      throw new ConflictError('This is your only way to sign in. Set a password first (Forgot your password? on the sign-in page mails you a link), then unlink it.')
  })
}
