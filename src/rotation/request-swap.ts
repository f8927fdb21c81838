import { and, eq } from 'drizzle-orm'
import { requireStaff } from '../auth'
import { inTransaction, type VerbArgs } from '../ctx'
import { shiftSwaps } from '../db/schema'
import { ConflictError, ForbiddenError } from '../errors'
import { parseInput } from '../validation'
import { SwapRequestInput } from './schemas'
import { swapPair } from './shift-helpers'

/** Asks the other person to exchange shifts; nothing changes until they accept. */
export async function requestSwap({ ctx, input }: VerbArgs): Promise<{ id: number }> {
  const actor = requireStaff(ctx, 'swap shifts')
  const data = parseInput(SwapRequestInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const { shift, other } = await swapPair(db, ctx, data.shiftId, data.otherShiftId)
    if (shift.userId !== actor.id) throw new ForbiddenError('You can only offer your own shift in a swap.')
    const [pending] = await db.select({ id: shiftSwaps.id }).from(shiftSwaps).where(and(eq(shiftSwaps.shiftId, shift.id), eq(shiftSwaps.state, 'pending')))
    if (pending) throw new ConflictError('You already asked to swap this shift; wait for the answer or cancel it.', 'otherShiftId')
    const [row] = await db.insert(shiftSwaps).values({ shiftId: shift.id, otherShiftId: other.id, requestedById: actor.id, createdAt: ctx.now() }).returning({ id: shiftSwaps.id })
    return { id: row!.id }
  })
}
