import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import type { QueueItem } from '../db/schema'
import { parseInput } from '../validation'
import { lockItem } from './lock-item'
import { moveItem } from './move-item'
import { ChangeStateInput } from './schemas'

/** Staff move an item along the allowed transitions (the SLA clock pauses while it waits on the customer). */
export async function changeItemState({ ctx, input }: VerbArgs): Promise<QueueItem> {
  const actor = requireStaff(ctx, 'change queue items')
  const data = parseInput(ChangeStateInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const item = await lockItem(db, data.itemId)
    return moveItem(db, item, { to: data.state, actorId: actor.id, ...(data.note ? { detail: { note: data.note } } : {}) }, ctx.now())
  })
}
