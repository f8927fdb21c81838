import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { threads } from '../db/schema'
import { ConflictError } from '../errors'
import { enqueueThreadEvent } from '../notify'
import { parseInput } from '../validation'
import { allowed, refuseAccept } from './policy'
import { ReplyToggleInput } from './schemas'
import { lockReply, threadChanged } from './thread-state'
import { emitWebhookEvent } from '../webhooks'
import { promoteIfEarned } from '../safety'

/**
 * Marks a reply as the accepted solution (replacing any earlier one), or unmarks it.
 * Unmarking a reply that is not the accepted one changes nothing.
 */
export async function setAcceptedReply({ ctx, input }: VerbArgs): Promise<{ threadId: number; acceptedReplyId: number | null }> {
  const actor = requireSignedIn(ctx, 'mark the solution')
  const data = parseInput(ReplyToggleInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const { reply, thread } = await lockReply(db, data.replyId, actor)
    allowed(refuseAccept(actor, thread))
    if (data.on) {
      if (reply.hiddenAt) throw new ConflictError('A hidden reply cannot be the accepted solution.')
      await db
        .update(threads)
        .set({ acceptedReplyId: reply.id, acceptedAt: ctx.now(), acceptedById: actor.id })
        .where(eq(threads.id, thread.id))
      await threadChanged(db, thread.id, ctx.now())
      if (thread.acceptedReplyId !== reply.id) {
        await enqueueThreadEvent(db, { kind: 'accepted', threadId: thread.id, replyId: reply.id }, ctx.now())
        await emitWebhookEvent(db, 'thread.solved', { threadId: thread.id, extra: { acceptedReply: { id: reply.id, acceptedBy: actor.displayName } } }, ctx.now())
        // Being accepted is what trust levels reward most.
        await promoteIfEarned(db, reply.authorId, ctx.now())
      }
      return { threadId: thread.id, acceptedReplyId: reply.id }
    }
    if (thread.acceptedReplyId !== reply.id) return { threadId: thread.id, acceptedReplyId: thread.acceptedReplyId }
    await db
      .update(threads)
      .set({ acceptedReplyId: null, acceptedAt: null, acceptedById: null })
      .where(eq(threads.id, thread.id))
    await threadChanged(db, thread.id, ctx.now())
    return { threadId: thread.id, acceptedReplyId: null }
  })
}
