import { eq, sql } from 'drizzle-orm'
import { inTransaction, type Ctx } from '../ctx'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { loopReplies, queueItems, type ItemState, type QueueItem } from '../db/schema'
import { ConflictError } from '../errors'
import { postReply } from '../forum'
import { notifyCustomers, type CustomerNotice } from '../notify'
import { requireStaff } from '../policy'
import { canTransition, isOpen, lockItem, moveItem, recordEvent } from '../queue'
import { emitWebhookEvent } from '../webhooks'
import { loopReplyBody, loopThreadsOf } from './escalation-core'
import { threadAudienceNotices } from './send-loop-replies'

export interface AnnouncedFix {
  /** The threads that got the "fixed" reply (the given ones and their duplicates). */
  threadIds: number[]
  /** The items it moved to "fixed, pending confirmation" or told of the fix. */
  itemIds: number[]
  notified: number
}

/**
 * A fix made outside an escalation (a bug-bash day) closes the loop exactly as an engineer's
 * "fixed", once sent, does: a public "fixed" reply (a sent loop reply) on every given thread and
 * every thread marked as their duplicate; each thread's asker, subscribers and affected customers
 * told once (in the app, and by mail with "This solved it" / "Still broken" for the askers, which
 * answerFix handles); each open item moved to "fixed, pending confirmation" through moveItem.
 * A thread that never became an item is answered on behalf of the cluster's first item.
 * Runs in the caller's transaction; `eventKey` makes the notices one event per person.
 */
export async function announceFix(
  ctx: Ctx,
  input: { threadIds: number[]; answer: string; release: string; eventKey: string; reason: string },
): Promise<AnnouncedFix> {
  const actor = requireStaff(ctx, 'announce fixes to customers')
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = ctx.now()
    const given = await itemsOfThreads(db, input.threadIds)
    const itemIds = [...new Set(given.flatMap((row) => (row.item_id ? [row.item_id] : [])))].sort((a, b) => a - b)
    if (itemIds.length === 0)
      throw new ConflictError('None of these questions became a queue item, so there is no item to close: convert one of them to an item first.')

    // Lock the items in id order (two announcements never wait on each other in a circle).
    const items: QueueItem[] = []
    for (const id of itemIds) items.push(await lockItem(db, id))
    // The first open item answers for threads that never became one (else the first item).
    const primary = items.find((item) => isOpen(item.state)) ?? items[0]!
    const threadItem = new Map<number, number>()
    for (const row of given) threadItem.set(row.thread_id, row.item_id ?? primary.id)
    // Every thread that should hear it: the given ones, and each item's own thread with its duplicates.
    for (const item of items) for (const thread of await loopThreadsOf(db, item)) if (!threadItem.has(thread.threadId)) threadItem.set(thread.threadId, item.id)

    const body = loopReplyBody('fixed', { answer: input.answer, release: input.release })
    const notices: (CustomerNotice & { own: boolean })[] = []
    const threadsOfItem = new Map<number, number[]>()
    for (const [threadId, itemId] of [...threadItem].sort(([a], [b]) => a - b)) {
      const reply = await postReply({ ctx: tx, input: { threadId, body } })
      await db.insert(loopReplies).values({ itemId, escalationId: null, threadId, kind: 'fixed', body, sentAt: now, sentById: actor.id, replyId: reply.id, createdAt: now })
      notices.push(...(await threadAudienceNotices(db, itemId, { threadId, kind: 'fixed' }, input.release || null, actor.id)))
      threadsOfItem.set(itemId, [...(threadsOfItem.get(itemId) ?? []), threadId])
    }
    // One notice per person, on their own thread first (as sendLoopReplies does).
    notices.sort((a, b) => Number(b.own) - Number(a.own))
    const notified = await notifyCustomers(db, notices, 'loop_fixed', now, `loop:${input.eventKey}`)

    for (const item of items) {
      const threadIds = threadsOfItem.get(item.id) ?? []
      await recordEvent(db, item.id, 'loop_closed', actor.id, { kind: 'fixed', threads: threadIds.length, notified, reason: input.reason }, now)
      await moveToFixed(db, item, actor.id, input.reason, now)
      await emitWebhookEvent(db, 'fix.announced', { itemId: item.id, extra: { release: input.release || null, threadIds, customersNotified: notified } }, now)
    }
    return { threadIds: [...threadItem.keys()].sort((a, b) => a - b), itemIds, notified }
  })
}

/** Each thread with the item that speaks for it: its open item, else its kept thread's, else its latest. */
async function itemsOfThreads(db: Db, threadIds: number[]): Promise<{ thread_id: number; item_id: number | null }[]> {
  if (threadIds.length === 0) return []
  return queryRows<{ thread_id: number; item_id: number | null }>(
    db,
    sql`
      select t.id as thread_id, (
        select i.id from queue_items i
        where i.thread_id = t.id or i.thread_id = t.duplicate_of_id
        order by (i.state not in ('resolved', 'wont_fix')) desc, (i.thread_id = t.id) desc, i.created_at desc, i.id desc
        limit 1) as item_id
      from threads t
      where t.id = any(${`{${threadIds.join(',')}}`}::int[]) and t.hidden_at is null
      order by t.id`,
  )
}

/** Open items wait for the customers' confirmation; closed ones stay closed (their askers still hear). */
async function moveToFixed(db: Db, item: QueueItem, actorId: number, reason: string, now: Date): Promise<void> {
  let current: QueueItem = item
  if (!isOpen(current.state)) return
  if (current.state === 'fixed_pending_confirmation') {
    // Told just now: their time to confirm starts here.
    await db.update(queueItems).set({ fixedAt: now, updatedAt: now }).where(eq(queueItems.id, current.id))
    return
  }
  // New, triaged or waiting items pass through "in progress": the transition table allows "fixed" only from work.
  const via: ItemState = 'in_progress'
  if (!canTransition(current.state, 'fixed_pending_confirmation') && canTransition(current.state, via))
    current = await moveItem(db, current, { to: via, actorId, reason, announcedByCaller: true }, now)
  if (canTransition(current.state, 'fixed_pending_confirmation'))
    await moveItem(db, current, { to: 'fixed_pending_confirmation', actorId, reason }, now)
}
