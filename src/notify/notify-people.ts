import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { notifications } from '../db/schema'
import { enqueue, NOTIFY_CUSTOMERS, NOTIFY_STAFF, type CustomerNotificationPayload, type StaffNotificationPayload } from '../outbox'

// Writing notifications: the in-app row, plus one outbox row per event so other channels
// (mail, webhooks) deliver from it later without touching the code that decided who hears.
// Everything runs inside the caller's transaction.

/**
 * Staff notices point at items. One per person, whatever the caller passed twice; with an
 * `eventKey` (callers that run at least once: outbox handlers, ticks), one per person and event
 * across deliveries too.
 */
export async function notifyStaff(
  db: Db,
  userIds: (number | null | undefined)[],
  kind: string,
  itemId: number | null,
  message: string,
  now: Date,
  options: { eventKey?: string } = {},
): Promise<number> {
  const recipients = [...new Set(userIds.filter((id): id is number => typeof id === 'number'))]
  if (recipients.length === 0) return 0
  const eventKey = options.eventKey ?? null
  const rows = await db
    .insert(notifications)
    .values(recipients.map((userId) => ({ userId, kind, itemId, message, eventKey, createdAt: now })))
    .onConflictDoNothing({ target: [notifications.userId, notifications.eventKey], where: sql`${notifications.eventKey} is not null` })
    .returning({ id: notifications.id })
  if (rows.length === 0) return 0
  await enqueue(db, {
    topic: NOTIFY_STAFF,
    key: `notify:${rows[0]!.id}`,
    payload: { notificationIds: rows.map((row) => row.id), kind, itemId } satisfies StaffNotificationPayload,
    dueAt: now,
  })
  return rows.length
}

export interface CustomerNotice {
  userId: number
  /** Null only for a notice about an item filed without a thread (a CSAT request for a mailed-in question). */
  threadId: number | null
  message: string
}

/**
 * Customers' notices point at a thread (they never see queue items). One per person per event:
 * someone reached through two threads of one event (an asker of a duplicate who also follows the
 * kept thread) hears once, on the first thread given for them; with an `eventKey`, the database
 * holds to that across deliveries too.
 */
export async function notifyCustomers(db: Db, notices: CustomerNotice[], kind: string, now: Date, eventKey: string | null = null): Promise<number> {
  const seen = new Set<number>()
  const unique = notices.filter((notice) => !seen.has(notice.userId) && seen.add(notice.userId))
  if (unique.length === 0) return 0
  const rows = await db
    .insert(notifications)
    .values(unique.map((notice) => ({ userId: notice.userId, kind, threadId: notice.threadId, message: notice.message, eventKey, createdAt: now })))
    // A handler delivered twice (at least once) finds its notices written: nobody hears twice.
    .onConflictDoNothing({ target: [notifications.userId, notifications.eventKey], where: sql`${notifications.eventKey} is not null` })
    .returning({ id: notifications.id })
  if (rows.length === 0) return 0
  await enqueue(db, {
    topic: NOTIFY_CUSTOMERS,
    key: `notify:${rows[0]!.id}`,
    payload: { notificationIds: rows.map((row) => row.id), kind } satisfies CustomerNotificationPayload,
    dueAt: now,
  })
  return rows.length
}

