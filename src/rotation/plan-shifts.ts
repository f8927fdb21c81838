import { DateTime } from 'luxon'

// Shift planning for an engineering rotation: pure functions of their inputs (the clock is a
// parameter), so fairness can be property-tested. Luxon converts between the rotation's
// wall clock (handoff at 09:00 Berlin) and instants; the planning rules are ours.

export interface RotationRules {
  /** Length of a shift in days (working days when `workingDaysOnly`). */
  shiftDays: number
  /** Handoff time, minutes after local midnight (wall clock). */
  handoffMinutes: number
  timezone: string
  /** Count only Monday to Friday: a 2-day shift starting Friday continues on Monday. */
  workingDaysOnly: boolean
  /** The first shift's start; every shift boundary is counted from it. */
  anchor: Date
}

export interface Slot {
  startsAt: Date
  endsAt: Date
}

const isWorkingDay = (day: DateTime) => day.weekday <= 5

function atHandoff(day: DateTime, rules: RotationRules): DateTime {
  return day.set({ hour: Math.floor(rules.handoffMinutes / 60), minute: rules.handoffMinutes % 60, second: 0, millisecond: 0 })
}

/** The local day of the first shift (moved to a working day when the rotation skips weekends). */
function firstDay(rules: RotationRules): DateTime {
  let day = DateTime.fromJSDate(rules.anchor, { zone: rules.timezone }).startOf('day')
  while (rules.workingDaysOnly && !isWorkingDay(day)) day = day.plus({ days: 1 })
  return day
}

function nextStartDay(start: DateTime, rules: RotationRules): DateTime {
  if (!rules.workingDaysOnly) return start.plus({ days: rules.shiftDays })
  let day = start
  let counted = 0
  while (counted < rules.shiftDays) {
    if (isWorkingDay(day)) counted++
    day = day.plus({ days: 1 })
  }
  while (!isWorkingDay(day)) day = day.plus({ days: 1 })
  return day
}

/** Every shift slot that overlaps [from, until), in order. */
export function slotsBetween(rules: RotationRules, from: Date, until: Date): Slot[] {
  const slots: Slot[] = []
  let day = firstDay(rules)
  // Generous bound: ten years of one-day shifts.
  for (let i = 0; i < 3_700; i++) {
    const next = nextStartDay(day, rules)
    // A rotation set up before the day's handoff time has someone on from the start: its first
    // shift begins at the anchor and runs to the usual handoff.
    const handoff = atHandoff(day, rules).toJSDate()
    const startsAt = i === 0 && rules.anchor < handoff ? rules.anchor : handoff
    const endsAt = atHandoff(next, rules).toJSDate()
    if (startsAt >= until) break
    if (endsAt > from) slots.push({ startsAt, endsAt })
    day = next
  }
  return slots
}

export interface Unavailability {
  userId: number
  from: Date
  /** Exclusive end. */
  to: Date
}

export interface PlanInput {
  /** Members in rotation order (the tie-breaker of last resort). */
  members: number[]
  slots: Slot[]
  unavailable: Unavailability[]
  /** Manual skips: this person sits out the slot starting then (deep work) and is owed a turn. */
  skips: { userId: number; slotStart: Date }[]
  /** Slots already decided (swapped or locked shifts), by slot start in epoch ms. */
  fixed: Map<number, number>
  /** Shifts served so far (the trailing quarter) and when each member last served. */
  counts: Map<number, number>
  lastServed: Map<number, Date>
}

export interface PlannedShift extends Slot {
  /** Null when nobody was available: the escalation path falls back to the team lead. */
  userId: number | null
  /** Members passed over for this slot (unavailable or skipped); each is owed a turn. */
  passedOver: number[]
}

const overlaps = (a: Slot, from: Date, to: Date) => a.startsAt < to && from < a.endsAt

/**
 * Assigns each slot to the available member with the fewest shifts so far; among equals, one
 * who was passed over since their last shift goes first (the skipped are owed the next turn),
 * then whoever has waited longest, then rotation order. Over a quarter this keeps everyone's
 * count within one of each other, and gives skipped people their turn back.
 */
export function planShifts(input: PlanInput): PlannedShift[] {
  const counts = new Map(input.members.map((id) => [id, input.counts.get(id) ?? 0]))
  const lastServed = new Map(input.members.map((id) => [id, input.lastServed.get(id)?.getTime() ?? -Infinity]))
  const owed = new Set<number>()
  const order = new Map(input.members.map((id, index) => [id, index]))
  const planned: PlannedShift[] = []

  for (const slot of input.slots) {
    const unavailable = new Set(
      input.unavailable.filter((entry) => overlaps(slot, entry.from, entry.to)).map((entry) => entry.userId),
    )
    for (const skip of input.skips) if (skip.slotStart.getTime() === slot.startsAt.getTime()) unavailable.add(skip.userId)
    const passedOver = input.members.filter((id) => unavailable.has(id))

    let userId: number | null = input.fixed.get(slot.startsAt.getTime()) ?? null
    if (userId === null) {
      const candidates = input.members.filter((id) => !unavailable.has(id))
      candidates.sort(
        (a, b) =>
          counts.get(a)! - counts.get(b)! ||
          Number(owed.has(b)) - Number(owed.has(a)) ||
          lastServed.get(a)! - lastServed.get(b)! ||
          order.get(a)! - order.get(b)!,
      )
      userId = candidates[0] ?? null
    }
    for (const id of passedOver) if (id !== userId) owed.add(id)
    if (userId !== null) {
      counts.set(userId, (counts.get(userId) ?? 0) + 1)
      lastServed.set(userId, slot.startsAt.getTime())
      owed.delete(userId)
    }
    planned.push({ ...slot, userId, passedOver })
  }
  return planned
}
