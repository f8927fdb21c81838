import type { Ctx } from '../ctx'
import { threadReads } from '../db/schema'
import { promoteIfEarned } from './trust-levels'

/**
 * Notes that a signed-in member opened a thread (the reading signal of trust levels) and, on a
 * first visit, checks whether that earned them a level. Staff and visitors are not counted.
 */
export async function recordThreadRead(ctx: Ctx, threadId: number): Promise<void> {
  const actor = ctx.actor
  if (!actor || actor.role !== 'member') return
  const now = ctx.now()
  const inserted = await ctx.db
    .insert(threadReads)
    .values({ userId: actor.id, threadId, firstReadAt: now })
    .onConflictDoNothing()
    .returning({ threadId: threadReads.threadId })
  if (inserted.length > 0) await promoteIfEarned(ctx.db, actor.id, now)
}
