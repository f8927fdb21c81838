import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { internalNotes, queueItems, threads } from '../db/schema'
import { NotFoundError, ValidationError } from '../errors'
import { renderMarkdown } from '../forum'
import { parseInput } from '../validation'
import { recordEvent } from './item-core'
import { NoteInput } from './schemas'

/** A staff-only note on an item or a thread. Customers never see it, on any surface. */
export async function addInternalNote({ ctx, input }: VerbArgs): Promise<{ id: number; itemId: number | null; threadId: number | null }> {
  const actor = requireStaff(ctx, 'write internal notes')
  const data = parseInput(NoteInput, input)
  if (!data.itemId && !data.threadId) throw new ValidationError({ body: 'A note belongs to an item or a thread.' })
  const body = renderMarkdown(data.body)
  return inTransaction(ctx, async ({ db }) => {
    let threadId = data.threadId
    if (data.itemId) {
      const [item] = await db.select({ id: queueItems.id, threadId: queueItems.threadId }).from(queueItems).where(eq(queueItems.id, data.itemId))
      if (!item) throw new NotFoundError('That queue item')
      threadId ??= item.threadId
    } else {
      const [thread] = await db.select({ id: threads.id }).from(threads).where(eq(threads.id, data.threadId!))
      if (!thread) throw new NotFoundError('That thread')
    }
    const now = ctx.now()
    const [note] = await db
      .insert(internalNotes)
      .values({ itemId: data.itemId, threadId, authorId: actor.id, bodyMarkdown: data.body, bodyHtml: body.html, createdAt: now })
      .returning({ id: internalNotes.id })
    if (data.itemId) await recordEvent(db, data.itemId, 'note_added', actor.id, { noteId: note!.id }, now)
    return { id: note!.id, itemId: data.itemId, threadId }
  })
}
