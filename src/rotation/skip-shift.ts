import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotationShifts, rotationSkips } from '../db/schema'
import { ConflictError } from '../errors'
import { parseInput } from '../validation'
import { replanRotation } from './replan'
import { SkipInput } from './schemas'
import { assertOwnOrAdmin, lockShift } from './shift-helpers'

/** A person sits out a planned shift (deep work): the next in line takes it, and they are owed the next turn. */
export async function skipShift({ ctx, input }: VerbArgs): Promise<void> {
  requireStaff(ctx, 'skip shifts')
  const data = parseInput(SkipInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const shift = await lockShift(db, data.shiftId)
    // Whose shift it is can only be known once it is loaded (and locked).
    assertOwnOrAdmin(ctx, shift.userId, 'skip shifts')
    if (shift.startsAt <= ctx.now()) throw new ConflictError('That shift has already started; ask someone to cover the rest with an override.')
    if (!shift.userId) throw new ConflictError('Nobody is planned for that shift.')
    await db
      .insert(rotationSkips)
      .values({ rotationId: shift.rotationId, userId: shift.userId, slotStartsAt: shift.startsAt, reason: data.reason, createdAt: ctx.now() })
      .onConflictDoNothing()
    // A skipped shift is no longer anyone's fixed commitment.
    await db.update(rotationShifts).set({ locked: false }).where(eq(rotationShifts.id, shift.id))
    await replanRotation(db, shift.rotationId, ctx.now())
  })
}
