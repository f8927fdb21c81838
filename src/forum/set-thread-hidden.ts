import { recordStaffAction } from '../audit'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { parseInput } from '../validation'
import { setPostVisibility } from './post-visibility'
import { ThreadToggleInput } from './schemas'
import { lockThread } from './thread-state'

/** Staff hide a question: it leaves lists, feeds and the sitemap; its author and staff still see it. */
export async function setThreadHidden({ ctx, input }: VerbArgs): Promise<{ id: number; slug: string; hidden: boolean }> {
  const actor = requireStaff(ctx, 'hide posts')
  const data = parseInput(ThreadToggleInput, input)
  return inTransaction(ctx, async (tx) => {
    const thread = await lockThread(tx.db, data.threadId, actor)
    const change = await setPostVisibility(
      tx.db,
      { threadId: thread.id, replyId: null },
      data.on ? { hidden: true, reason: 'staff', byId: actor.id } : { hidden: false },
      ctx.now(),
    )
    if (change.wasHidden !== data.on)
      await recordStaffAction({
        ctx: tx,
        input: { action: data.on ? 'post.hidden' : 'post.unhidden', subjectType: 'thread', subjectId: thread.id, subjectLabel: thread.title, details: { before: change.wasReason } },
      })
    return { id: thread.id, slug: thread.slug, hidden: data.on }
  })
}
