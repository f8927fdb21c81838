import { eq } from 'drizzle-orm'
import { isStaff, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { queueItems, users, type QueueItem } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { notifyStaff } from '../notify'
import { recordEvent } from './item-core'
import { lockItem } from './lock-item'
import { recomputePriorities } from './recompute-priorities'
import { AssignInput } from './schemas'
import { emitWebhookEvent } from '../webhooks'

/** Gives an item to a staff member (or to nobody); only staff can hold items. */
export async function assignItem({ ctx, input }: VerbArgs): Promise<QueueItem> {
  const actor = requireStaff(ctx, 'assign queue items')
  const data = parseInput(AssignInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const item = await lockItem(db, data.itemId)
    const assigneeId = data.assigneeId === 'me' ? actor.id : data.assigneeId === '' ? null : data.assigneeId
    if (assigneeId !== null && assigneeId !== actor.id) {
      const [person] = await db.select({ role: users.role, displayName: users.displayName }).from(users).where(eq(users.id, assigneeId))
      if (!person) throw new ValidationError({ assigneeId: 'Choose someone from the list.' })
      if (!isStaff(person)) throw new ValidationError({ assigneeId: `${person.displayName} is not support staff; only staff can hold queue items.` })
    }
    if (item.assigneeId === assigneeId) return item
    const now = ctx.now()
    await db.update(queueItems).set({ assigneeId, updatedAt: now }).where(eq(queueItems.id, item.id))
    // The board's order keeps unassigned items first: its sort key follows at once.
    await recomputePriorities(db, now, [item.id])
    await recordEvent(db, item.id, assigneeId ? 'assigned' : 'unassigned', actor.id, { from: item.assigneeId, assigneeId, by: 'hand' }, now)
    if (assigneeId && assigneeId !== actor.id) await notifyStaff(db, [assigneeId], 'assigned', item.id, `${actor.displayName} assigned “${item.title}” to you.`, now)
    await emitWebhookEvent(db, 'item.assigned', { itemId: item.id, extra: { by: 'hand', actorId: actor.id, previousAssigneeId: item.assigneeId } }, now)
    const [fresh] = await db.select().from(queueItems).where(eq(queueItems.id, item.id))
    return fresh!
  })
}
