import { requireAdmin } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { parseInput } from '../validation'
import { SwapRequestInput } from './schemas'
import { exchange, swapPair } from './shift-helpers'

/** An admin exchanges two people's shifts directly. */
export async function swapShifts({ ctx, input }: VerbArgs): Promise<void> {
  requireAdmin(ctx, 'swap shifts directly (others ask the other person)')
  const data = parseInput(SwapRequestInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const { shift, other } = await swapPair(db, ctx, data.shiftId, data.otherShiftId)
    await exchange(db, shift, other)
  })
}
