import { eq } from 'drizzle-orm'
import { requireStaff } from '../auth'
import { inTransaction, type VerbArgs } from '../ctx'
import { queueItems, type QueueItem } from '../db/schema'
import { parseInput } from '../validation'
import { recordEvent } from './item-core'
import { lockItem } from './lock-item'
import { recomputePriorities } from './recompute-priorities'
import { ChangeStateInput } from './schemas'
import { pauseClock, resumeClock } from './sla-clock'
import { assertTransition, isOpen } from './transitions'

/** Moves an item along the allowed transitions; the SLA clock pauses while it waits on the customer. */
export async function changeItemState({ ctx, input }: VerbArgs): Promise<QueueItem> {
  const actor = requireStaff(ctx, 'change queue items')
  const data = parseInput(ChangeStateInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const item = await lockItem(db, data.itemId)
    assertTransition(item.state, data.state)
    const now = ctx.now()
    let pausedMinutes: number | undefined
    if (data.state === 'waiting_on_customer') await pauseClock(db, item, now)
    else if (item.state === 'waiting_on_customer') pausedMinutes = await resumeClock(db, item, now)
    const closing = !isOpen(data.state)
    const reopening = !isOpen(item.state) && isOpen(data.state)
    await db
      .update(queueItems)
      .set({
        state: data.state,
        updatedAt: now,
        ...(closing ? { resolvedAt: now, resolvedById: actor.id } : {}),
        ...(reopening ? { resolvedAt: null, resolvedById: null } : {}),
        // The wait for the customer's confirmation starts now (the tick resolves it if they never answer).
        ...(data.state === 'fixed_pending_confirmation' ? { fixedAt: now } : {}),
      })
      .where(eq(queueItems.id, item.id))
    await recordEvent(
      db,
      item.id,
      'state_changed',
      actor.id,
      { from: item.state, to: data.state, ...(data.note ? { note: data.note } : {}), ...(pausedMinutes !== undefined ? { pausedMinutes: Math.round(pausedMinutes) } : {}) },
      now,
    )
    if (reopening) await recomputePriorities(db, now, [item.id])
    const [fresh] = await db.select().from(queueItems).where(eq(queueItems.id, item.id))
    return fresh!
  })
}
