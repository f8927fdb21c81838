import { and, eq, isNotNull } from 'drizzle-orm'
import { z } from 'zod'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { outbox } from '../db/schema'
import { NotFoundError } from '../errors'
import { id, parseInput } from '../validation'

const RetryInput = z.object({ rowId: id('job') })

/** An admin sends a parked row back to the workers, with a fresh count of attempts. */
export async function retryOutboxRow({ ctx, input }: VerbArgs): Promise<void> {
  requireAdmin(ctx, 'retry background jobs')
  const data = parseInput(RetryInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const updated = await db
      .update(outbox)
      .set({ parkedAt: null, attempts: 0, dueAt: ctx.now(), claimedUntil: null, claimedBy: null })
      .where(and(eq(outbox.id, data.rowId), isNotNull(outbox.parkedAt)))
      .returning({ id: outbox.id, topic: outbox.topic, key: outbox.key })
    if (updated.length === 0) throw new NotFoundError('That parked job')
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'outbox.job_retried', subjectType: 'outbox_row', subjectId: data.rowId, subjectLabel: `${updated[0]!.topic} ${updated[0]!.key}` } })
  })
}
