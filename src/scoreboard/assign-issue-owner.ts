import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { scoreboardOwners, users } from '../db/schema'
import { ValidationError } from '../errors'
import { notifyStaff } from '../notify'
import { isStaff, requireStaff } from '../policy'
import { lockItem, recordEvent } from '../queue'
import { parseInput } from '../validation'
import { AssignIssueOwnerInput } from './schemas'

/**
 * Names the person who owns reducing an issue's support load (or nobody), from the scoreboard.
 * Staff only, and only staff can own one; the change is an event on the item, and the new owner
 * is told.
 */
export async function assignIssueOwner({ ctx, input }: VerbArgs<AssignIssueOwnerInput>): Promise<{ itemId: number; ownerId: number | null }> {
  const actor = requireStaff(ctx, 'assign owners of issues')
  const data = parseInput(AssignIssueOwnerInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const item = await lockItem(db, data.itemId)
    if (item.mergedIntoItemId) throw new ValidationError({ itemId: `#${item.id} was closed into #${item.mergedIntoItemId}: give that issue an owner.` })
    const ownerId = data.ownerId === '' ? null : data.ownerId
    if (ownerId !== null) {
      const [person] = await db.select({ role: users.role, displayName: users.displayName }).from(users).where(eq(users.id, ownerId))
      if (!person) throw new ValidationError({ ownerId: 'Choose someone from the list.' })
      if (!isStaff(person)) throw new ValidationError({ ownerId: `${person.displayName} is not on the staff; only staff can own an issue.` })
    }
    const [current] = await db.select({ ownerId: scoreboardOwners.ownerId }).from(scoreboardOwners).where(eq(scoreboardOwners.itemId, item.id))
    if ((current?.ownerId ?? null) === ownerId) return { itemId: item.id, ownerId }
    const now = ctx.now()
    if (ownerId === null) await db.delete(scoreboardOwners).where(eq(scoreboardOwners.itemId, item.id))
    else
      await db
        .insert(scoreboardOwners)
        .values({ itemId: item.id, ownerId, assignedById: actor.id, assignedAt: now })
        .onConflictDoUpdate({ target: scoreboardOwners.itemId, set: { ownerId, assignedById: actor.id, assignedAt: now } })
    await recordEvent(db, item.id, 'issue_owner_changed', actor.id, { from: current?.ownerId ?? null, ownerId }, now)
    if (ownerId && ownerId !== actor.id)
      await notifyStaff(db, [ownerId], 'issue_owner', item.id, `${actor.displayName} made you the owner of reducing the support load of “${item.title}”.`, now)
    return { itemId: item.id, ownerId }
  })
}
