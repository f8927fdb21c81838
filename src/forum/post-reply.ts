import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { replies } from '../db/schema'
import { parseInput } from '../validation'
import { allowed, refuseReply } from './policy'
import { renderPostBody } from './render-post-body'
import { PostReplyInput } from './schemas'
import { lockThread, refreshThreadCounters, subscribeUnlessChosen, threadChanged } from './thread-state'
import { checkWriteAllowed, promoteIfEarned, queueForReview, screenPost } from '../safety'
import { announceHeld, announceReply } from './post-visibility'

/**
 * Posts a reply. Trust and safety decide first: a refused post is an error by the field, and a
 * held one is written hidden ('held') with a review entry, announced only once staff approve it.
 */
export async function postReply({ ctx, input }: VerbArgs): Promise<{ id: number; threadId: number; held: boolean }> {
  const actor = requireSignedIn(ctx, 'reply')
  const data = parseInput(PostReplyInput, input)
  const body = renderPostBody(data.body, 'Reply')
  const standing = await checkWriteAllowed(ctx, 'reply')
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    allowed(refuseReply(actor, thread))
    const now = ctx.now()
    const screening = await screenPost(db, standing!, { kind: 'reply', markdown: data.body, html: body.html }, now, ctx.mail?.publicUrl)
    const [reply] = await db
      .insert(replies)
      .values({
        threadId: thread.id,
        authorId: actor.id,
        bodyMarkdown: data.body,
        bodyHtml: body.html,
        bodyText: body.text,
        createdAt: now,
        ...(screening.hold ? { hiddenAt: now, hiddenReason: 'held' } : {}),
      })
      .returning({ id: replies.id })
    await refreshThreadCounters(db, thread.id)
    await subscribeUnlessChosen(db, thread.id, actor.id, now)
    await threadChanged(db, thread.id, now)
    const review = screening.hold ?? (screening.flag ? { reason: 'watched_word' as const, detail: screening.flag.detail } : null)
    if (review) await queueForReview(db, { threadId: thread.id, replyId: reply!.id, authorId: actor.id, ...review }, now)
    if (screening.hold) await announceHeld(db, { threadId: thread.id, replyId: reply!.id }, screening.hold, now)
    if (screening.hold) return { id: reply!.id, threadId: thread.id, held: true }
    await announceReply(db, thread.id, reply!.id, actor.id, now)
    await promoteIfEarned(db, actor.id, now)
    return { id: reply!.id, threadId: thread.id, held: false }
  })
}
