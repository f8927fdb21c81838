import { and, asc, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm'
import { DateTime } from 'luxon'
import type { Db } from '../db/client'
import { rotationMembers, rotations, rotationShifts, rotationSkips, shiftSwaps, unavailability, type Rotation } from '../db/schema'
import { planShifts, slotsBetween, type RotationRules } from './plan-shifts'
import { ROTATION_CONFIG } from './rotation-config'

const DAY_MS = 24 * 60 * 60 * 1000

export function rulesOf(rotation: Rotation): RotationRules {
  return {
    shiftDays: rotation.shiftDays,
    handoffMinutes: rotation.handoffMinutes,
    timezone: rotation.timezone,
    workingDaysOnly: rotation.workingDaysOnly,
    anchor: rotation.anchorAt,
  }
}

/** An inclusive range of local days as an interval of instants in the rotation's timezone. */
export function daysToInterval(startsOn: string, endsOn: string, timezone: string): { from: Date; to: Date } {
  return {
    from: DateTime.fromISO(startsOn, { zone: timezone }).startOf('day').toJSDate(),
    to: DateTime.fromISO(endsOn, { zone: timezone }).plus({ days: 1 }).startOf('day').toJSDate(),
  }
}

/**
 * Re-plans a rotation from the end of the running shift to a quarter ahead: the shift in
 * progress and locked (swapped) shifts stay; everything else is planned afresh from the
 * members, their unavailability and skips, and the last quarter's counts (so fairness holds
 * across re-plans). With `extendOnly`, planned shifts all stay and the plan only grows to the
 * horizon (the periodic tick). Returns the number of shifts planned.
 */
export async function replanRotation(db: Db, rotationId: number, now: Date, options: { extendOnly?: boolean } = {}): Promise<number> {
  const [rotation] = await db.select().from(rotations).where(eq(rotations.id, rotationId)).for('update')
  if (!rotation) return 0
  const rules = rulesOf(rotation)
  const horizon = new Date(now.getTime() + ROTATION_CONFIG.planAheadDays * DAY_MS)
  // Keep the shift running now and re-plan from its end; or, only extending, keep everything
  // planned (people plan their lives around it) and add shifts after the last one.
  const [running] = await db
    .select({ endsAt: rotationShifts.endsAt })
    .from(rotationShifts)
    .where(
      and(
        eq(rotationShifts.rotationId, rotationId),
        options.extendOnly ? undefined : sql`${rotationShifts.startsAt} <= ${now.toISOString()}::timestamptz`,
        sql`${rotationShifts.endsAt} > ${now.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(desc(rotationShifts.endsAt))
    .limit(1)
  const from = running?.endsAt ?? now
  if (from >= horizon) return 0
  const slots = slotsBetween(rules, from, horizon).filter((slot) => slot.startsAt >= from || !running)

  const members = (await db.select().from(rotationMembers).where(eq(rotationMembers.rotationId, rotationId)).orderBy(asc(rotationMembers.position))).map((member) => member.userId)
  const memberSet = new Set(members)
  const windowStart = new Date(from.getTime() - ROTATION_CONFIG.fairnessWindowDays * DAY_MS)
  const past = await db
    .select({ userId: rotationShifts.userId, startsAt: rotationShifts.startsAt })
    .from(rotationShifts)
    .where(and(eq(rotationShifts.rotationId, rotationId), gte(rotationShifts.startsAt, windowStart), lt(rotationShifts.startsAt, from)))
  const counts = new Map<number, number>()
  const lastServed = new Map<number, Date>()
  for (const shift of past) {
    if (shift.userId === null || !memberSet.has(shift.userId)) continue
    counts.set(shift.userId, (counts.get(shift.userId) ?? 0) + 1)
    if (!lastServed.has(shift.userId) || lastServed.get(shift.userId)! < shift.startsAt) lastServed.set(shift.userId, shift.startsAt)
  }
  // Someone new starts level with the least-loaded member rather than owing a quarter of shifts.
  const floor = Math.min(...members.map((id) => counts.get(id) ?? Infinity).filter(Number.isFinite), Infinity)
  if (Number.isFinite(floor)) for (const id of members) if (!counts.has(id)) counts.set(id, floor)

  const locked = await db
    .select({ userId: rotationShifts.userId, startsAt: rotationShifts.startsAt })
    .from(rotationShifts)
    .where(and(eq(rotationShifts.rotationId, rotationId), eq(rotationShifts.locked, true), gte(rotationShifts.startsAt, from)))
  const fixed = new Map(locked.filter((shift) => shift.userId !== null).map((shift) => [shift.startsAt.getTime(), shift.userId!]))
  const away = members.length
    ? await db.select().from(unavailability).where(and(inArray(unavailability.userId, members), gte(unavailability.endsOn, DateTime.fromJSDate(from, { zone: rotation.timezone }).minus({ days: 1 }).toISODate()!)))
    : []
  const skips = await db.select().from(rotationSkips).where(and(eq(rotationSkips.rotationId, rotationId), gte(rotationSkips.slotStartsAt, from)))

  const planned = members.length
    ? planShifts({
        members,
        slots,
        unavailable: away.map((entry) => ({ userId: entry.userId, ...daysToInterval(entry.startsOn, entry.endsOn, rotation.timezone) })),
        skips: skips.map((skip) => ({ userId: skip.userId, slotStart: skip.slotStartsAt })),
        fixed,
        counts,
        lastServed,
      })
    : slots.map((slot) => ({ ...slot, userId: null, passedOver: [] }))

  const keep = new Set(locked.map((shift) => shift.startsAt.getTime()))
  const fresh = planned.filter((shift) => !keep.has(shift.startsAt.getTime()))
  // Slots that stay keep their row (and id), so pending swap requests and handoffs that point
  // at a shift survive a re-plan; only slots the new pattern no longer has are deleted.
  const existing = await db
    .select({ id: rotationShifts.id, startsAt: rotationShifts.startsAt, userId: rotationShifts.userId })
    .from(rotationShifts)
    .where(and(eq(rotationShifts.rotationId, rotationId), gte(rotationShifts.startsAt, from), eq(rotationShifts.locked, false)))
  const plannedAt = new Map(fresh.map((shift) => [shift.startsAt.getTime(), shift.userId]))
  const gone = existing.filter((row) => !plannedAt.has(row.startsAt.getTime())).map((row) => row.id)
  const reassigned = existing.filter((row) => plannedAt.has(row.startsAt.getTime()) && plannedAt.get(row.startsAt.getTime()) !== row.userId).map((row) => row.id)
  // A pending swap offered or asked for a shift that now belongs to someone else: it no longer means what was asked.
  if (reassigned.length)
    await db
      .update(shiftSwaps)
      .set({ state: 'cancelled', decidedAt: now })
      .where(and(eq(shiftSwaps.state, 'pending'), or(inArray(shiftSwaps.shiftId, reassigned), inArray(shiftSwaps.otherShiftId, reassigned))))
  if (gone.length) await db.delete(rotationShifts).where(inArray(rotationShifts.id, gone))
  for (let i = 0; i < fresh.length; i += 500) {
    await db
      .insert(rotationShifts)
      .values(
        fresh.slice(i, i + 500).map((shift) => ({
          rotationId,
          userId: shift.userId,
          startsAt: shift.startsAt,
          endsAt: shift.endsAt,
          passedOver: shift.passedOver,
          createdAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [rotationShifts.rotationId, rotationShifts.startsAt],
        set: { userId: sql`excluded.user_id`, endsAt: sql`excluded.ends_at`, passedOver: sql`excluded.passed_over` },
      })
  }
  return fresh.length
}
