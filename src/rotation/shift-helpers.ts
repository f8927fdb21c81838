import { and, eq, gt } from 'drizzle-orm'
import { isAdmin, requireStaff } from '../policy'
import type { Ctx } from '../ctx'
import type { Db } from '../db/client'
import { rotations, rotationShifts, type RotationShift } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors'
import { daysToInterval } from './replan'

// Helpers shared by the verbs that change a rotation (skips, swaps, overrides, time away).

/** The shift, locked for the rest of the transaction. */
export async function lockShift(db: Db, shiftId: number): Promise<RotationShift> {
  const [shift] = await db.select().from(rotationShifts).where(eq(rotationShifts.id, shiftId)).for('update')
  if (!shift) throw new NotFoundError('That shift')
  return shift
}

export function assertOwnOrAdmin(ctx: Ctx, userId: number | null, what: string): void {
  const actor = requireStaff(ctx, what)
  if (userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError(`You can only ${what} for your own shifts (or ask an admin).`)
}

/** Two shifts that can be exchanged: both not started, on one rotation, of two different people. */
export async function swapPair(db: Db, ctx: Ctx, shiftId: number, otherShiftId: number): Promise<{ shift: RotationShift; other: RotationShift }> {
  const shift = await lockShift(db, shiftId)
  const other = await lockShift(db, otherShiftId)
  if (shift.id === other.id || shift.userId === other.userId) throw new ValidationError({ otherShiftId: 'A swap needs two shifts of two different people; you cannot swap with yourself.' })
  if (shift.rotationId !== other.rotationId) throw new ValidationError({ otherShiftId: 'Both shifts must be on the same rotation.' })
  if (shift.startsAt <= ctx.now() || other.startsAt <= ctx.now()) throw new ConflictError('Only shifts that have not started can be swapped.', 'otherShiftId')
  if (!shift.userId || !other.userId) throw new ConflictError('Both shifts need someone planned.', 'otherShiftId')
  return { shift, other }
}

export async function exchange(db: Db, shift: RotationShift, other: RotationShift): Promise<void> {
  // Both shifts become fixed commitments that re-planning leaves alone.
  await db.update(rotationShifts).set({ userId: other.userId, locked: true }).where(eq(rotationShifts.id, shift.id))
  await db.update(rotationShifts).set({ userId: shift.userId, locked: true }).where(eq(rotationShifts.id, other.id))
}

/** Shifts of this person still ahead (or running) and planned into the given days (in each rotation's own timezone). */
export async function conflictsFor(db: Db, userId: number, startsOn: string, endsOn: string, now: Date): Promise<RotationShift[]> {
  const shifts = await db
    .select({ shift: rotationShifts, timezone: rotations.timezone })
    .from(rotationShifts)
    .innerJoin(rotations, eq(rotations.id, rotationShifts.rotationId))
    .where(and(eq(rotationShifts.userId, userId), gt(rotationShifts.endsAt, now)))
  return shifts
    .filter(({ shift, timezone }) => {
      const { from, to } = daysToInterval(startsOn, endsOn, timezone)
      return shift.startsAt < to && from < shift.endsAt
    })
    .map(({ shift }) => shift)
}

/** A shift's span in words, in its rotation's timezone: "Mon 9 Mar 09:00 – Mon 16 Mar 09:00 (Europe/Berlin)". */
export function shiftWhen(shift: Pick<RotationShift, 'startsAt' | 'endsAt'>, timeZone: string): string {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  return `${format.format(shift.startsAt)} – ${format.format(shift.endsAt)} (${timeZone})`
}
