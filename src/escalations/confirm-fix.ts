import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type Actor, type Ctx, type VerbArgs } from '../ctx'
import { escalations, loopReplies, threads } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import { setAcceptedReply } from '../forum'
import { notifyStaff } from '../notify'
import { lockItem, moveItem, recordEvent } from '../queue'
import { parseInput } from '../validation'
import { ConfirmFixInput } from './schemas'

/**
 * The asker answers the "fixed" reply on their thread. "This solved it" accepts that reply and
 * resolves the item; "still broken" reopens it for support and tells the engineer.
 */
export async function confirmFix({ ctx, input }: VerbArgs): Promise<{ thread: { id: number; slug: string }; solved: boolean }> {
  const actor = requireSignedIn(ctx, 'confirm a fix')
  const data = parseInput(ConfirmFixInput, input)
  return answerFix(ctx, actor, data)
}

/**
 * The state change behind both ways of answering a fix (the thread's buttons, and the mail's
 * signed links through confirmFixByToken), acting as `actor`, in the caller's transaction if any.
 */
export async function answerFix(
  ctx: Ctx,
  actor: Actor,
  data: { loopReplyId: number; solved: boolean },
): Promise<{ thread: { id: number; slug: string }; solved: boolean }> {
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = ctx.now()
    const [loop] = await db.select().from(loopReplies).where(eq(loopReplies.id, data.loopReplyId)).for('update')
    if (!loop || !loop.sentAt || loop.kind !== 'fixed' || !loop.replyId) throw new NotFoundError('That fix')
    const [thread] = await db.select({ id: threads.id, slug: threads.slug, authorId: threads.authorId, title: threads.title }).from(threads).where(eq(threads.id, loop.threadId))
    if (!thread || thread.authorId !== actor.id) throw new ForbiddenError('Only the person who asked can confirm whether the fix worked.')
    if (loop.confirmedAt)
      throw new ConflictError(loop.confirmation === 'solved' ? 'You already told us this solved it. Thank you!' : 'You already told us it is still broken; the team is on it.')
    await db.update(loopReplies).set({ confirmation: data.solved ? 'solved' : 'still_broken', confirmedAt: now }).where(eq(loopReplies.id, loop.id))

    const item = await lockItem(db, loop.itemId)
    const detail = { threadId: loop.threadId, loopReplyId: loop.id }
    if (data.solved) {
      await setAcceptedReply({ ctx: tx, input: { replyId: loop.replyId, on: true } })
      await recordEvent(db, item.id, 'fix_confirmed', actor.id, detail, now)
      if (item.state === 'fixed_pending_confirmation') await moveItem(db, item, { to: 'resolved', actorId: actor.id, reason: 'The customer confirmed the fix.', detail }, now)
      return { thread: { id: thread.id, slug: thread.slug }, solved: true }
    }
    await recordEvent(db, item.id, 'fix_disputed', actor.id, detail, now)
    if (item.state === 'fixed_pending_confirmation' || item.state === 'resolved')
      await moveItem(db, item, { to: 'in_progress', actorId: actor.id, reason: 'The customer says it is still broken.', detail, announcedByCaller: true }, now)
    const [escalation] = loop.escalationId ? await db.select({ engineerId: escalations.engineerId }).from(escalations).where(eq(escalations.id, loop.escalationId)) : []
    await notifyStaff(db, [item.assigneeId, escalation?.engineerId], 'fix_disputed', item.id, `A customer says “${thread.title}” is still broken after the fix.`, now)
    return { thread: { id: thread.id, slug: thread.slug }, solved: false }
  })
}
