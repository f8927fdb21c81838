import { and, eq, gt, lt } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { isAdmin, isStaff, requireStaff } from '../auth'
import { inTransaction, type Ctx, type VerbArgs } from '../ctx'
import type { Db } from '../db/client'
import { rotationMembers, rotationOverrides, rotations, rotationShifts, rotationSkips, shiftSwaps, unavailability, users, type RotationShift } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { daysToInterval, replanRotation } from './replan'
import { OverrideInput, SkipInput, SwapAnswerInput, SwapRequestInput, UnavailabilityInput } from './schemas'

// Changes to a rotation that keep it fair: skips, swaps, overrides and planned absences.
// (Helpers shared by the verbs below; each verb is exported from its own name.)

async function lockShift(db: Db, shiftId: number): Promise<RotationShift> {
  const [shift] = await db.select().from(rotationShifts).where(eq(rotationShifts.id, shiftId)).for('update')
  if (!shift) throw new NotFoundError('That shift')
  return shift
}

function assertOwnOrAdmin(ctx: Ctx, userId: number | null, what: string): void {
  const actor = requireStaff(ctx, what)
  if (userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError(`You can only ${what} for your own shifts (or ask an admin).`)
}

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
    return { id: row!.id, conflicts: await conflictsFor(db, userId, data.startsOn, data.endsOn) }
  })
}

/** Shifts of this person planned into the given days (in each rotation's own timezone). */
export async function conflictsFor(db: Db, userId: number, startsOn: string, endsOn: string): Promise<RotationShift[]> {
  const shifts = await db
    .select({ shift: rotationShifts, timezone: rotations.timezone })
    .from(rotationShifts)
    .innerJoin(rotations, eq(rotations.id, rotationShifts.rotationId))
    .where(eq(rotationShifts.userId, userId))
  return shifts
    .filter(({ shift, timezone }) => {
      const { from, to } = daysToInterval(startsOn, endsOn, timezone)
      return shift.startsAt < to && from < shift.endsAt
    })
    .map(({ shift }) => shift)
}

export async function removeUnavailability({ ctx, input }: VerbArgs<{ id: number }>): Promise<void> {
  const actor = requireStaff(ctx, 'plan time away')
  const removed = await ctx.db
    .delete(unavailability)
    .where(and(eq(unavailability.id, input.id), isAdmin(actor) ? undefined : eq(unavailability.userId, actor.id)))
    .returning({ id: unavailability.id })
  if (removed.length === 0) throw new NotFoundError('That time away')
}

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

export async function removeOverride({ ctx, input }: VerbArgs<{ id: number }>): Promise<void> {
  const actor = requireStaff(ctx, 'change overrides')
  const removed = await ctx.db
    .delete(rotationOverrides)
    .where(and(eq(rotationOverrides.id, input.id), isAdmin(actor) ? undefined : eq(rotationOverrides.userId, actor.id)))
    .returning({ id: rotationOverrides.id })
  if (removed.length === 0) throw new NotFoundError('That override')
}

/** A person sits out a planned shift (deep work): the next in line takes it, and they are owed the next turn. */
export async function skipShift({ ctx, input }: VerbArgs): Promise<void> {
  const data = parseInput(SkipInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const shift = await lockShift(db, data.shiftId)
    assertOwnOrAdmin(ctx, shift.userId, 'skip shifts')
    if (shift.startsAt <= ctx.now()) throw new ConflictError('That shift has already started; ask someone to cover the rest with an override.')
    if (!shift.userId) throw new ConflictError('Nobody is planned for that shift.')
    await db
      .insert(rotationSkips)
      .values({ rotationId: shift.rotationId, userId: shift.userId, slotStartsAt: shift.startsAt, reason: data.reason, createdAt: ctx.now() })
      .onConflictDoNothing()
    // A skipped shift is no longer anyone's fixed commitment.
    await db.update(rotationShifts).set({ locked: false }).where(eq(rotationShifts.id, shift.id))
    await replanRotation(db, shift.rotationId, ctx.now())
  })
}

