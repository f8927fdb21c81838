import { and, eq, isNull } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { postFlags, replies, reviewItems, threads, users, type ReviewStatus } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { setPostVisibility, type PostRef } from '../forum'
import { requireStaff } from '../policy'
import { parseInput } from '../validation'
import { emitWebhookEvent } from '../webhooks'
import { closeReviewItems, resolveFlags } from './resolve-flags'
import { sanctionAccount } from './sanction-account'
import { ReviewPostInput } from './schemas'

const STATUS_OF = { approve: 'approved', reject: 'rejected', hide: 'hidden', suspend: 'rejected' } as const satisfies Record<string, ReviewStatus>

/**
 * Staff decide a post in /review: approve (it is shown, and a held post is announced now; its
 * flags were wrong), reject (it stays out of sight for good), hide (hidden by staff; its author
 * still sees it), or suspend its author (reject, and suspend with a reason, a message and an end;
 * the author's other held posts are rejected too). Each decision is an audit entry.
 */
export async function reviewPost({ ctx, input }: VerbArgs<ReviewPostInput>): Promise<{ threadId: number; replyId: number | null; status: ReviewStatus }> {
  const actor = requireStaff(ctx, 'review posts')
  const data = parseInput(ReviewPostInput, input)
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = ctx.now()
    const [item] = await db.select().from(reviewItems).where(eq(reviewItems.id, data.reviewItemId)).for('update')
    if (!item) throw new NotFoundError('That review entry')
    if (item.status !== 'pending') {
      const [by] = item.resolvedById ? await db.select({ name: users.displayName }).from(users).where(eq(users.id, item.resolvedById)) : []
      throw new ConflictError(`This post was already reviewed (${item.status}${by ? ` by ${by.name}` : ''}).`)
    }
    const post: PostRef = { threadId: item.threadId, replyId: item.replyId }
    const current = await currentVisibility(tx.db, post)
    let change
    if (data.decision === 'approve') {
      // Approving undoes only what the filters and flags did, never another moderator's hide.
      change = current.hidden && (current.reason === 'held' || current.reason === 'flagged') ? await setPostVisibility(db, post, { hidden: false }, now) : null
    } else {
      const reason = data.decision === 'hide' ? 'staff' : 'rejected'
      change = await setPostVisibility(db, post, { hidden: true, reason, byId: actor.id }, now)
    }
    await resolveFlags(db, post, data.decision === 'approve' ? 'disagreed' : 'agreed', actor.id, now)
    await closeReviewItems(db, { id: item.id }, STATUS_OF[data.decision], actor.id, now)
    await recordStaffAction({
      ctx: tx,
      input: {
        action: `review.${data.decision === 'approve' ? 'approved' : data.decision === 'reject' ? 'rejected' : data.decision === 'hide' ? 'hidden' : 'author_suspended'}`,
        subjectType: item.replyId ? 'reply' : 'thread',
        subjectId: item.replyId ?? item.threadId,
        subjectLabel: current.title,
        details: { threadId: item.threadId, reviewItemId: item.id, filter: item.reason, detail: item.detail, wasHidden: change?.wasReason ?? current.reason },
      },
    })
    if (data.decision === 'approve') {
      // Public: which post, and whether it comes back into sight; the filter's detail, the flags'
      // notes and who decided are staff's own, for internal endpoints only.
      const flags = await db.select({ reason: postFlags.reason, note: postFlags.note }).from(postFlags).where(and(eq(postFlags.threadId, item.threadId), item.replyId ? eq(postFlags.replyId, item.replyId) : isNull(postFlags.replyId), eq(postFlags.resolvedAt, now)))
      await emitWebhookEvent(
        db,
        'post.approved',
        {
          threadId: item.threadId,
          replyId: item.replyId,
          extra: { post: { kind: item.replyId ? 'reply' : 'question', threadId: item.threadId, replyId: item.replyId }, filter: item.reason, previousReason: current.reason, shown: change !== null },
          internal: { detail: item.detail, flags, reviewedBy: { id: actor.id, name: actor.displayName } },
        },
        now,
      )
    }
    if (data.decision === 'suspend') {
      await sanctionAccount({ ctx: tx, input: { userId: item.authorId, kind: 'suspend', reason: data.reason, message: data.message, duration: data.duration === null ? 'forever' : String(data.duration) } })
      // Whatever else of theirs waits for approval goes with them.
      const others = await closeReviewItems(db, { authorId: item.authorId }, 'rejected', actor.id, now)
      for (const other of others) {
        const otherPost = { threadId: other.threadId, replyId: other.replyId }
        const state = await currentVisibility(db, otherPost)
        if (state.reason === 'held' || !state.hidden) await setPostVisibility(db, otherPost, { hidden: true, reason: 'rejected', byId: actor.id }, now)
        await resolveFlags(db, otherPost, 'agreed', actor.id, now)
      }
    }
    return { threadId: item.threadId, replyId: item.replyId, status: STATUS_OF[data.decision] }
  })
}

async function currentVisibility(db: Parameters<typeof setPostVisibility>[0], post: PostRef) {
  const [thread] = await db.select({ title: threads.title, hiddenAt: threads.hiddenAt, reason: threads.hiddenReason }).from(threads).where(eq(threads.id, post.threadId))
  if (!thread) throw new NotFoundError('That thread')
  const [reply] = post.replyId ? await db.select({ hiddenAt: replies.hiddenAt, reason: replies.hiddenReason }).from(replies).where(eq(replies.id, post.replyId)) : []
  const state = post.replyId ? reply : thread
  if (!state) throw new NotFoundError('That reply')
  return { title: thread.title, hidden: state.hiddenAt !== null, reason: state.hiddenAt ? (state.reason ?? 'staff') : null }
}
