import { DateTime } from 'luxon'

// What the calendar page and the iCalendar feeds show: planned shifts with overrides cut in.
// Pure functions of their inputs, like the planner.

export interface TimelineShift {
  id: number
  rotationId: number
  userId: number | null
  startsAt: Date
  endsAt: Date
  locked: boolean
}

export interface TimelineOverride {
  id: number
  rotationId: number
  userId: number
  startsAt: Date
  endsAt: Date
  reason: string
}

/** A stretch of time with one person on rotation: part of a planned shift, or an override. */
export interface Segment {
  rotationId: number
  startsAt: Date
  endsAt: Date
  userId: number | null
  /** The planned shift this piece belongs to (null for an override). */
  shift: { id: number; startsAt: Date; locked: boolean } | null
  override: { id: number; reason: string } | null
}

/**
 * One rotation's time line: each planned shift minus the ranges overrides cover, plus the
 * overrides themselves (overlapping overrides are refused when added), in order.
 */
export function applyOverrides(shifts: TimelineShift[], overrides: TimelineOverride[]): Segment[] {
  const segments: Segment[] = []
  for (const shift of shifts) {
    let pieces = [{ startsAt: shift.startsAt, endsAt: shift.endsAt }]
    for (const cover of overrides) {
      if (cover.rotationId !== shift.rotationId) continue
      pieces = pieces.flatMap((piece) => {
        if (cover.endsAt <= piece.startsAt || cover.startsAt >= piece.endsAt) return [piece]
        const rest = []
        if (cover.startsAt > piece.startsAt) rest.push({ startsAt: piece.startsAt, endsAt: cover.startsAt })
        if (cover.endsAt < piece.endsAt) rest.push({ startsAt: cover.endsAt, endsAt: piece.endsAt })
        return rest
      })
    }
    for (const piece of pieces)
      segments.push({ rotationId: shift.rotationId, ...piece, userId: shift.userId, shift: { id: shift.id, startsAt: shift.startsAt, locked: shift.locked }, override: null })
  }
  for (const cover of overrides)
    segments.push({ rotationId: cover.rotationId, startsAt: cover.startsAt, endsAt: cover.endsAt, userId: cover.userId, shift: null, override: { id: cover.id, reason: cover.reason } })
  return segments.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.rotationId - b.rotationId)
}

/** Who takes over after `after` from someone else: the first later segment with another person. */
export function nextSegment(segments: Segment[], after: Date, exceptUserId: number | null): Segment | null {
  return segments.find((segment) => segment.startsAt >= after && segment.userId !== null && segment.userId !== exceptUserId) ?? null
}

export interface CalendarEntry {
  userId: number | null
  override: boolean
  /** Wall-clock time the person takes over, when that happens during this day. */
  from: string | null
}

export interface CalendarDay {
  /** Local date, like 2026-03-02. */
  date: string
  today: boolean
  entries: CalendarEntry[]
}

/** Weeks (Monday to Sunday, in the rotation's timezone) of who is on rotation each day. */
export function calendarWeeks(segments: Segment[], timezone: string, now: Date, weeks: number): CalendarDay[][] {
  return dayGrid(timezone, now, weeks).map((week) =>
    week.map((day) => {
      const entries: CalendarEntry[] = []
      for (const segment of segments) {
        if (segment.endsAt <= day.start || segment.startsAt >= day.end) continue
        const previous = entries[entries.length - 1]
        if (previous && previous.userId === segment.userId && previous.override === !!segment.override) continue
        entries.push({
          userId: segment.userId,
          override: !!segment.override,
          from: segment.startsAt > day.start ? clockIn(segment.startsAt, timezone) : null,
        })
      }
      return { date: day.date, today: day.today, entries }
    }),
  )
}

interface GridDay {
  date: string
  start: Date
  end: Date
  today: boolean
}

// Local days are what luxon is slow at (each step asks Intl for the zone's offset), and every
// rotation in a timezone shares them: the overview of 30 rotations built the same 840 days 30
// times per request (40 % of its CPU). Grids are kept per timezone, day and length.
const grids = new Map<string, GridDay[][]>()

function dayGrid(timezone: string, now: Date, weeks: number): GridDay[][] {
  const today = DateTime.fromJSDate(now, { zone: timezone }).startOf('day')
  const key = `${timezone}|${today.toISODate()}|${weeks}`
  const kept = grids.get(key)
  if (kept) return kept
  const monday = today.minus({ days: today.weekday - 1 })
  const grid: GridDay[][] = []
  for (let week = 0; week < weeks; week++) {
    const days: GridDay[] = []
    for (let offset = 0; offset < 7; offset++) {
      const day = monday.plus({ days: week * 7 + offset })
      days.push({ date: day.toISODate()!, start: day.toJSDate(), end: day.plus({ days: 1 }).toJSDate(), today: day.hasSame(today, 'day') })
    }
    grid.push(days)
  }
  if (grids.size >= 256) grids.clear()
  grids.set(key, grid)
  return grid
}

const clockFormats = new Map<string, Intl.DateTimeFormat>()

/** "09:00": an instant's wall-clock time in a timezone (what luxon's toFormat('HH:mm') says, for a fraction of the cost). */
export function clockIn(instant: Date, timezone: string): string {
  let format = clockFormats.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    clockFormats.set(timezone, format)
  }
  return format.format(instant)
}
