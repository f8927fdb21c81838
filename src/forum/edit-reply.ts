import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { replies } from '../db/schema'
import { parseInput } from '../validation'
import { allowed, refuseEdit } from './policy'
import { renderPostBody } from './render-post-body'
import { EditReplyInput } from './schemas'
import { lockReply, threadChanged } from './thread-state'

export async function editReply({ ctx, input }: VerbArgs): Promise<{ id: number; threadId: number }> {
  const actor = requireSignedIn(ctx, 'edit posts')
  const data = parseInput(EditReplyInput, input)
  const body = renderPostBody(data.body, 'Reply')
  return inTransaction(ctx, async ({ db }) => {
    const { reply, thread } = await lockReply(db, data.replyId, actor)
    allowed(refuseEdit(actor, reply, thread))
    if (data.body !== reply.bodyMarkdown) {
      await db
        .update(replies)
        .set({ bodyMarkdown: data.body, bodyHtml: body.html, bodyText: body.text, editedAt: ctx.now() })
        .where(eq(replies.id, reply.id))
    }
    await threadChanged(db, thread.id, ctx.now())
    return { id: reply.id, threadId: thread.id }
  })
}
