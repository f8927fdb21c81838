import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { threads } from '../db/schema'
import { ValidationError } from '../errors'
import { enqueue, LOOP_TELL_LATE_ASKERS, type LateAskersPayload } from '../outbox'
import { parseInput } from '../validation'
import { DuplicateInput } from './schemas'
import { lockThread, threadChanged } from './thread-state'

/**
 * Staff mark a thread as a duplicate of another (or unmark it, with `duplicateOfId` empty).
 * The duplicate's page points to the kept thread, and the support queue counts its askers as
 * affected customers of the kept thread's item.
 */
export async function markDuplicate({ ctx, input }: VerbArgs): Promise<{ id: number; duplicateOfId: number | null }> {
  const actor = requireStaff(ctx, 'merge duplicate threads')
  const data = parseInput(DuplicateInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    let keptId = data.duplicateOfId
    if (keptId !== null) {
      if (keptId === thread.id) throw new ValidationError({ duplicateOfId: 'A thread cannot be a duplicate of itself.' })
      // Point at the thread that is kept in the end, never at another duplicate.
      const seen = new Set([thread.id])
      for (;;) {
        const [kept] = await db.select({ id: threads.id, duplicateOfId: threads.duplicateOfId }).from(threads).where(eq(threads.id, keptId))
        if (!kept) throw new ValidationError({ duplicateOfId: 'There is no thread with that number.' })
        if (!kept.duplicateOfId) break
        if (seen.has(kept.duplicateOfId)) throw new ValidationError({ duplicateOfId: 'That would make the two threads duplicates of each other.' })
        seen.add(kept.id)
        keptId = kept.duplicateOfId
      }
      if (keptId === thread.id) throw new ValidationError({ duplicateOfId: 'That thread is already a duplicate of this one.' })
    }
    const previous = thread.duplicateOfId
    await db.update(threads).set({ duplicateOfId: keptId }).where(eq(threads.id, thread.id))
    // Threads that pointed here now point where this one points.
    if (keptId !== null) await db.update(threads).set({ duplicateOfId: keptId }).where(eq(threads.duplicateOfId, thread.id))
    const now = ctx.now()
    await threadChanged(db, thread.id, now, { searchable: false })
    if (keptId !== null) await threadChanged(db, keptId, now, { searchable: false })
    if (previous !== null && previous !== keptId) await threadChanged(db, previous, now, { searchable: false })
    // If the kept thread's fix was announced already, escalations/ tells this thread's askers now.
    if (keptId !== null && keptId !== previous)
      await enqueue(db, {
        topic: LOOP_TELL_LATE_ASKERS,
        key: `loop:late:${thread.id}:${keptId}`,
        payload: { threadId: thread.id, actorId: actor.id } satisfies LateAskersPayload,
        dueAt: now,
      })
    return { id: thread.id, duplicateOfId: keptId }
  })
}
