import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { unavailability, type RotationShift } from '../db/schema'
import { ForbiddenError } from '../errors'
import { parseInput } from '../validation'
import { UnavailabilityInput } from './schemas'
import { conflictsFor } from './shift-helpers'

/** Plans an absence; shifts already planned into it are returned as conflicts to re-plan. */
export async function addUnavailability({ ctx, input }: VerbArgs): Promise<{ id: number; conflicts: RotationShift[] }> {
  const actor = requireStaff(ctx, 'plan time away')
  const data = parseInput(UnavailabilityInput, input)
  const userId = data.userId ?? actor.id
  if (userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError('Only admins can plan time away for someone else.')
  return inTransaction(ctx, async ({ db }) => {
    const [row] = await db
      .insert(unavailability)
      .values({ userId, startsOn: data.startsOn, endsOn: data.endsOn, reason: data.reason, createdAt: ctx.now() })
      .returning({ id: unavailability.id })
    return { id: row!.id, conflicts: await conflictsFor(db, userId, data.startsOn, data.endsOn, ctx.now()) }
  })
}
