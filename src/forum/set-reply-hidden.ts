import { recordStaffAction } from '../audit'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { parseInput } from '../validation'
import { setPostVisibility } from './post-visibility'
import { ReplyToggleInput } from './schemas'
import { lockReply } from './thread-state'

/** Staff hide a reply; a hidden reply stops counting and cannot stay the accepted solution. */
export async function setReplyHidden({ ctx, input }: VerbArgs): Promise<{ id: number; threadId: number; hidden: boolean }> {
  const actor = requireStaff(ctx, 'hide posts')
  const data = parseInput(ReplyToggleInput, input)
  return inTransaction(ctx, async (tx) => {
    const { reply, thread } = await lockReply(tx.db, data.replyId, actor)
    const change = await setPostVisibility(
      tx.db,
      { threadId: thread.id, replyId: reply.id },
      data.on ? { hidden: true, reason: 'staff', byId: actor.id } : { hidden: false },
      ctx.now(),
    )
    if (change.wasHidden !== data.on)
      await recordStaffAction({
        ctx: tx,
        input: { action: data.on ? 'post.hidden' : 'post.unhidden', subjectType: 'reply', subjectId: reply.id, subjectLabel: thread.title, details: { threadId: thread.id, before: change.wasReason } },
      })
    return { id: reply.id, threadId: thread.id, hidden: data.on }
  })
}
