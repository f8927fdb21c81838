import { and, eq, isNotNull } from 'drizzle-orm'
import { z } from 'zod'
import { requireAdmin } from '../policy'
import type { VerbArgs } from '../ctx'
import { outbox } from '../db/schema'
import { NotFoundError } from '../errors'
import { id, parseInput } from '../validation'

const RetryInput = z.object({ rowId: id('job') })

/** An admin sends a parked row back to the workers, with a fresh count of attempts. */
export async function retryOutboxRow({ ctx, input }: VerbArgs): Promise<void> {
  requireAdmin(ctx, 'retry background jobs')
  const data = parseInput(RetryInput, input)
  const updated = await ctx.db
    .update(outbox)
    .set({ parkedAt: null, attempts: 0, dueAt: ctx.now(), claimedUntil: null, claimedBy: null })
    .where(and(eq(outbox.id, data.rowId), isNotNull(outbox.parkedAt)))
    .returning({ id: outbox.id })
  if (updated.length === 0) throw new NotFoundError('That parked job')
}
