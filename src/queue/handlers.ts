import type { Db } from '../db/client'
import { NOTIFY_CUSTOMERS, NOTIFY_STAFF, QUEUE_EVALUATE_THREAD, QUEUE_TICK, recurringHandler, scheduleRecurring, type OutboxHandlers, type ThreadPayload } from '../outbox'
import { evaluateThread } from './rules'
import { runQueueTick } from './tick'

export const TICK_EVERY_MS = 60_000

/** Makes sure the recurring tick is scheduled (idempotent: one row, keyed). */
export async function scheduleQueueTick(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, QUEUE_TICK, now)
}

export function queueHandlers(): OutboxHandlers {
  return {
    [QUEUE_EVALUATE_THREAD]: async (payload, { db, now }) => {
      const { threadId } = payload as ThreadPayload
      await db.transaction((tx) => evaluateThread(tx as unknown as Db, threadId, now))
    },
    [QUEUE_TICK]: recurringHandler(QUEUE_TICK, TICK_EVERY_MS, async ({ db, now, logger }) => {
      const summary = await runQueueTick(db, now)
      if (summary.itemsCreated || summary.slaSignals || summary.routed) logger.info(summary, 'queue tick')
    }),
    // In-app notifications are written already; email and webhook channels will deliver here.
    [NOTIFY_STAFF]: async (payload, { logger }) => {
      logger.debug({ notification: payload }, 'staff notification: no external channel configured')
    },
    [NOTIFY_CUSTOMERS]: async (payload, { logger }) => {
      logger.debug({ notification: payload }, 'customer notification: no external channel configured')
    },
  }
}
