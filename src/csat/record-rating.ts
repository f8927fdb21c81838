import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { csatRatings, type CsatRequest } from '../db/schema'
import { ConflictError } from '../errors'
import { useCsatLinks } from '../mail-preferences'
import { recordEvent } from '../queue'
import { emitWebhookEvent } from '../webhooks'

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
  // Integrations (a CRM, a chat channel) learn of the rating in this transaction; the event's id
  // is the delivery's webhook-id, and a request takes one rating, so it is sent once.
  // The comment is for staff: the customer wrote it to us, often naming their account or a
  // person, and our pages show it to staff only. An endpoint an admin marked internal stands
  // inside the company (it receives internal notes with other events), so it gets the comment
  // under data.internal; every other endpoint gets the score and whether there was a comment.
  // The item goes by its number, team and kind, not as a subject: a subject item brings its
  // internal notes to internal endpoints, and a rating is no reason to send those anywhere.
  await emitWebhookEvent(
    db,
    'csat.rated',
    {
      threadId: request.threadId,
      extra: {
        item: { id: request.itemId, team: request.teamSlug, kind: request.itemKind, url: `/queue/items/${request.itemId}` },
        rating: {
          id: rating!.id,
          requestId: request.id,
          score: data.rating,
          commented: !!data.comment,
          engineerId: request.engineerId,
          raterId,
          ratedAt: now.toISOString(),
        },
      },
      internal: data.comment ? { comment: data.comment } : {},
    },
    now,
  )
  return { ratingId: rating!.id }
}
