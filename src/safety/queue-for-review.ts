import type { Db } from '../db/client'
import { reviewItems, type ReviewReason } from '../db/schema'

/**
 * Puts a post in front of staff in /review, in the caller's transaction. A post has at most one
 * pending entry: a second reason (a flag on a held post, say) finds the first one waiting.
 */
export async function queueForReview(
  db: Db,
  entry: { threadId: number; replyId: number | null; authorId: number; reason: ReviewReason; detail: string },
  now: Date,
): Promise<void> {
  await db
    .insert(reviewItems)
    .values({ threadId: entry.threadId, replyId: entry.replyId, authorId: entry.authorId, reason: entry.reason, detail: entry.detail.slice(0, 1000), createdAt: now })
    .onConflictDoNothing()
}
