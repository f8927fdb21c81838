import { and, eq } from 'drizzle-orm'
import { generateToken, hashToken } from '../auth'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { personFeeds, rotationMembers, rotations } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { FeedTokenInput } from './schemas'

/**
 * Creates or replaces the secret of an iCalendar feed: the rotation's (for its members and
 * admins) or, without a rotation, the actor's own. Only the hash is kept, so the token is
 * returned once; replacing it makes the old address stop working.
 */
export async function issueFeedToken({ ctx, input }: VerbArgs): Promise<{ token: string }> {
  const actor = requireStaff(ctx, 'subscribe to rotation calendars')
  const data = parseInput(FeedTokenInput, input)
  const token = generateToken()
  await inTransaction(ctx, async ({ db }) => {
    if (data.rotationId === null) {
      await db
        .insert(personFeeds)
        .values({ userId: actor.id, tokenHash: hashToken(token), createdAt: ctx.now() })
        .onConflictDoUpdate({ target: personFeeds.userId, set: { tokenHash: hashToken(token), createdAt: ctx.now() } })
      return
    }
    const [rotation] = await db.select({ id: rotations.id }).from(rotations).where(eq(rotations.id, data.rotationId)).for('update')
    if (!rotation) throw new NotFoundError('That rotation')
    const [member] = await db
      .select({ userId: rotationMembers.userId })
      .from(rotationMembers)
      .where(and(eq(rotationMembers.rotationId, rotation.id), eq(rotationMembers.userId, actor.id)))
    if (!member && !isAdmin(actor)) throw new ForbiddenError('Only the rotation’s members and admins can change its calendar link.')
    await db.update(rotations).set({ feedTokenHash: hashToken(token) }).where(eq(rotations.id, rotation.id))
  })
  return { token }
}
