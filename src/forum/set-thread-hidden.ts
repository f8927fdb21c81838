import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { threads } from '../db/schema'
import { parseInput } from '../validation'
import { ThreadToggleInput } from './schemas'
import { lockThread, threadChanged } from './thread-state'

/** Staff hide a question: it leaves lists, feeds and the sitemap; its author and staff still see it. */
export async function setThreadHidden({ ctx, input }: VerbArgs): Promise<{ id: number; slug: string; hidden: boolean }> {
  const actor = requireStaff(ctx, 'hide posts')
  const data = parseInput(ThreadToggleInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    await db
      .update(threads)
      .set(data.on ? { hiddenAt: ctx.now(), hiddenById: actor.id } : { hiddenAt: null, hiddenById: null })
      .where(eq(threads.id, thread.id))
    await threadChanged(db, thread.id, ctx.now())
    return { id: thread.id, slug: thread.slug, hidden: data.on }
  })
}
