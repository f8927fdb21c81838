import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queueItems, type ItemState, type QueueItem } from '../db/schema'
import { notifyStaff } from '../notify'
import { recordEvent } from './item-core'
import { recomputePriorities } from './recompute-priorities'
import { pauseClock, resumeClock } from './sla-clock'
import { assertTransition, isOpen, STATE_LABELS } from './transitions'
import { emitWebhookEvent } from '../webhooks'
import { CSAT_ASK, enqueue, type CsatAskPayload } from '../outbox'
import { QUEUE_CONFIG } from './queue-config'

export interface ItemMove {
  to: ItemState
  /** Who moved it; null for the product itself (the clock, a rule, a customer's reply). */
  actorId: number | null
  /** Why, in words the timeline shows ("The customer confirmed the fix."). */
  reason?: string
  /** More for the event: which reply reopened it, which item it was closed into… */
  detail?: Record<string, unknown>
  /**
   * The caller tells the assignee of this very event itself (an engineer's answer, a customer's
   * "still broken"), so the move adds no notice of its own: one notice per person per event.
   */
  announcedByCaller?: boolean
}

/**
 * The only writer of a queue item's state (a test holds every other file to that). It checks
 * the transition table, pauses or resumes the SLA clock, sets who resolved it and when, records
 * the change with its actor and reason, tells the assignee when someone else moved their item,
 * and recomputes the item's priority. Runs inside the caller's transaction, on a locked item.
 */
export async function moveItem(db: Db, item: QueueItem, move: ItemMove, now: Date): Promise<QueueItem> {
  assertTransition(item.state, move.to)
  let pausedMinutes: number | undefined
  if (move.to === 'waiting_on_customer') await pauseClock(db, item, now)
  else if (item.state === 'waiting_on_customer') pausedMinutes = await resumeClock(db, item, now)
  const closing = !isOpen(move.to)
  const reopening = !isOpen(item.state) && isOpen(move.to)
  const [moved] = await db
    .update(queueItems)
    .set({
      state: move.to,
      updatedAt: now,
      ...(closing ? { resolvedAt: now, resolvedById: move.actorId } : {}),
      ...(reopening ? { resolvedAt: null, resolvedById: null } : {}),
      // The wait for the customer's confirmation starts now (the tick resolves it if they never answer).
      ...(move.to === 'fixed_pending_confirmation' ? { fixedAt: now } : {}),
    })
    .where(eq(queueItems.id, item.id))
    .returning()
  await recordEvent(
    db,
    item.id,
    'state_changed',
    move.actorId,
    {
      from: item.state,
      to: move.to,
      ...(move.reason ? { reason: move.reason } : {}),
      ...(pausedMinutes !== undefined ? { pausedMinutes: Math.round(pausedMinutes) } : {}),
      ...move.detail,
    },
    now,
  )
  if (item.assigneeId && item.assigneeId !== move.actorId && !move.announcedByCaller)
    await notifyStaff(
      db,
      [item.assigneeId],
      reopening ? 'item_reopened' : 'item_state_changed',
      item.id,
      `“${item.title}” is now ${STATE_LABELS[move.to].toLowerCase()}${move.reason ? `: ${move.reason}` : '.'}`,
      now,
    )
  await recomputePriorities(db, now, [item.id])
  if (move.to === 'resolved')
    // csat/ asks the asker "Did this solve your problem?" a little later, if it is still resolved then
    // (a quick "still broken" or reopening asks nothing); once per item, whatever the outbox redelivers.
    await enqueue(db, {
      topic: CSAT_ASK,
      key: `csat:${item.id}:${now.getTime()}`,
      payload: { itemId: item.id } satisfies CsatAskPayload,
      dueAt: new Date(now.getTime() + QUEUE_CONFIG.csatAskDelayMinutes * 60_000),
    })
  await emitWebhookEvent(db, 'item.state_changed', { itemId: item.id, extra: { from: item.state, to: move.to, actorId: move.actorId, reason: move.reason ?? null } }, now)
  return moved!
}
