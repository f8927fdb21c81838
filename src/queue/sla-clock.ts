import { eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueItems, type QueueItem } from '../db/schema'
import { recordEvent } from './item-core'
import { dueTimes, pausedBetween } from './sla'

// The SLA clock of one item: targets met by staff replies on its thread, the next-response
// target started by each customer message, and the pause while the item waits on the customer.

/** Due and warning times of the targets still open, after `pausedMinutes` of pauses. */
function openTargetTimes(item: QueueItem, pausedMinutes: number) {
  const { sla } = item
  const first = item.firstResponseAt ? null : dueTimes(item.createdAt, sla.firstResponseMinutes, pausedMinutes, sla.calendar)
  const resolution = item.resolvedAt ? null : dueTimes(item.createdAt, sla.resolutionMinutes, pausedMinutes, sla.calendar)
  return {
    firstResponseDueAt: first?.dueAt ?? item.firstResponseDueAt,
    firstResponseWarnAt: first?.warnAt ?? item.firstResponseWarnAt,
    resolutionDueAt: resolution?.dueAt ?? item.resolutionDueAt,
    resolutionWarnAt: resolution?.warnAt ?? item.resolutionWarnAt,
  }
}

/** Stops the clock: the item now waits on its customer. */
export async function pauseClock(db: Db, item: QueueItem, now: Date): Promise<void> {
  if (item.pausedAt) return
  await db.update(queueItems).set({ pausedAt: now, updatedAt: now }).where(eq(queueItems.id, item.id))
}

/** Restarts the clock; targets still open move later by the business time spent waiting. */
export async function resumeClock(db: Db, item: QueueItem, now: Date): Promise<number> {
  if (!item.pausedAt) return 0
  const paused = pausedBetween(item.pausedAt, now, item.sla.calendar)
  const total = item.pausedMinutes + paused
  await db
    .update(queueItems)
    .set({ pausedAt: null, pausedMinutes: total, ...openTargetTimes(item, total), updatedAt: now })
    .where(eq(queueItems.id, item.id))
  return paused
}

/**
 * Reads the thread's replies and settles the item's clock: the first staff reply meets the
 * first-response target; a customer message after the last staff reply starts a next-response
 * target, met by the next staff reply. Says whether a customer wrote while the item waited on
 * them (the caller moves it back to "in progress"). Idempotent: it recomputes from the replies.
 */
export async function applyThreadActivity(db: Db, item: QueueItem, now: Date): Promise<{ customerRepliedWhileWaiting: boolean }> {
  if (!item.threadId) return { customerRepliedWhileWaiting: false }
  const [activity] = await queryRows<{ first_staff: string | null; last_staff: string | null; last_customer: string | null }>(
    db,
    sql`
      select
        min(r.created_at) filter (where u.role <> 'member' and r.created_at >= ${item.createdAt.toISOString()}::timestamptz)::text as first_staff,
        max(r.created_at) filter (where u.role <> 'member')::text as last_staff,
        max(r.created_at) filter (where u.role = 'member'
          and r.author_id in (select user_id from queue_item_customers where item_id = ${item.id}))::text as last_customer
      from replies r join users u on u.id = r.author_id
      where r.thread_id = ${item.threadId} and r.hidden_at is null`,
  )
  const firstStaff = activity?.first_staff ? new Date(activity.first_staff) : null
  const lastStaff = activity?.last_staff ? new Date(activity.last_staff) : null
  const lastCustomer = activity?.last_customer ? new Date(activity.last_customer) : null
  const changes: Partial<QueueItem> = {}

  if (!item.firstResponseAt && firstStaff) {
    changes.firstResponseAt = firstStaff
    await recordEvent(db, item.id, 'sla_met', null, { target: 'first_response', at: firstStaff.toISOString(), late: item.firstResponseDueAt ? firstStaff > item.firstResponseDueAt : false }, now)
  }
  if (lastStaff && (!item.lastStaffReplyAt || lastStaff > item.lastStaffReplyAt)) changes.lastStaffReplyAt = lastStaff
  if (lastCustomer && (!item.lastCustomerActivityAt || lastCustomer > item.lastCustomerActivityAt)) changes.lastCustomerActivityAt = lastCustomer

  const answered = changes.firstResponseAt ?? item.firstResponseAt
  const customerWaiting = !!answered && !!lastCustomer && lastCustomer > (lastStaff ?? answered) && lastCustomer > answered
  if (customerWaiting && !item.nextResponseDueAt) {
    const next = dueTimes(lastCustomer!, item.sla.nextResponseMinutes, 0, item.sla.calendar)
    changes.nextResponseDueAt = next.dueAt
    changes.nextResponseWarnAt = next.warnAt
  } else if (!customerWaiting && item.nextResponseDueAt && lastStaff && lastStaff >= item.lastCustomerActivityAt!) {
    await recordEvent(db, item.id, 'sla_met', null, { target: 'next_response', at: lastStaff.toISOString(), late: lastStaff > item.nextResponseDueAt }, now)
    changes.nextResponseDueAt = null
    changes.nextResponseWarnAt = null
    // The next next-response target may warn and breach afresh.
    changes.warned = item.warned.filter((target) => target !== 'next_response')
    changes.breached = item.breached.filter((target) => target !== 'next_response')
  }

  if (Object.keys(changes).length > 0) await db.update(queueItems).set({ ...changes, updatedAt: now }).where(eq(queueItems.id, item.id))

  return { customerRepliedWhileWaiting: item.state === 'waiting_on_customer' && !!lastCustomer && !!item.pausedAt && lastCustomer > item.pausedAt }
}
