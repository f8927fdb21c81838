import type { Db } from '../db/client'
import { enqueue } from './enqueue'
import type { DeliveryContext, OutboxHandler } from './worker'

// A recurring job is one outbox row, keyed by its topic, that each run moves to its next due
// time: re-enqueuing the row a delivery holds makes the worker keep it for then.

const recurringKey = (topic: string) => `recurring:${topic}`

/** Makes sure a recurring job is scheduled, due now (idempotent: a pending row keeps the earlier time). */
export async function scheduleRecurring(db: Db, topic: string, now: Date): Promise<void> {
  await enqueue(db, { topic, key: recurringKey(topic), payload: {}, dueAt: now })
}

/**
 * The outbox handler of a recurring job: runs it, then schedules its next run `every` ms later,
 * or at the time `every(now)` names (a job that runs at a time of day).
 */
export function recurringHandler(topic: string, every: number | ((now: Date) => Date), run: (context: DeliveryContext) => Promise<void>): OutboxHandler {
  return async (_payload, context) => {
    await run(context)
    const dueAt = typeof every === 'number' ? new Date(context.now.getTime() + every) : every(context.now)
    await enqueue(context.db, { topic, key: recurringKey(topic), payload: {}, dueAt, onConflict: 'replace' })
  }
}
