import { and, eq, sql } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { replies, replyVotes } from '../db/schema'
import { parseInput } from '../validation'
import { checkWriteAllowed } from '../safety'
import { allowed, refuseOwnPost } from './policy'
import { ReplyToggleInput } from './schemas'
import { lockReply, threadChanged } from './thread-state'

/** Sets the actor's upvote on a reply to the requested state (idempotent, like setThreadVote). */
export async function setReplyVote({ ctx, input }: VerbArgs): Promise<{ count: number; voted: boolean; threadId: number }> {
  const actor = requireSignedIn(ctx, 'vote')
  const data = parseInput(ReplyToggleInput, input)
  await checkWriteAllowed(ctx, 'vote')
  return inTransaction(ctx, async ({ db }) => {
    const { reply } = await lockReply(db, data.replyId, actor)
    allowed(refuseOwnPost(actor, reply, 'vote on'))
    const changed = data.on
      ? await db
          .insert(replyVotes)
          .values({ replyId: reply.id, userId: actor.id, createdAt: ctx.now() })
          .onConflictDoNothing()
          .returning({ userId: replyVotes.userId })
      : await db
          .delete(replyVotes)
          .where(and(eq(replyVotes.replyId, reply.id), eq(replyVotes.userId, actor.id)))
          .returning({ userId: replyVotes.userId })
    const delta = changed.length === 0 ? 0 : data.on ? 1 : -1
    const [row] = await db
      .update(replies)
      .set({ upvoteCount: sql`${replies.upvoteCount} + ${delta}` })
      .where(eq(replies.id, reply.id))
      .returning({ count: replies.upvoteCount })
    if (delta !== 0) await threadChanged(db, reply.threadId, ctx.now(), { searchable: false })
    return { count: row!.count, voted: data.on, threadId: reply.threadId }
  })
}
