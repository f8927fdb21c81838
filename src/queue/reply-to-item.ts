import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { queueItems } from '../db/schema'
import { ConflictError } from '../errors'
import { postReply } from '../forum'
import { parseInput } from '../validation'
import { changeItemState } from './change-item-state'
import { recordEvent } from './item-core'
import { lockItem } from './lock-item'
import { recomputePriorities } from './recompute-priorities'
import { ReplyInput } from './schemas'
import { applyThreadActivity } from './sla-clock'
import { canTransition } from './transitions'

/**
 * A public staff reply on the item's thread, from the item page. The SLA clock settles at once
 * (the outbox would get there too), and the item may move on in the same step.
 */
export async function replyToItem({ ctx, input }: VerbArgs): Promise<{ replyId: number; threadId: number }> {
  const actor = requireStaff(ctx, 'reply from the queue')
  const data = parseInput(ReplyInput, input)
  return inTransaction(ctx, async (tx) => {
    const item = await lockItem(tx.db, data.itemId)
    if (!item.threadId) throw new ConflictError('This item was filed from outside the forum, so it has no public thread to reply in. Add a note with what you told the customer.', 'body')
    if (data.then !== 'keep' && data.then !== item.state && !canTransition(item.state, data.then))
      throw new ConflictError(`An item that is “${item.state.replace(/_/g, ' ')}” cannot become “${data.then.replace(/_/g, ' ')}”.`, 'then')
    const reply = await postReply({ ctx: tx, input: { threadId: item.threadId, body: data.body } })
    const now = ctx.now()
    await recordEvent(tx.db, item.id, 'public_reply', actor.id, { replyId: reply.id }, now)
    const [fresh] = await tx.db.select().from(queueItems).where(eq(queueItems.id, item.id))
    await applyThreadActivity(tx.db, fresh!, now)
    if (data.then !== 'keep' && data.then !== item.state) await changeItemState({ ctx: tx, input: { itemId: item.id, state: data.then } })
    await recomputePriorities(tx.db, now, [item.id])
    return { replyId: reply.id, threadId: item.threadId }
  })
}
