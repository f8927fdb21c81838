import { and, eq, isNull } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { accountSanctions, users } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireStaff } from '../policy'
import { parseInput } from '../validation'
import { LiftSanctionInput } from './schemas'

/** Ends a suspension or silence early. */
export async function liftSanction({ ctx, input }: VerbArgs<LiftSanctionInput>): Promise<{ userId: number }> {
  const actor = requireStaff(ctx, 'lift suspensions')
  const data = parseInput(LiftSanctionInput, input)
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(accountSanctions)
      .set({ liftedAt: ctx.now(), liftedById: actor.id })
      .where(and(eq(accountSanctions.id, data.sanctionId), isNull(accountSanctions.liftedAt)))
      .returning()
    if (!row) throw new NotFoundError('That suspension')
    const [person] = await tx.db.select({ displayName: users.displayName }).from(users).where(eq(users.id, row.userId))
    await recordStaffAction({
      ctx: tx,
      input: { action: row.kind === 'suspend' ? 'user.suspension_lifted' : 'user.silence_lifted', subjectType: 'user', subjectId: row.userId, subjectLabel: person?.displayName },
    })
    return { userId: row.userId }
  })
}
