import { and, eq, sql } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { threads, threadVotes } from '../db/schema'
import { parseInput } from '../validation'
import { checkWriteAllowed } from '../safety'
import { allowed, refuseOwnPost } from './policy'
import { ThreadToggleInput } from './schemas'
import { lockThread, threadChanged } from './thread-state'

/**
 * Sets the actor's upvote on a question to the state the button asked for, so a double
 * submit can never count twice or cancel itself. Returns the new count and state.
 */
export async function setThreadVote({ ctx, input }: VerbArgs): Promise<{ count: number; voted: boolean }> {
  const actor = requireSignedIn(ctx, 'vote')
  const data = parseInput(ThreadToggleInput, input)
  await checkWriteAllowed(ctx, 'vote')
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    allowed(refuseOwnPost(actor, thread, 'vote on'))
    const changed = data.on
      ? await db
          .insert(threadVotes)
          .values({ threadId: thread.id, userId: actor.id, createdAt: ctx.now() })
          .onConflictDoNothing()
          .returning({ userId: threadVotes.userId })
      : await db
          .delete(threadVotes)
          .where(and(eq(threadVotes.threadId, thread.id), eq(threadVotes.userId, actor.id)))
          .returning({ userId: threadVotes.userId })
    const delta = changed.length === 0 ? 0 : data.on ? 1 : -1
    const [row] = await db
      .update(threads)
      .set({ upvoteCount: sql`${threads.upvoteCount} + ${delta}` })
      .where(eq(threads.id, thread.id))
      .returning({ count: threads.upvoteCount })
    if (delta !== 0) await threadChanged(db, thread.id, ctx.now())
    return { count: row!.count, voted: data.on }
  })
}
