import { eq, sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { escalations, loopReplies, threads, users, type LoopReply } from '../db/schema'
import { postReply } from '../forum'
import { notifyCustomers } from '../notify'
import { isStaff } from '../policy'
import { lockItem, recordEvent } from '../queue'
import type { DeliveryContext, LateAskersPayload } from '../outbox'
import { loopThreadsOf } from './escalation-core'
import { threadAudienceNotices } from './send-loop-replies'

/**
 * Someone whose report is closed into an item after its fix was announced (an engineer answers
 * "duplicate of #n", support marks their thread a duplicate of the fixed one) would otherwise
 * never hear of it: the announcement went out before their thread belonged to the item. They get
 * what the others got, at once: the "fixed" reply on their own thread (a sent loop reply, so the
 * fix mail carries "This solved it" / "Still broken"), and the notice in the app and by mail.
 *
 * Only while the fix is the item's last word to its askers (its latest sent loop reply is
 * "fixed"): after a workaround or a won't-fix nothing is announced as fixed. Idempotent: a thread
 * that has this announcement's reply is skipped, and each person is told once per announcement
 * (the event key), never when the announcement itself reached them on another thread.
 * Runs in the caller's transaction, `ctx.actor` posting the reply. Returns the threads told.
 */
export async function tellLateAskers(ctx: Ctx, itemId: number): Promise<number[]> {
  const actor = ctx.actor
  if (!actor || !isStaff(actor)) return []
  const db = ctx.db
  const now = ctx.now()
  // Serialises with a concurrent send or announcement on the same item.
  const item = await lockItem(db, itemId)
  const [last] = await db
    .select()
    .from(loopReplies)
    .where(sql`${loopReplies.itemId} = ${item.id} and ${loopReplies.sentAt} is not null`)
    .orderBy(sql`${loopReplies.sentAt} desc, ${loopReplies.id} desc`)
    .limit(1)
  if (!last || last.kind !== 'fixed') return []
  const announcedAt = last.sentAt!
  const heard = await queryRows<{ thread_id: number }>(
    db,
    sql`select thread_id from loop_replies where item_id = ${item.id} and kind = 'fixed' and sent_at >= ${announcedAt.toISOString()}::timestamptz`,
  )
  const told = new Set(heard.map((row) => row.thread_id))
  const late = (await loopThreadsOf(db, item)).filter((thread) => !told.has(thread.threadId))
  if (late.length === 0) return []

  const [escalation] = last.escalationId ? await db.select({ release: escalations.release }).from(escalations).where(eq(escalations.id, last.escalationId)) : []
  const release = escalation?.release ?? null
  const notices = []
  const threadIds: number[] = []
  for (const thread of late) {
    const row = await db
      .insert(loopReplies)
      .values({ itemId: item.id, escalationId: last.escalationId, threadId: thread.threadId, kind: 'fixed', body: last.body, sentAt: now, sentById: actor.id, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: loopReplies.id })
    if (row.length === 0) continue
    // The product's own loop reply, not a person typing: no per-minute write limit applies.
    const reply = await postReply({ ctx: { ...ctx, writeLimits: false }, input: { threadId: thread.threadId, body: last.body } })
    await db.update(loopReplies).set({ replyId: reply.id }).where(eq(loopReplies.id, row[0]!.id))
    notices.push(...(await threadAudienceNotices(db, item.id, { threadId: thread.threadId, kind: 'fixed' } satisfies Pick<LoopReply, 'threadId' | 'kind'>, release, actor.id)))
    threadIds.push(thread.threadId)
  }
  if (threadIds.length === 0) return []
  // Whoever the announcement (or an earlier late telling) reached already heard of this fix.
  const already = await queryRows<{ user_id: number }>(
    db,
    sql`
      select distinct n.user_id from notifications n
      where n.kind = 'loop_fixed' and n.created_at >= ${announcedAt.toISOString()}::timestamptz
        and n.thread_id in (select l.thread_id from loop_replies l where l.item_id = ${item.id} and l.kind = 'fixed' and l.sent_at >= ${announcedAt.toISOString()}::timestamptz)`,
  )
  const skip = new Set(already.map((row) => row.user_id))
  notices.sort((a, b) => Number(b.own) - Number(a.own))
  const notified = await notifyCustomers(
    db,
    notices.filter((notice) => !skip.has(notice.userId)),
    'loop_fixed',
    now,
    `loop:late:${last.id}`,
  )
  await recordEvent(db, item.id, 'loop_closed', actor.id, { kind: 'fixed', threads: threadIds.length, notified, joinedAfterAnnouncement: true }, now)
  return threadIds
}

/**
 * The outbox side of a thread marked as a duplicate (the forum writes LOOP_TELL_LATE_ASKERS with
 * the mark): the item that speaks for the kept thread, followed to where it was closed into,
 * tells the newcomers if its fix went out already. The person who marked it posts the reply.
 */
export async function tellLateAskersOfThread(payload: LateAskersPayload, { db, now }: Pick<DeliveryContext, 'db' | 'now'>): Promise<void> {
  await db.transaction(async (transaction) => {
    const tx = transaction as unknown as Db
    const [thread] = await tx.select({ keptId: threads.duplicateOfId }).from(threads).where(eq(threads.id, payload.threadId))
    // Unmarked again before this ran: nothing joined.
    if (!thread?.keptId) return
    const [latest] = await queryRows<{ id: number; merged_into_item_id: number | null }>(
      tx,
      sql`select id, merged_into_item_id from queue_items where thread_id = ${thread.keptId} order by created_at desc, id desc limit 1`,
    )
    if (!latest) return
    const [marker] = await tx.select().from(users).where(eq(users.id, payload.actorId))
    if (!marker) return
    const actor = { id: marker.id, role: marker.role, displayName: marker.displayName, email: marker.email, organisationId: marker.organisationId }
    await tellLateAskers({ actor, db: tx, now: () => now, requestId: 'outbox' }, latest.merged_into_item_id ?? latest.id)
  })
}
