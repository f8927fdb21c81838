import type { Db } from '../db/client'
import { QUEUE_EVALUATE_REPLY, QUEUE_EVALUATE_THREAD, QUEUE_TICK, recurringHandler, scheduleRecurring, type OutboxHandlers, type ReplyPayload, type ThreadPayload } from '../outbox'
import { evaluateReply, evaluateThread } from './rules'
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
    [QUEUE_EVALUATE_REPLY]: async (payload, { db, now }) => {
      const { replyId } = payload as ReplyPayload
      await db.transaction((tx) => evaluateReply(tx as unknown as Db, replyId, now))
    },
    [QUEUE_TICK]: recurringHandler(QUEUE_TICK, TICK_EVERY_MS, async ({ db, now, logger }) => {
      const summary = await runQueueTick(db, now)
      if (summary.itemsCreated || summary.slaSignals || summary.routed) logger.info(summary, 'queue tick')
    }),
  }
}
