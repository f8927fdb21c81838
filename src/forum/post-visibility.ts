import { eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { replies, threads, users } from '../db/schema'
import { NotFoundError } from '../errors'
import { emitWebhookEvent } from '../webhooks'
import { refreshThreadCounters, replyPosted, threadChanged } from './thread-state'

/** Why a post is hidden. Null (older rows) reads as 'staff'. */
export const hiddenReasons = ['staff', 'flagged', 'held', 'rejected', 'removed'] as const
export type HiddenReason = (typeof hiddenReasons)[number]

/** A question (replyId null) or a reply. */
export interface PostRef {
  threadId: number
  replyId: number | null
}

export interface VisibilityChange {
  /** The post's author, for the caller's record. */
  authorId: number
  /** A label for audit entries and the review queue: the thread's title. */
  title: string
  wasHidden: boolean
  wasReason: HiddenReason | null
}

/**
 * The one writer of a post's hidden state (staff hiding, trusted flags, the review queue, removing
 * a spammer). Hiding keeps counters and the accepted answer right; showing a post that was held
 * before anyone saw it does now what posting it would have done: notifications, the support
 * queue's rules, search and webhooks, all through the outbox in the caller's transaction.
 */
export async function setPostVisibility(
  db: Db,
  post: PostRef,
  change: { hidden: true; reason: HiddenReason; byId: number | null } | { hidden: false },
  now: Date,
): Promise<VisibilityChange> {
  const [thread] = await db.select().from(threads).where(eq(threads.id, post.threadId)).for('update')
  if (!thread) throw new NotFoundError('That thread')
  const hidden = change.hidden ? { hiddenAt: now, hiddenById: change.byId, hiddenReason: change.reason } : { hiddenAt: null, hiddenById: null, hiddenReason: null }

  if (post.replyId === null) {
    const was = { wasHidden: thread.hiddenAt !== null, wasReason: reasonOf(thread) }
    // Re-hiding keeps the first moment; only the reason and who move.
    await db
      .update(threads)
      .set(change.hidden && thread.hiddenAt ? { ...hidden, hiddenAt: thread.hiddenAt } : hidden)
      .where(eq(threads.id, thread.id))
    await threadChanged(db, thread.id, now)
    if (!change.hidden && was.wasReason === 'held') await emitWebhookEvent(db, 'thread.created', { threadId: thread.id }, now)
    await emitHidden(db, post, change, was, now)
    return { authorId: thread.authorId, title: thread.title, ...was }
  }

  const [reply] = await db.select().from(replies).where(eq(replies.id, post.replyId)).for('update')
  if (!reply || reply.threadId !== thread.id) throw new NotFoundError('That reply')
  const was = { wasHidden: reply.hiddenAt !== null, wasReason: reasonOf(reply) }
  await db
    .update(replies)
    .set(change.hidden && reply.hiddenAt ? { ...hidden, hiddenAt: reply.hiddenAt } : hidden)
    .where(eq(replies.id, reply.id))
  if (change.hidden && thread.acceptedReplyId === reply.id)
    await db.update(threads).set({ acceptedReplyId: null, acceptedAt: null, acceptedById: null }).where(eq(threads.id, thread.id))
  await refreshThreadCounters(db, thread.id)
  await threadChanged(db, thread.id, now)
  if (!change.hidden && was.wasReason === 'held') await announceReply(db, thread.id, reply.id, reply.authorId, now)
  await emitHidden(db, post, change, was, now)
  return { authorId: reply.authorId, title: thread.title, ...was }
}

/**
 * post.hidden when a post goes out of sight, or stays out with a new reason (a held post
 * rejected). Holding is post.held (announceHeld); a removed spammer's posts are in user.removed.
 * Who hid it is for internal endpoints only: moderators are not named to customers' systems.
 */
async function emitHidden(
  db: Db,
  post: PostRef,
  change: { hidden: true; reason: HiddenReason; byId: number | null } | { hidden: false },
  was: { wasHidden: boolean; wasReason: HiddenReason | null },
  now: Date,
): Promise<void> {
  if (!change.hidden || change.reason === 'held' || change.reason === was.wasReason) return
  const [by] = change.byId ? await db.select({ id: users.id, name: users.displayName }).from(users).where(eq(users.id, change.byId)) : []
  await emitWebhookEvent(
    db,
    'post.hidden',
    { threadId: post.threadId, replyId: post.replyId, extra: { post: postOf(post), reason: change.reason, previousReason: was.wasReason }, internal: { hiddenBy: by ?? null } },
    now,
  )
}

function postOf(post: PostRef) {
  return { kind: post.replyId ? 'reply' : 'question', threadId: post.threadId, replyId: post.replyId }
}

/**
 * post.held: a new post (or an edit) waits for staff before anyone sees it. Public: which post and
 * which kind of filter; what matched (the watched word, the domains) is internal, since the list
 * of watched words helps whoever wants round it.
 */
export async function announceHeld(db: Db, post: PostRef, hold: { reason: string; detail: string }, now: Date): Promise<void> {
  await emitWebhookEvent(db, 'post.held', { threadId: post.threadId, replyId: post.replyId, extra: { post: postOf(post), filter: hold.reason }, internal: { detail: hold.detail } }, now)
}

/** What posting a reply announces; for a held reply it waits until staff approve it. */
export async function announceReply(db: Db, threadId: number, replyId: number, authorId: number, now: Date): Promise<void> {
  const [author] = await db.select({ displayName: users.displayName, role: users.role }).from(users).where(eq(users.id, authorId))
  await replyPosted(db, replyId, now)
  await emitWebhookEvent(
    db,
    'thread.answered',
    { threadId, extra: { reply: { id: replyId, author: author?.displayName ?? '', byStaff: (author?.role ?? 'member') !== 'member', url: `/t/${threadId}#reply-${replyId}` } } },
    now,
  )
}

function reasonOf(post: { hiddenAt: Date | null; hiddenReason: string | null }): HiddenReason | null {
  if (!post.hiddenAt) return null
  return (hiddenReasons as readonly string[]).includes(post.hiddenReason ?? '') ? (post.hiddenReason as HiddenReason) : 'staff'
}

/** Hides every post of one author (a removed spammer) and says how many of each went. */
export async function hideAllPostsOf(db: Db, authorId: number, byId: number, now: Date): Promise<{ threads: number; replies: number }> {
  const hiddenThreads = await db
    .update(threads)
    .set({ hiddenAt: now, hiddenById: byId, hiddenReason: 'removed' })
    .where(sql`${threads.authorId} = ${authorId}`)
    .returning({ id: threads.id })
  const hiddenReplies = await db
    .update(replies)
    .set({ hiddenAt: sql`coalesce(${replies.hiddenAt}, ${now.toISOString()}::timestamptz)`, hiddenById: byId, hiddenReason: 'removed' })
    .where(sql`${replies.authorId} = ${authorId}`)
    .returning({ id: replies.id, threadId: replies.threadId })
  const touched = new Set([...hiddenThreads.map((t) => t.id), ...hiddenReplies.map((r) => r.threadId)])
  if (hiddenReplies.length > 0) {
    await db.execute(sql`update threads set accepted_reply_id = null, accepted_at = null, accepted_by_id = null
                         where accepted_reply_id in (select id from replies where author_id = ${authorId})`)
  }
  for (const threadId of touched) {
    await refreshThreadCounters(db, threadId)
    await threadChanged(db, threadId, now)
  }
  return { threads: hiddenThreads.length, replies: hiddenReplies.length }
}
