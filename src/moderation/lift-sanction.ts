import { and, eq, isNull } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { accountSanctions, users } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireStaff } from '../policy'
import { LiftSanctionInput } from '../safety'
import { parseInput } from '../validation'
import { announceSanctionEnd } from './announce-sanction-end'

/**
 * Ends a suspension or silence early. (Moderation's, like sanctionAccount: it emits webhooks.)
 * user.unsuspended / user.unsilenced goes out in this transaction, unless another sanction of
 * the kind still holds the person.
 */
export async function liftSanction({ ctx, input }: VerbArgs<LiftSanctionInput>): Promise<{ userId: number }> {
  const actor = requireStaff(ctx, 'lift suspensions')
  const data = parseInput(LiftSanctionInput, input)
  return inTransaction(ctx, async (tx) => {
    const now = ctx.now()
    const [row] = await tx.db
      .update(accountSanctions)
      .set({ liftedAt: now, liftedById: actor.id })
      .where(and(eq(accountSanctions.id, data.sanctionId), isNull(accountSanctions.liftedAt)))
      .returning()
    if (!row) throw new NotFoundError('That suspension')
    const [person] = await tx.db.select({ displayName: users.displayName }).from(users).where(eq(users.id, row.userId))
    await recordStaffAction({
      ctx: tx,
      input: { action: row.kind === 'suspend' ? 'user.suspension_lifted' : 'user.silence_lifted', subjectType: 'user', subjectId: row.userId, subjectLabel: person?.displayName },
    })
    // A sanction whose time had already run out was announced as expired by its timer (or will
    // be, as it is the same event): the shared event id keeps it to one.
    await announceSanctionEnd(tx.db, row, { how: 'lifted', by: { id: actor.id, name: actor.displayName } }, now)
    return { userId: row.userId }
  })
}
