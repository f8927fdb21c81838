import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { replies, threads } from '../db/schema'
import { parseInput } from '../validation'
import { ReplyToggleInput } from './schemas'
import { lockReply, refreshThreadCounters, threadChanged } from './thread-state'

/** Staff hide a reply; a hidden reply stops counting and cannot stay the accepted solution. */
export async function setReplyHidden({ ctx, input }: VerbArgs): Promise<{ id: number; threadId: number; hidden: boolean }> {
  const actor = requireStaff(ctx, 'hide posts')
  const data = parseInput(ReplyToggleInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const { reply, thread } = await lockReply(db, data.replyId, actor)
    await db
      .update(replies)
      .set(data.on ? { hiddenAt: ctx.now(), hiddenById: actor.id } : { hiddenAt: null, hiddenById: null })
      .where(eq(replies.id, reply.id))
    if (data.on && thread.acceptedReplyId === reply.id) {
      await db
        .update(threads)
        .set({ acceptedReplyId: null, acceptedAt: null, acceptedById: null })
        .where(eq(threads.id, thread.id))
    }
    await refreshThreadCounters(db, thread.id)
    await threadChanged(db, thread.id, ctx.now())
    return { id: reply.id, threadId: thread.id, hidden: data.on }
  })
}
