import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { ConflictError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { createItem, type ItemWithPriority, loadThreadFacts, lockOpenItemOfThread } from './item-core'
import { ConvertThreadInput } from './schemas'

/** Support turns a thread into a queue item by hand (the "manual" rule). */
export async function convertThread({ ctx, input }: VerbArgs): Promise<ItemWithPriority> {
  const actor = requireStaff(ctx, 'add threads to the queue')
  const data = parseInput(ConvertThreadInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const thread = await loadThreadFacts(db, data.threadId)
    if (!thread) throw new NotFoundError('That thread')
    const open = await lockOpenItemOfThread(db, thread.id)
    if (open) throw new ConflictError(`This thread already has an open queue item (#${open.id}).`)
    return createItem(
      db,
      {
        threadId: thread.id,
        source: 'forum',
        title: thread.title,
        description: '',
        kind: data.kind,
        severity: data.severity,
        teamSlug: thread.team,
        requesterId: thread.authorId,
        signals: { manual: { byId: actor.id, note: data.note } },
        rule: 'manual',
        createdById: actor.id,
      },
      ctx.now(),
    )
  })
}
