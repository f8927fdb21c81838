import { and, desc, eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { csatRatings, csatRequests } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireSignedIn } from '../policy'
import { parseInput } from '../validation'
import { recordRating } from './record-rating'
import { RateOnThreadInput } from './schemas'

/**
 * The asker rates the resolution of their question from the prompt on the thread page. Only the
 * person who was asked can rate (anyone else finds no request: 404), once.
 */
export async function rateOnThread({ ctx, input }: VerbArgs<RateOnThreadInput>): Promise<{ ratingId: number; threadId: number }> {
  const actor = requireSignedIn(ctx, 'rate how we solved your question')
  const data = parseInput(RateOnThreadInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    // The newest request on this thread for this person; an older one rated already is history.
    const [request] = await db
      .select()
      .from(csatRequests)
      .where(and(eq(csatRequests.threadId, data.threadId), eq(csatRequests.userId, actor.id)))
      .orderBy(desc(csatRequests.askedAt), desc(csatRequests.id))
      .limit(1)
      .for('update')
    if (!request) throw new NotFoundError('A rating request for this question')
    const { ratingId } = await recordRating(db, request, actor.id, { rating: data.rating, comment: data.comment }, now)
    return { ratingId, threadId: data.threadId }
  })
}
