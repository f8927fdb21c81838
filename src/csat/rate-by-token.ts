import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { csatRequests } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { readMailToken } from '../mail-preferences'
import { parseInput } from '../validation'
import { recordRating } from './record-rating'
import { RateByTokenInput } from './schemas'

/**
 * The rating from the CSAT mail's signed link, without signing in: the token stands for the
 * asker. It is spent with the rating in one transaction, so a second POST is refused; a token
 * that was never issued (a forged or altered link) is a 404.
 */
export async function rateByToken({ ctx, input }: VerbArgs<RateByTokenInput>): Promise<{ ratingId: number; threadId: number | null }> {
  const data = parseInput(RateByTokenInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const token = await readMailToken(db, data.token, ['csat'], now, { forUpdate: true })
    if (token.state === 'unknown') throw new NotFoundError('This rating link')
    if (token.state === 'used') throw new ConflictError('This link was used already: we have your rating. Thank you!')
    if (token.state === 'expired') throw new ConflictError('This rating link has expired (links in the mail work for 30 days).')
    const live = token as Exclude<typeof token, { state: 'unknown' }>
    const requestId = Number(live.data.csatRequestId)
    if (!Number.isInteger(requestId)) throw new NotFoundError('This rating link')
    const [request] = await db.select().from(csatRequests).where(eq(csatRequests.id, requestId)).for('update')
    if (!request || request.userId !== live.userId) throw new NotFoundError('This rating link')
    const { ratingId } = await recordRating(db, request, live.userId, { rating: data.rating, comment: data.comment }, now)
    return { ratingId, threadId: request.threadId }
  })
}
