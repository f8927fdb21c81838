import { and, eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotations, shiftSwaps } from '../db/schema'
import { ConflictError, ForbiddenError } from '../errors'
import { notifyStaff } from '../notify'
import { parseInput } from '../validation'
import { SwapRequestInput } from './schemas'
import { shiftWhen, swapPair } from './shift-helpers'

/** Asks the other person to exchange shifts; nothing changes until they accept. */
export async function requestSwap({ ctx, input }: VerbArgs): Promise<{ id: number }> {
  const actor = requireStaff(ctx, 'swap shifts')
  const data = parseInput(SwapRequestInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const { shift, other } = await swapPair(db, ctx, data.shiftId, data.otherShiftId)
    if (shift.userId !== actor.id) throw new ForbiddenError('You can only offer your own shift in a swap.')
    const [pending] = await db.select({ id: shiftSwaps.id }).from(shiftSwaps).where(and(eq(shiftSwaps.shiftId, shift.id), eq(shiftSwaps.state, 'pending')))
    if (pending) throw new ConflictError('You already asked to swap this shift; wait for the answer or cancel it.', 'otherShiftId')
    const now = ctx.now()
    const [row] = await db.insert(shiftSwaps).values({ shiftId: shift.id, otherShiftId: other.id, requestedById: actor.id, createdAt: now }).returning({ id: shiftSwaps.id })
    const [rotation] = await db.select({ name: rotations.name, timezone: rotations.timezone }).from(rotations).where(eq(rotations.id, shift.rotationId))
    const tz = rotation?.timezone ?? 'UTC'
    await notifyStaff(
      db,
      [other.userId],
      'swap_requested',
      null,
      `${actor.displayName} asks to swap ${rotation?.name ?? 'rotation'} shifts: you would take theirs (${shiftWhen(shift, tz)}) and they yours (${shiftWhen(other, tz)}). Accept or decline it on the rotation page.`,
      now,
    )
    return { id: row!.id }
  })
}
