import { and, eq, inArray, sql } from 'drizzle-orm'
import { isStaff } from '../policy'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { replies, subscriptions, tags, threads, threadTags, type Reply, type Thread } from '../db/schema'
import { NotFoundError } from '../errors'
import { enqueueThreadEvent } from '../notify'
import { enqueue, QUEUE_EVALUATE_REPLY, QUEUE_EVALUATE_THREAD, SEARCH_INDEX_THREADS, type ReplyPayload, type SearchIndexPayload, type ThreadPayload } from '../outbox'

// Helpers the forum verbs share. Each runs inside the caller's transaction.

/** A hidden post is gone for everyone but staff and its author. */
export function canSeeHidden(actor: Actor | null, authorId: number): boolean {
  return !!actor && (isStaff(actor) || actor.id === authorId)
}

/** The thread, locked for update, or NotFound when it does not exist or is hidden from the actor. */
export async function lockThread(db: Db, threadId: number, actor: Actor | null): Promise<Thread> {
  const [thread] = await db.select().from(threads).where(eq(threads.id, threadId)).for('update')
  if (!thread || (thread.hiddenAt && !canSeeHidden(actor, thread.authorId))) throw new NotFoundError('That thread')
  return thread
}

/** The reply and its thread, both locked, or NotFound for what the actor may not see. */
export async function lockReply(db: Db, replyId: number, actor: Actor | null): Promise<{ reply: Reply; thread: Thread }> {
  const [reply] = await db.select().from(replies).where(eq(replies.id, replyId)).for('update')
  if (!reply || (reply.hiddenAt && !canSeeHidden(actor, reply.authorId))) throw new NotFoundError('That reply')
  const thread = await lockThread(db, reply.threadId, actor)
  return { reply, thread }
}

/**
 * Recomputes a thread's reply count, first answer and last activity from its visible
 * replies in one statement, so posting, hiding and un-hiding can never drift apart.
 */
export async function refreshThreadCounters(db: Db, threadId: number): Promise<void> {
  await db.execute(sql`
    update threads set
      reply_count = (select count(*)::int from replies r where r.thread_id = threads.id and r.hidden_at is null),
      answered_at = (select min(r.created_at) from replies r
                     where r.thread_id = threads.id and r.hidden_at is null and r.author_id <> threads.author_id),
      last_activity_at = greatest(threads.created_at,
                     (select max(r.created_at) from replies r where r.thread_id = threads.id and r.hidden_at is null))
    where threads.id = ${threadId}`)
}

/** Replaces a thread's tags, creating tags that do not exist yet. */
export async function setThreadTags(db: Db, threadId: number, names: string[]): Promise<void> {
  await db.delete(threadTags).where(eq(threadTags.threadId, threadId))
  if (names.length === 0) return
  await db
    .insert(tags)
    .values(names.map((name) => ({ name })))
    .onConflictDoNothing()
  const rows = await db.select({ id: tags.id }).from(tags).where(inArray(tags.name, names))
  await db.insert(threadTags).values(rows.map((tag) => ({ threadId, tagId: tag.id })))
}

/** Posting subscribes, unless the person already chose (including choosing to unsubscribe). */
export async function subscribeUnlessChosen(db: Db, threadId: number, userId: number, now: Date): Promise<void> {
  await db.insert(subscriptions).values({ threadId, userId, subscribed: true, updatedAt: now }).onConflictDoNothing()
}

export async function setSubscribed(db: Db, threadId: number, userId: number, subscribed: boolean, now: Date) {
  await db
    .insert(subscriptions)
    .values({ threadId, userId, subscribed, updatedAt: now })
    .onConflictDoUpdate({ target: [subscriptions.threadId, subscriptions.userId], set: { subscribed, updatedAt: now } })
}

export async function isVisibleReplyOf(db: Db, replyId: number, threadId: number): Promise<boolean> {
  const [row] = await db
    .select({ id: replies.id })
    .from(replies)
    .where(and(eq(replies.id, replyId), eq(replies.threadId, threadId), sql`${replies.hiddenAt} is null`))
  return !!row
}

/**
 * Records, in the caller's transaction, that something on a thread's page changed: its revision
 * moves (so cached renderings of the page expire) and, when the change is searchable, the search
 * index catches up through the outbox, so an engine outage delays indexing and loses nothing.
 */
export async function threadChanged(db: Db, threadId: number, now: Date, options: { searchable?: boolean } = {}): Promise<void> {
  await db
    .update(threads)
    .set({ revision: sql`${threads.revision} + 1` })
    .where(eq(threads.id, threadId))
  // The support queue's rules look at every change (a reply may meet an SLA target).
  await enqueue(db, {
    topic: QUEUE_EVALUATE_THREAD,
    key: `queue:thread:${threadId}`,
    payload: { threadId } satisfies ThreadPayload,
    dueAt: now,
  })
  if (options.searchable === false) return
  await enqueue(db, {
    topic: SEARCH_INDEX_THREADS,
    key: `search:thread:${threadId}`,
    payload: { threadIds: [threadId] } satisfies SearchIndexPayload,
    dueAt: now,
  })
}

/**
 * A new reply, beyond what changed on its thread: the people who follow the thread hear of it,
 * and the queue judges whether it brings a closed item back. Both through the outbox.
 */
export async function replyPosted(db: Db, replyId: number, now: Date): Promise<void> {
  await enqueue(db, { topic: QUEUE_EVALUATE_REPLY, key: `queue:reply:${replyId}`, payload: { replyId } satisfies ReplyPayload, dueAt: now })
  await enqueueThreadEvent(db, { kind: 'reply', replyId }, now)
}
