import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { threads } from '../db/schema'
import { parseInput } from '../validation'
import { ThreadToggleInput } from './schemas'
import { lockThread, threadChanged } from './thread-state'

export async function setThreadLocked({ ctx, input }: VerbArgs): Promise<{ id: number; slug: string; locked: boolean }> {
  const actor = requireStaff(ctx, 'lock threads')
  const data = parseInput(ThreadToggleInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    await db
      .update(threads)
      .set(data.on ? { lockedAt: ctx.now(), lockedById: actor.id } : { lockedAt: null, lockedById: null })
      .where(eq(threads.id, thread.id))
    await threadChanged(db, thread.id, ctx.now(), { searchable: false })
    return { id: thread.id, slug: thread.slug, locked: data.on }
  })
}
