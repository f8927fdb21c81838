import { and, eq, gt, lt } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { isAdmin, isStaff, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotationOverrides, rotations, users } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { OverrideInput } from './schemas'

/** Someone covers a time range; overlapping overrides on one rotation are refused. */
export async function addOverride({ ctx, input }: VerbArgs): Promise<{ id: number }> {
  const actor = requireStaff(ctx, 'cover a shift')
  const data = parseInput(OverrideInput, input)
  if (data.userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError('You can cover a time range yourself; only admins put someone else in.')
  return inTransaction(ctx, async ({ db }) => {
    const [rotation] = await db.select().from(rotations).where(eq(rotations.id, data.rotationId))
    if (!rotation) throw new NotFoundError('That rotation')
    const [person] = await db.select({ role: users.role }).from(users).where(eq(users.id, data.userId))
    if (!person || !isStaff(person)) throw new ValidationError({ userId: 'Only staff can cover a rotation.' })
    // The form's wall-clock times are read in the rotation's timezone.
    const startsAt = DateTime.fromISO(data.startsAt, { zone: rotation.timezone }).toJSDate()
    const endsAt = DateTime.fromISO(data.endsAt, { zone: rotation.timezone }).toJSDate()
    if (endsAt <= ctx.now()) throw new ValidationError({ endsAt: 'That range is already over.' })
    const [overlap] = await db
      .select({ id: rotationOverrides.id })
      .from(rotationOverrides)
      .where(and(eq(rotationOverrides.rotationId, rotation.id), lt(rotationOverrides.startsAt, endsAt), gt(rotationOverrides.endsAt, startsAt)))
    if (overlap) throw new ConflictError('Another override already covers part of that range. Change or remove it first.', 'startsAt')
    const [row] = await db
      .insert(rotationOverrides)
      .values({ rotationId: rotation.id, userId: data.userId, startsAt, endsAt, reason: data.reason, createdById: actor.id, createdAt: ctx.now() })
      .returning({ id: rotationOverrides.id })
    return { id: row!.id }
  })
}
