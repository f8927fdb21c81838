import type { Db } from '../db/client'
import type { MailSettings } from '../mail'
import {
  enqueue,
  NOTIFY_CUSTOMERS,
  NOTIFY_STAFF,
  NOTIFY_THREAD_EVENT,
  type CustomerNotificationPayload,
  type OutboxHandlers,
  type StaffNotificationPayload,
  type ThreadEventPayload,
} from '../outbox'
import { announceThreadEvent } from './announce-thread-event'
import { mailNotifications } from './mail-notifications'

/** Written by the forum in the transaction of a reply or an accepted answer. */
export async function enqueueThreadEvent(db: Db, event: ThreadEventPayload, now: Date): Promise<void> {
  const key = event.kind === 'reply' ? `notify:reply:${event.replyId}` : `notify:accepted:${event.threadId}:${event.replyId}`
  await enqueue(db, { topic: NOTIFY_THREAD_EVENT, key, payload: event, dueAt: now })
}

export function notifyHandlers(mail: MailSettings): OutboxHandlers {
  return {
    [NOTIFY_THREAD_EVENT]: async (payload, { db, now }) => {
      await db.transaction((tx) => announceThreadEvent(tx as unknown as Db, payload as ThreadEventPayload, now))
    },
    // In-app notices are written already; here they go out by mail (one per notice, idempotent).
    [NOTIFY_STAFF]: async (payload, { db, now }) => {
      const { notificationIds } = payload as StaffNotificationPayload
      await db.transaction((tx) => mailNotifications(tx as unknown as Db, notificationIds, mail, now))
    },
    [NOTIFY_CUSTOMERS]: async (payload, { db, now }) => {
      const { notificationIds } = payload as CustomerNotificationPayload
      await db.transaction((tx) => mailNotifications(tx as unknown as Db, notificationIds, mail, now))
    },
  }
}
