import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { planShifts, slotsBetween, type PlanInput, type RotationRules } from '../../src/rotation/plan-shifts'

const berlin = (iso: string) => new Date(iso)
const rules = (overrides: Partial<RotationRules> = {}): RotationRules => ({
  shiftDays: 7,
  handoffMinutes: 9 * 60,
  timezone: 'Europe/Berlin',
  workingDaysOnly: false,
  anchor: berlin('2026-01-05T08:00:00Z'), // Monday 09:00 Berlin
  ...overrides,
})

const plan = (members: number[], slots: ReturnType<typeof slotsBetween>, extra: Partial<PlanInput> = {}) =>
  planShifts({ members, slots, unavailable: [], skips: [], fixed: new Map(), counts: new Map(), lastServed: new Map(), ...extra })

const QUARTER_FROM = berlin('2026-01-05T08:00:00Z')
const QUARTER_TO = berlin('2026-04-06T07:00:00Z')

describe('shift slots', () => {
  it('hands off at the same wall-clock time across daylight saving changes', () => {
    const slots = slotsBetween(rules(), berlin('2026-03-20T00:00:00Z'), berlin('2026-04-10T00:00:00Z'))
    // 09:00 Berlin is 08:00 UTC in winter and 07:00 UTC from 29 March.
    expect(slots.map((slot) => slot.startsAt.toISOString())).toEqual(['2026-03-16T08:00:00.000Z', '2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-04-06T07:00:00.000Z'])
    expect(slots[1]!.endsAt.getTime() - slots[1]!.startsAt.getTime()).toBe((7 * 24 - 1) * 3_600_000)
  })

  it('lets a 2-day shift starting on Friday continue on Monday when only working days count', () => {
    const slots = slotsBetween(rules({ shiftDays: 2, workingDaysOnly: true, anchor: berlin('2026-01-08T08:00:00Z') }), berlin('2026-01-08T00:00:00Z'), berlin('2026-01-20T00:00:00Z'))
    // Thursday-Friday, then Monday-Tuesday: the Friday shift's second day is Monday.
    expect(slots.slice(0, 3).map((slot) => [slot.startsAt.toISOString(), slot.endsAt.toISOString()])).toEqual([
      ['2026-01-08T08:00:00.000Z', '2026-01-12T08:00:00.000Z'],
      ['2026-01-12T08:00:00.000Z', '2026-01-14T08:00:00.000Z'],
      ['2026-01-14T08:00:00.000Z', '2026-01-16T08:00:00.000Z'],
    ])
    const fromFriday = slotsBetween(rules({ shiftDays: 2, workingDaysOnly: true, anchor: berlin('2026-01-09T08:00:00Z') }), berlin('2026-01-09T00:00:00Z'), berlin('2026-01-13T00:00:00Z'))
    expect([fromFriday[0]!.startsAt.toISOString(), fromFriday[0]!.endsAt.toISOString()]).toEqual(['2026-01-09T08:00:00.000Z', '2026-01-13T08:00:00.000Z'])
  })

  it('works in other timezones: handoff at 18:00 in New York', () => {
    const slots = slotsBetween(rules({ timezone: 'America/New_York', handoffMinutes: 18 * 60, shiftDays: 1, anchor: berlin('2026-03-06T23:00:00Z') }), berlin('2026-03-06T00:00:00Z'), berlin('2026-03-10T00:00:00Z'))
    expect(slots.map((slot) => slot.startsAt.toISOString())).toEqual(['2026-03-06T23:00:00.000Z', '2026-03-07T23:00:00.000Z', '2026-03-08T22:00:00.000Z', '2026-03-09T22:00:00.000Z'])
  })
})

describe('planning', () => {
  it('rotates in order when everyone is available', () => {
    const slots = slotsBetween(rules(), QUARTER_FROM, berlin('2026-02-16T00:00:00Z'))
    expect(plan([10, 20, 30], slots).map((shift) => shift.userId)).toEqual([10, 20, 30, 10, 20, 30])
  })

  it('passes over unavailable people and gives them the next turn back', () => {
    const slots = slotsBetween(rules(), QUARTER_FROM, berlin('2026-02-16T00:00:00Z'))
    const shifts = plan([10, 20, 30], slots, { unavailable: [{ userId: 20, from: berlin('2026-01-10T00:00:00Z'), to: berlin('2026-01-18T00:00:00Z') }] })
    expect(shifts.map((shift) => shift.userId)).toEqual([10, 30, 20, 10, 30, 20])
    expect(shifts[1]!.passedOver).toEqual([20])
  })

  it('gives a skipped person (deep work) the very next turn', () => {
    const slots = slotsBetween(rules(), QUARTER_FROM, berlin('2026-02-16T00:00:00Z'))
    const shifts = plan([10, 20, 30], slots, { skips: [{ userId: 10, slotStart: slots[0]!.startsAt }] })
    expect(shifts.map((shift) => shift.userId)).toEqual([20, 10, 30, 20, 10, 30])
  })

  it('keeps fixed (swapped) shifts and leaves a gap when nobody is available', () => {
    const slots = slotsBetween(rules(), QUARTER_FROM, berlin('2026-01-26T00:00:00Z'))
    const shifts = plan([10, 20], slots, {
      fixed: new Map([[slots[0]!.startsAt.getTime(), 20]]),
      unavailable: [
        { userId: 10, from: slots[2]!.startsAt, to: slots[2]!.endsAt },
        { userId: 20, from: slots[2]!.startsAt, to: slots[2]!.endsAt },
      ],
    })
    expect(shifts.map((shift) => shift.userId)).toEqual([20, 10, null])
  })

  it('brings a new member in level with the others, not flooded with catch-up shifts', () => {
    const slots = slotsBetween(rules(), QUARTER_FROM, berlin('2026-02-16T00:00:00Z'))
    const shifts = plan([10, 20, 30], slots, { counts: new Map([[10, 4], [20, 4], [30, 4]]) })
    expect(shifts.map((shift) => shift.userId)).toEqual([10, 20, 30, 10, 20, 30])
  })
})

