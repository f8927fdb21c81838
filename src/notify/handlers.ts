import type { Db } from '../db/client'
import { enqueue, NOTIFY_CUSTOMERS, NOTIFY_STAFF, NOTIFY_THREAD_EVENT, type OutboxHandlers, type ThreadEventPayload } from '../outbox'
import { announceThreadEvent } from './announce-thread-event'

/** Written by the forum in the transaction of a reply or an accepted answer. */
export async function enqueueThreadEvent(db: Db, event: ThreadEventPayload, now: Date): Promise<void> {
  const key = event.kind === 'reply' ? `notify:reply:${event.replyId}` : `notify:accepted:${event.threadId}:${event.replyId}`
  await enqueue(db, { topic: NOTIFY_THREAD_EVENT, key, payload: event, dueAt: now })
}

export function notifyHandlers(): OutboxHandlers {
  return {
    [NOTIFY_THREAD_EVENT]: async (payload, { db, now }) => {
      await db.transaction((tx) => announceThreadEvent(tx as unknown as Db, payload as ThreadEventPayload, now))
    },
    // In-app notifications are written already; email and webhook channels will deliver here.
    [NOTIFY_STAFF]: async (payload, { logger }) => {
      logger.debug({ notification: payload }, 'staff notification: no external channel configured')
    },
    [NOTIFY_CUSTOMERS]: async (payload, { logger }) => {
      logger.debug({ notification: payload }, 'customer notification: no external channel configured')
    },
  }
}
