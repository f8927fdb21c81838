import { and, eq } from 'drizzle-orm'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotationMembers, rotations } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { replanRotation } from './replan'
import { RotationRefInput } from './schemas'

/** Re-plans from the running shift on, e.g. after someone planned time away over a shift. */
export async function replanNow({ ctx, input }: VerbArgs): Promise<number> {
  const actor = requireStaff(ctx, 're-plan rotations')
  const data = parseInput(RotationRefInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [rotation] = await db.select({ id: rotations.id }).from(rotations).where(eq(rotations.id, data.rotationId))
    if (!rotation) throw new NotFoundError('That rotation')
    const [member] = await db
      .select({ userId: rotationMembers.userId })
      .from(rotationMembers)
      .where(and(eq(rotationMembers.rotationId, rotation.id), eq(rotationMembers.userId, actor.id)))
    if (!member && !isAdmin(actor)) throw new ForbiddenError('Only the rotation’s members and admins can re-plan it.')
    return replanRotation(db, rotation.id, ctx.now())
  })
}
