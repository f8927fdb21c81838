import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { csatRatings, type CsatRequest } from '../db/schema'
import { ConflictError } from '../errors'
import { useCsatLinks } from '../mail-preferences'
import { recordEvent } from '../queue'

/**
 * The rating behind both ways of answering (the thread's prompt, the mail's link), in the
 * caller's transaction on a locked request: one rating per request, and every link of it spent.
 */
export async function recordRating(
  db: Db,
  request: CsatRequest,
  raterId: number,
  data: { rating: number; comment: string },
  now: Date,
): Promise<{ ratingId: number }> {
  const [existing] = await db.select({ id: csatRatings.id }).from(csatRatings).where(eq(csatRatings.requestId, request.id))
  if (existing) throw new ConflictError('You rated this already: thank you! Each question is rated once.')
  const [rating] = await db
    .insert(csatRatings)
    .values({
      requestId: request.id,
      itemId: request.itemId,
      userId: raterId,
      rating: data.rating,
      comment: data.comment || null,
      teamSlug: request.teamSlug,
      itemKind: request.itemKind,
      engineerId: request.engineerId,
      ratedAt: now,
    })
    .returning({ id: csatRatings.id })
  await useCsatLinks(db, request.userId, request.id, now)
  // The comment stays in csat_ratings (staff-only): the timeline says a rating came, not what it said.
  await recordEvent(db, request.itemId, 'csat_rated', raterId, { csatRequestId: request.id, rating: data.rating, commented: !!data.comment }, now)
  return { ratingId: rating!.id }
}