describe('fairness over a quarter (properties)', () => {
  const scenario = fc.record({
    size: fc.integer({ min: 2, max: 7 }),
    shiftDays: fc.integer({ min: 1, max: 7 }),
    workingDaysOnly: fc.boolean(),
    // Short absences early in the quarter, each at most two weeks.
    absences: fc.array(fc.record({ member: fc.nat(), startDay: fc.integer({ min: 0, max: 40 }), days: fc.integer({ min: 1, max: 14 }) }), { maxLength: 4 }),
    skips: fc.array(fc.record({ member: fc.nat(), slot: fc.integer({ min: 0, max: 10 }) }), { maxLength: 4 }),
  })

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never
  const run = (input: Scenario) => {
    const members = Array.from({ length: input.size }, (_, i) => 100 + i)
    const slots = slotsBetween(rules({ shiftDays: input.shiftDays, workingDaysOnly: input.workingDaysOnly }), QUARTER_FROM, QUARTER_TO)
    const day = 24 * 3_600_000
    const unavailable = input.absences.map((absence) => ({
      userId: members[absence.member % members.length]!,
      from: new Date(QUARTER_FROM.getTime() + absence.startDay * day),
      to: new Date(QUARTER_FROM.getTime() + (absence.startDay + absence.days) * day),
    }))
    const skips = input.skips.filter((skip) => skip.slot < slots.length).map((skip) => ({ userId: members[skip.member % members.length]!, slotStart: slots[skip.slot]!.startsAt }))
    return { members, slots, unavailable, skips, shifts: plan(members, slots, { unavailable, skips }) }
  }

  it('with everyone available, nobody does more than one shift more than anyone else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 7 }), fc.boolean(), (size, shiftDays, workingDaysOnly) => {
        const members = Array.from({ length: size }, (_, i) => i + 1)
        const shifts = plan(members, slotsBetween(rules({ shiftDays, workingDaysOnly }), QUARTER_FROM, QUARTER_TO))
        const counts = members.map((id) => shifts.filter((shift) => shift.userId === id).length)
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
      }),
      { numRuns: 200 },
    )
  })

  it('with absences and skips, counts still end within one, and every slot someone could take is covered', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { members, shifts } = run(input)
        // Each time someone is passed over they fall one behind, and catch up by taking later
        // slots; the claim holds when enough slots follow the last disturbance to catch up in.
        const counts = members.map((id) => shifts.filter((shift) => shift.userId === id).length)
        const disturbed = shifts.map((shift, index) => (shift.passedOver.length > 0 ? index : -1)).filter((index) => index >= 0)
        const debt = shifts.reduce((sum, shift) => sum + shift.passedOver.length, 0)
        const slotsAfter = shifts.length - 1 - Math.max(-1, ...disturbed)
        if (slotsAfter >= debt + members.length) expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
        for (const shift of shifts) if (shift.passedOver.length < members.length) expect(shift.userId).not.toBeNull()
      }),
      { numRuns: 300 },
    )
  })

  it('never plans anyone into their absence or a shift they skipped', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { unavailable, skips, shifts } = run(input)
        for (const shift of shifts) {
          for (const entry of unavailable) if (entry.userId === shift.userId) expect(shift.startsAt < entry.to && entry.from < shift.endsAt).toBe(false)
          for (const skip of skips) if (skip.slotStart.getTime() === shift.startsAt.getTime()) expect(shift.userId).not.toBe(skip.userId)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('gives a skipped person a turn before anyone else gets a second one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 5 }), (size, skippedIndex) => {
        const members = Array.from({ length: size }, (_, i) => i + 1)
        const slots = slotsBetween(rules({ shiftDays: 1 }), QUARTER_FROM, QUARTER_TO)
        const skipped = members[skippedIndex % size]!
        const shifts = plan(members, slots, { skips: [{ userId: skipped, slotStart: slots[0]!.startsAt }] })
        const firstTurn = shifts.findIndex((shift) => shift.userId === skipped)
        const beforeIt = shifts.slice(0, firstTurn).map((shift) => shift.userId)
        expect(new Set(beforeIt).size).toBe(beforeIt.length)
        expect(firstTurn).toBeLessThanOrEqual(size - 1)
      }),
      { numRuns: 100 },
    )
  })
})

describe('the first shift', () => {
  it('starts at once when the rotation is set up before the day’s handoff time', () => {
    // Set up at 05:10 Berlin, handoff at 09:00: nobody would be on until 09:00 otherwise.
    const anchor = berlin('2026-03-02T04:10:00Z')
    const slots = slotsBetween(rules({ anchor }), anchor, berlin('2026-03-20T00:00:00Z'))
    expect(slots.map((slot) => [slot.startsAt.toISOString(), slot.endsAt.toISOString()]).slice(0, 2)).toEqual([
      ['2026-03-02T04:10:00.000Z', '2026-03-09T08:00:00.000Z'],
      ['2026-03-09T08:00:00.000Z', '2026-03-16T08:00:00.000Z'],
    ])
  })
})
