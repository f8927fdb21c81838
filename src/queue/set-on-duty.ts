import { eq } from 'drizzle-orm'
import { isAdmin, isStaff, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { staffProfiles, users } from '../db/schema'
import { ForbiddenError, NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { OnDutyInput } from './schemas'
import { routeWaitingItems } from './tick'

/** Staff go on or off duty (admins may do it for others). Going on duty picks up waiting items. */
export async function setOnDuty({ ctx, input }: VerbArgs): Promise<{ onDuty: boolean; routed: number }> {
  const actor = requireStaff(ctx, 'go on duty')
  const data = parseInput(OnDutyInput, input)
  const userId = data.userId ?? actor.id
  if (userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError('Only admins can put someone else on or off duty.')
  return inTransaction(ctx, async ({ db }) => {
    const [person] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId))
    if (!person) throw new NotFoundError('That person')
    if (!isStaff(person)) throw new ValidationError({ userId: 'Only support staff can be on duty.' })
    const now = ctx.now()
    await db
      .insert(staffProfiles)
      .values({ userId, onDuty: data.onDuty, onDutySince: data.onDuty ? now : null })
      .onConflictDoUpdate({ target: staffProfiles.userId, set: { onDuty: data.onDuty, onDutySince: data.onDuty ? now : null } })
    const routed = data.onDuty ? await routeWaitingItems(db, now) : 0
    return { onDuty: data.onDuty, routed }
  })
}
