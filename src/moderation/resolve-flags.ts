import { and, eq, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { postFlags, reviewItems, type FlagOutcome, type ReviewStatus } from '../db/schema'
import type { PostRef } from '../forum'

/** Closes every open flag on a post with staff's verdict on it. */
export async function resolveFlags(db: Db, post: PostRef, outcome: FlagOutcome, byId: number, now: Date): Promise<number> {
  const rows = await db
    .update(postFlags)
    .set({ resolvedAt: now, resolvedById: byId, outcome })
    .where(and(eq(postFlags.threadId, post.threadId), post.replyId ? eq(postFlags.replyId, post.replyId) : isNull(postFlags.replyId), isNull(postFlags.resolvedAt)))
    .returning({ id: postFlags.id })
  return rows.length
}

/** The one writer of review_items.status: a pending entry becomes a decision, with who and when. */
export async function closeReviewItems(db: Db, where: { id: number } | { authorId: number }, status: Exclude<ReviewStatus, 'pending'>, byId: number, now: Date) {
  return db
    .update(reviewItems)
    .set({ status, resolvedAt: now, resolvedById: byId })
    .where(and('id' in where ? eq(reviewItems.id, where.id) : eq(reviewItems.authorId, where.authorId), sql`${reviewItems.status} = 'pending'`))
    .returning({ id: reviewItems.id, threadId: reviewItems.threadId, replyId: reviewItems.replyId })
}
