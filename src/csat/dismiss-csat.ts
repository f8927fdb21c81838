import { and, eq, isNull, notExists } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { csatRatings, csatRequests } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireSignedIn } from '../policy'
import { parseInput } from '../validation'
import { DismissCsatInput } from './schemas'

/** "Not now": the prompt stops showing on the thread page (the mail's link still works). */
export async function dismissCsat({ ctx, input }: VerbArgs<DismissCsatInput>): Promise<{ threadId: number }> {
  const actor = requireSignedIn(ctx, 'close the rating prompt')
  const data = parseInput(DismissCsatInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const rows = await db
      .update(csatRequests)
      .set({ dismissedAt: ctx.now() })
      .where(
        and(
          eq(csatRequests.threadId, data.threadId),
          eq(csatRequests.userId, actor.id),
          isNull(csatRequests.dismissedAt),
          notExists(db.select({ id: csatRatings.id }).from(csatRatings).where(eq(csatRatings.requestId, csatRequests.id))),
        ),
      )
      .returning({ id: csatRequests.id })
    if (rows.length === 0) throw new NotFoundError('A rating request for this question')
    return { threadId: data.threadId }
  })
}
