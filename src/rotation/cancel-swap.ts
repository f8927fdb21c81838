import { and, eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { shiftSwaps } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { SwapCancelInput } from './schemas'

/** The person who asked for a swap withdraws it before the other answers. */
export async function cancelSwap({ ctx, input }: VerbArgs): Promise<void> {
  const actor = requireStaff(ctx, 'cancel swap requests')
  const data = parseInput(SwapCancelInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const [swap] = await db.select().from(shiftSwaps).where(and(eq(shiftSwaps.id, data.swapId), eq(shiftSwaps.state, 'pending'))).for('update')
    if (!swap) throw new NotFoundError('That open swap request')
    if (swap.requestedById !== actor.id) throw new ForbiddenError('Only the person who asked for this swap can cancel it.')
    await db.update(shiftSwaps).set({ state: 'cancelled', decidedAt: ctx.now() }).where(eq(shiftSwaps.id, swap.id))
  })
}
