import { eq } from 'drizzle-orm'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotations, shiftSwaps } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { notifyStaff } from '../notify'
import { parseInput } from '../validation'
import { SwapAnswerInput } from './schemas'
import { exchange, shiftWhen, swapPair } from './shift-helpers'

/** The other person accepts (the shifts are exchanged) or declines a swap. */
export async function answerSwap({ ctx, input }: VerbArgs): Promise<{ swapped: boolean }> {
  const actor = requireStaff(ctx, 'answer swaps')
  const data = parseInput(SwapAnswerInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [swap] = await db.select().from(shiftSwaps).where(eq(shiftSwaps.id, data.swapId)).for('update')
    if (!swap || swap.state !== 'pending') throw new NotFoundError('That open swap request')
    const { shift, other } = await swapPair(db, ctx, swap.shiftId, swap.otherShiftId)
    if (other.userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError('Only the person whose shift was asked for can answer this swap.')
    await db.update(shiftSwaps).set({ state: data.accept ? 'accepted' : 'declined', decidedAt: ctx.now() }).where(eq(shiftSwaps.id, swap.id))
    if (data.accept) await exchange(db, shift, other)
    const [rotation] = await db.select({ name: rotations.name, timezone: rotations.timezone }).from(rotations).where(eq(rotations.id, shift.rotationId))
    const when = shiftWhen(other, rotation?.timezone ?? 'UTC')
    await notifyStaff(
      db,
      [swap.requestedById].filter((id) => id !== actor.id),
      data.accept ? 'swap_accepted' : 'swap_declined',
      null,
      data.accept
        ? `${actor.displayName} accepted your ${rotation?.name ?? 'rotation'} swap: the shift of ${when} is now yours.`
        : `${actor.displayName} declined your ${rotation?.name ?? 'rotation'} swap (their shift of ${when}).`,
      ctx.now(),
    )
    return { swapped: data.accept }
  })
}
