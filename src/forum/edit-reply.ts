import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { replies } from '../db/schema'
import { parseInput } from '../validation'
import { allowed, refuseEdit } from './policy'
import { renderPostBody } from './render-post-body'
import { EditReplyInput } from './schemas'
import { lockReply, threadChanged } from './thread-state'
import { checkWriteAllowed, queueForReview, screenPost } from '../safety'
import { announceHeld, setPostVisibility } from './post-visibility'

export async function editReply({ ctx, input }: VerbArgs): Promise<{ id: number; threadId: number }> {
  const actor = requireSignedIn(ctx, 'edit posts')
  const data = parseInput(EditReplyInput, input)
  const body = renderPostBody(data.body, 'Reply')
  const standing = await checkWriteAllowed(ctx, 'edit')
  return inTransaction(ctx, async ({ db }) => {
    const { reply, thread } = await lockReply(db, data.replyId, actor)
    allowed(refuseEdit(actor, reply, thread))
    const screening = await screenPost(db, standing!, { kind: 'edit', markdown: data.body, html: body.html }, ctx.now(), ctx.mail?.publicUrl)
    if (data.body !== reply.bodyMarkdown) {
      await db
        .update(replies)
        .set({ bodyMarkdown: data.body, bodyHtml: body.html, bodyText: body.text, editedAt: ctx.now() })
        .where(eq(replies.id, reply.id))
    }
    await threadChanged(db, thread.id, ctx.now())
    const review = screening.hold ?? (screening.flag ? { reason: 'watched_word' as const, detail: screening.flag.detail } : null)
    if (review) await queueForReview(db, { threadId: thread.id, replyId: reply.id, authorId: reply.authorId, ...review }, ctx.now())
    if (screening.hold && !reply.hiddenAt) await announceHeld(db, { threadId: thread.id, replyId: reply.id }, screening.hold, ctx.now())
    if (screening.hold && !reply.hiddenAt) await setPostVisibility(db, { threadId: thread.id, replyId: reply.id }, { hidden: true, reason: 'held', byId: null }, ctx.now())
    return { id: reply.id, threadId: thread.id }
  })
}
