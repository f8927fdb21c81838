import { and, eq, sql } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { meToos, threads } from '../db/schema'
import { parseInput } from '../validation'
import { checkWriteAllowed } from '../safety'
import { allowed, refuseOwnPost } from './policy'
import { ThreadToggleInput } from './schemas'
import { lockThread, subscribeUnlessChosen, threadChanged } from './thread-state'

/**
 * "Me too": the actor has the same problem. Distinct people are counted (the support queue
 * later weighs them as affected customers), and saying it follows the thread for the answer.
 */
export async function setMeToo({ ctx, input }: VerbArgs): Promise<{ count: number; active: boolean }> {
  const actor = requireSignedIn(ctx, 'say "me too"')
  const data = parseInput(ThreadToggleInput, input)
  await checkWriteAllowed(ctx, 'me_too')
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    allowed(refuseOwnPost(actor, thread, 'say "me too" on'))
    const now = ctx.now()
    const changed = data.on
      ? await db
          .insert(meToos)
          .values({ threadId: thread.id, userId: actor.id, createdAt: now })
          .onConflictDoNothing()
          .returning({ userId: meToos.userId })
      : await db
          .delete(meToos)
          .where(and(eq(meToos.threadId, thread.id), eq(meToos.userId, actor.id)))
          .returning({ userId: meToos.userId })
    const delta = changed.length === 0 ? 0 : data.on ? 1 : -1
    const [row] = await db
      .update(threads)
      .set({ meTooCount: sql`${threads.meTooCount} + ${delta}` })
      .where(eq(threads.id, thread.id))
      .returning({ count: threads.meTooCount })
    if (data.on) await subscribeUnlessChosen(db, thread.id, actor.id, now)
    if (delta !== 0) await threadChanged(db, thread.id, now, { searchable: false })
    return { count: row!.count, active: data.on }
  })
}
