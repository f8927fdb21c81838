import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addBusinessMinutes,
  ALWAYS_OPEN,
  businessMinutesBetween,
  calendarProblems,
  describeTarget,
  isOpenAt,
  type BusinessCalendar,
} from '../../src/queue/business-hours'

const weekdays = (start: number, end: number) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }))

const berlin: BusinessCalendar = { timezone: 'Europe/Berlin', windows: weekdays(9 * 60, 17 * 60), holidays: ['2026-12-25', '2026-12-26'] }
const newYork: BusinessCalendar = { timezone: 'America/New_York', windows: weekdays(9 * 60, 17 * 60), holidays: [] }
const at = (iso: string) => new Date(iso)

describe('addBusinessMinutes', () => {
  it('is plain time on a 24/7 calendar', () => {
    expect(addBusinessMinutes(at('2026-03-06T16:00:00Z'), 240, ALWAYS_OPEN).toISOString()).toBe('2026-03-06T20:00:00.000Z')
  })

  it('stays inside the day when there is time left', () => {
    // Monday 10:00 in Berlin (UTC+1 in winter) plus 4 h is 14:00 local.
    expect(addBusinessMinutes(at('2026-03-02T09:00:00Z'), 240, berlin).toISOString()).toBe('2026-03-02T13:00:00.000Z')
  })

  it('carries the rest over the night and the weekend', () => {
    // Friday 16:00 Berlin + 4 business hours: 1 h on Friday, 3 h on Monday -> Monday 12:00 local.
    expect(addBusinessMinutes(at('2026-03-06T15:00:00Z'), 240, berlin).toISOString()).toBe('2026-03-09T11:00:00.000Z')
  })

  it('starts at the next opening when asked out of hours', () => {
    // Saturday: the clock starts on Monday 09:00 local.
    expect(addBusinessMinutes(at('2026-03-07T12:00:00Z'), 30, berlin).toISOString()).toBe('2026-03-09T08:30:00.000Z')
  })

  it('skips holidays', () => {
    // Thursday 24 Dec 16:00 + 2 h: 1 h on Thursday, Friday 25 is a holiday, then Monday 28 09:00 + 1 h.
    expect(addBusinessMinutes(at('2026-12-24T15:00:00Z'), 120, berlin).toISOString()).toBe('2026-12-28T09:00:00.000Z')
  })

  it('follows the wall clock across daylight saving changes', () => {
    // Berlin moves to summer time on Sunday 29 March 2026: Friday 16:00 (UTC+1) + 2 h ends Monday 10:00 (UTC+2).
    expect(addBusinessMinutes(at('2026-03-27T15:00:00Z'), 120, berlin).toISOString()).toBe('2026-03-30T08:00:00.000Z')
    // New York leaves summer time on Sunday 1 November 2026: Friday 16:00 EDT + 2 h ends Monday 10:00 EST.
    expect(addBusinessMinutes(at('2026-10-30T20:00:00Z'), 120, newYork).toISOString()).toBe('2026-11-02T15:00:00.000Z')
  })

  it('counts a short day when the clocks go forward', () => {
    const allDay: BusinessCalendar = { timezone: 'Europe/Berlin', windows: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: 0, end: 1440 })), holidays: [] }
    expect(businessMinutesBetween(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'), allDay)).toBe(23 * 60)
    expect(businessMinutesBetween(at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'), allDay)).toBe(25 * 60)
  })

  it('works in timezones far from UTC, with split days', () => {
    const tokyo: BusinessCalendar = {
      timezone: 'Asia/Tokyo',
      windows: [1, 2, 3, 4, 5].flatMap((day) => [
        { day, start: 9 * 60, end: 12 * 60 },
        { day, start: 13 * 60, end: 18 * 60 },
      ]),
      holidays: [],
    }
    // Monday 11:00 JST (02:00 UTC) + 2 h: 1 h before lunch, 1 h after -> 14:00 JST.
    expect(addBusinessMinutes(at('2026-03-02T02:00:00Z'), 120, tokyo).toISOString()).toBe('2026-03-02T05:00:00.000Z')
  })
})

describe('businessMinutesBetween', () => {
  it('counts only opening hours', () => {
    // Friday 16:00 to Monday 10:00 Berlin: 1 h + 1 h.
    expect(businessMinutesBetween(at('2026-03-06T15:00:00Z'), at('2026-03-09T09:00:00Z'), berlin)).toBe(120)
    expect(businessMinutesBetween(at('2026-03-09T09:00:00Z'), at('2026-03-06T15:00:00Z'), berlin)).toBe(0)
  })

  it('inverts addBusinessMinutes for any start and duration (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2027-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 60 * 24 * 20 }),
        fc.constantFrom(berlin, newYork, ALWAYS_OPEN),
        (from, minutes, calendar) => {
          const due = addBusinessMinutes(from, minutes, calendar)
          expect(Math.abs(businessMinutesBetween(from, due, calendar) - minutes)).toBeLessThan(1e-6)
          expect(due.getTime()).toBeGreaterThanOrEqual(from.getTime())
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never moves backwards as the duration grows (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 5000 }), (from, minutes) => {
        expect(addBusinessMinutes(from, minutes + 1, berlin).getTime()).toBeGreaterThan(addBusinessMinutes(from, minutes, berlin).getTime())
      }),
      { numRuns: 200 },
    )
  })
})

describe('calendars', () => {
  it('knows when it is open', () => {
    expect(isOpenAt(at('2026-03-02T09:00:00Z'), berlin)).toBe(true)
    expect(isOpenAt(at('2026-03-07T10:00:00Z'), berlin)).toBe(false)
    expect(isOpenAt(at('2026-12-25T10:00:00Z'), berlin)).toBe(false)
  })

  it('explains what is wrong with a calendar', () => {
    expect(calendarProblems(berlin)).toEqual([])
    expect(
      calendarProblems({
        timezone: 'Mars/Olympus',
        windows: [
          { day: 1, start: 540, end: 720 },
          { day: 1, start: 660, end: 900 },
          { day: 2, start: 600, end: 500 },
          { day: 9, start: 0, end: 60 },
        ],
        holidays: ['next friday'],
      }),
    ).toEqual([
      '“Mars/Olympus” is not a known timezone (use a name like Europe/Berlin).',
      'Tuesday: a window must end after it starts, within the day.',
      'Each window needs a weekday from Monday to Sunday.',
      'Monday: windows 09:00–12:00 and 11:00–15:00 overlap.',
      '“next friday” is not a date like 2026-12-25.',
    ])
  })

  it('describes targets the way customers read them', () => {
    expect(describeTarget(240, berlin)).toBe('4 business hours')
    expect(describeTarget(960, berlin)).toBe('2 business days')
    expect(describeTarget(30, ALWAYS_OPEN)).toBe('30 minutes')
    expect(describeTarget(60, ALWAYS_OPEN)).toBe('1 hour')
    expect(describeTarget(2880, ALWAYS_OPEN)).toBe('2 days')
  })
})
