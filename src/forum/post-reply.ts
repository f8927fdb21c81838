import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { replies } from '../db/schema'
import { parseInput } from '../validation'
import { allowed, refuseReply } from './policy'
import { renderPostBody } from './render-post-body'
import { PostReplyInput } from './schemas'
import { lockThread, refreshThreadCounters, replyPosted, subscribeUnlessChosen, threadChanged } from './thread-state'
import { emitWebhookEvent } from '../webhooks'

export async function postReply({ ctx, input }: VerbArgs): Promise<{ id: number; threadId: number }> {
  const actor = requireSignedIn(ctx, 'reply')
  const data = parseInput(PostReplyInput, input)
  const body = renderPostBody(data.body, 'Reply')
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    allowed(refuseReply(actor, thread))
    const now = ctx.now()
    const [reply] = await db
      .insert(replies)
      .values({
        threadId: thread.id,
        authorId: actor.id,
        bodyMarkdown: data.body,
        bodyHtml: body.html,
        bodyText: body.text,
        createdAt: now,
      })
      .returning({ id: replies.id })
    await refreshThreadCounters(db, thread.id)
    await subscribeUnlessChosen(db, thread.id, actor.id, now)
    await threadChanged(db, thread.id, now)
    await replyPosted(db, reply!.id, now)
    await emitWebhookEvent(db, 'thread.answered', { threadId: thread.id, extra: { reply: { id: reply!.id, author: actor.displayName, byStaff: actor.role !== 'member', url: `/t/${thread.id}#reply-${reply!.id}` } } }, now)
    return { id: reply!.id, threadId: thread.id }
  })
}
