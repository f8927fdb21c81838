import type { Db } from '../db/client'
import { reviewItems, type ReviewReason } from '../db/schema'
import { enqueue, REVIEW_STAFF_NOTICE } from '../outbox'

/**
 * How long staff's notice of new entries waits to gather more: a spam wave of a hundred posts
 * becomes one notice (and one mail each), and one lone held post is announced within minutes.
 */
export const REVIEW_NOTICE_DELAY_MS = 5 * 60 * 1000

/**
 * Puts a post in front of staff in /review, in the caller's transaction. A post has at most one
 * pending entry: a second reason (a flag on a held post, say) finds the first one waiting.
 * Schedules staff's batched notice (REVIEW_STAFF_NOTICE), which tells of what is hidden then.
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
  // One pending notice at a time: while it waits, further entries keep its (earliest) due time.
  await enqueue(db, { topic: REVIEW_STAFF_NOTICE, key: 'review:staff-notice', payload: {}, dueAt: new Date(now.getTime() + REVIEW_NOTICE_DELAY_MS), onConflict: 'earliest' })
}