async function swapPair(db: Db, ctx: Ctx, shiftId: number, otherShiftId: number) {
  const shift = await lockShift(db, shiftId)
  const other = await lockShift(db, otherShiftId)
  if (shift.id === other.id || shift.userId === other.userId) throw new ValidationError({ otherShiftId: 'A swap needs two shifts of two different people; you cannot swap with yourself.' })
  if (shift.rotationId !== other.rotationId) throw new ValidationError({ otherShiftId: 'Both shifts must be on the same rotation.' })
  if (shift.startsAt <= ctx.now() || other.startsAt <= ctx.now()) throw new ConflictError('Only shifts that have not started can be swapped.', 'otherShiftId')
  if (!shift.userId || !other.userId) throw new ConflictError('Both shifts need someone planned.', 'otherShiftId')
  return { shift, other }
}

/** Asks the other person to exchange shifts; nothing changes until they accept. */
export async function requestSwap({ ctx, input }: VerbArgs): Promise<{ id: number }> {
  const actor = requireStaff(ctx, 'swap shifts')
  const data = parseInput(SwapRequestInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const { shift, other } = await swapPair(db, ctx, data.shiftId, data.otherShiftId)
    if (shift.userId !== actor.id) throw new ForbiddenError('You can only offer your own shift in a swap.')
    const [pending] = await db.select({ id: shiftSwaps.id }).from(shiftSwaps).where(and(eq(shiftSwaps.shiftId, shift.id), eq(shiftSwaps.state, 'pending')))
    if (pending) throw new ConflictError('You already asked to swap this shift; wait for the answer or cancel it.', 'otherShiftId')
    const [row] = await db.insert(shiftSwaps).values({ shiftId: shift.id, otherShiftId: other.id, requestedById: actor.id, createdAt: ctx.now() }).returning({ id: shiftSwaps.id })
    return { id: row!.id }
  })
}

async function exchange(db: Db, shift: RotationShift, other: RotationShift): Promise<void> {
  // Both shifts become fixed commitments that re-planning leaves alone.
  await db.update(rotationShifts).set({ userId: other.userId, locked: true }).where(eq(rotationShifts.id, shift.id))
  await db.update(rotationShifts).set({ userId: shift.userId, locked: true }).where(eq(rotationShifts.id, other.id))
}

/** The other person accepts (the shifts are exchanged) or declines a swap. */
export async function answerSwap({ ctx, input }: VerbArgs): Promise<{ swapped: boolean }> {
  const actor = requireStaff(ctx, 'answer swaps')
  const data = parseInput(SwapAnswerInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [swap] = await db.select().from(shiftSwaps).where(eq(shiftSwaps.id, data.swapId)).for('update')
    if (!swap || swap.state !== 'pending') throw new NotFoundError('That open swap request')
    const { shift, other } = await swapPair(db, ctx, swap.shiftId, swap.otherShiftId)
    if (other.userId !== actor.id && !isAdmin(actor)) throw new ForbiddenError('Only the person whose shift was asked for can answer this swap.')
    await db.update(shiftSwaps).set({ state: data.accept ? 'accepted' : 'declined', decidedAt: ctx.now() }).where(eq(shiftSwaps.id, swap.id))
    if (data.accept) await exchange(db, shift, other)
    return { swapped: data.accept }
  })
}

/** An admin exchanges two people's shifts directly. */
export async function swapShifts({ ctx, input }: VerbArgs): Promise<void> {
  const actor = requireStaff(ctx, 'swap shifts')
  if (!isAdmin(actor)) throw new ForbiddenError('Only admins swap shifts directly; others ask the other person.')
  const data = parseInput(SwapRequestInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const { shift, other } = await swapPair(db, ctx, data.shiftId, data.otherShiftId)
    await exchange(db, shift, other)
  })
}

/** Re-plans from the running shift on, e.g. after someone planned time away over a shift. */
export async function replanNow({ ctx, input }: VerbArgs<{ rotationId: number }>): Promise<number> {
  const actor = requireStaff(ctx, 're-plan rotations')
  return inTransaction(ctx, async ({ db }) => {
    const [member] = await db
      .select({ userId: rotationMembers.userId })
      .from(rotationMembers)
      .where(and(eq(rotationMembers.rotationId, input.rotationId), eq(rotationMembers.userId, actor.id)))
    if (!member && !isAdmin(actor)) throw new ForbiddenError('Only the rotation’s members and admins can re-plan it.')
    return replanRotation(db, input.rotationId, ctx.now())
  })
}

