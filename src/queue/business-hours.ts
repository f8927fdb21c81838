import { DateTime, IANAZone } from 'luxon'

// Business-hours arithmetic for SLA targets: "4 business hours after 16:00 on a Friday" in the
// calendar's own timezone, skipping nights, weekends and holidays, and correct across DST.
// Luxon does the timezone conversions; the arithmetic is ours.

export interface BusinessWindow {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  day: number
  /** Minutes after local midnight, wall-clock time: 540 = 09:00. */
  start: number
  /** Exclusive end, up to 1440 (midnight). */
  end: number
}

export interface BusinessCalendar {
  /** IANA timezone, e.g. "Europe/Berlin". */
  timezone: string
  /** Weekly opening windows. None means open around the clock (24/7). */
  windows: BusinessWindow[]
  /** Local dates ("2026-12-25") on which the calendar is closed all day. */
  holidays: string[]
}

export const ALWAYS_OPEN: BusinessCalendar = { timezone: 'UTC', windows: [], holidays: [] }

const MINUTE_MS = 60_000
/** Far enough for any SLA; protects against a calendar that never opens. */
const MAX_DAYS = 3 * 366

/** Problems with a calendar, in words; empty when it is usable. */
export function calendarProblems(calendar: BusinessCalendar): string[] {
  const problems: string[] = []
  if (!IANAZone.isValidZone(calendar.timezone)) problems.push(`“${calendar.timezone}” is not a known timezone (use a name like Europe/Berlin).`)
  for (const window of calendar.windows) {
    if (!Number.isInteger(window.day) || window.day < 1 || window.day > 7) problems.push('Each window needs a weekday from Monday to Sunday.')
    else if (!(window.start >= 0 && window.end <= 1440 && window.start < window.end))
      problems.push(`${weekdayName(window.day)}: a window must end after it starts, within the day.`)
  }
  for (let day = 1; day <= 7; day++) {
    const windows = calendar.windows.filter((window) => window.day === day).sort((a, b) => a.start - b.start)
    for (let i = 1; i < windows.length; i++)
      if (windows[i]!.start < windows[i - 1]!.end) problems.push(`${weekdayName(day)}: windows ${formatWindow(windows[i - 1]!)} and ${formatWindow(windows[i]!)} overlap.`)
  }
  for (const holiday of calendar.holidays)
    if (!DateTime.fromISO(holiday, { zone: 'UTC' }).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(holiday)) problems.push(`“${holiday}” is not a date like 2026-12-25.`)
  return [...new Set(problems)]
}

export function weekdayName(day: number): string {
  return ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][day - 1] ?? `day ${day}`
}

export function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

function formatWindow(window: BusinessWindow): string {
  return `${formatMinutes(window.start)}–${formatMinutes(window.end)}`
}

/** The open intervals (UTC epoch ms) of one local day, in order. */
function openIntervals(calendar: BusinessCalendar, day: DateTime): [number, number][] {
  if (calendar.holidays.includes(day.toISODate()!)) return []
  return calendar.windows
    .filter((window) => window.day === day.weekday)
    .sort((a, b) => a.start - b.start)
    .map((window) => {
      // Wall-clock times on that date: DST moves them in UTC, as it moves the office's clock.
      const at = (minutes: number) =>
        minutes >= 1440 ? day.plus({ days: 1 }).startOf('day') : day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 })
      return [at(window.start).toMillis(), at(window.end).toMillis()] as [number, number]
    })
}

function localDay(at: number, timezone: string): DateTime {
  return DateTime.fromMillis(at, { zone: timezone }).startOf('day')
}

/** The instant `minutes` business minutes after `from` (pausing outside opening hours). */
export function addBusinessMinutes(from: Date, minutes: number, calendar: BusinessCalendar): Date {
  if (calendar.windows.length === 0) return new Date(from.getTime() + minutes * MINUTE_MS)
  let remaining = Math.max(0, minutes) * MINUTE_MS
  let cursor = from.getTime()
  let day = localDay(cursor, calendar.timezone)
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [start, end] of openIntervals(calendar, day)) {
      if (end <= cursor) continue
      const begin = Math.max(start, cursor)
      if (remaining <= end - begin) return new Date(begin + remaining)
      remaining -= end - begin
      cursor = end
    }
  }
  throw new Error('This calendar has no opening hours in the next three years.')
}

/** Business minutes between two instants (0 when `to` is not after `from`). */
export function businessMinutesBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  const a = from.getTime()
  const b = to.getTime()
  if (b <= a) return 0
  if (calendar.windows.length === 0) return (b - a) / MINUTE_MS
  let total = 0
  let day = localDay(a, calendar.timezone)
  for (let i = 0; i < MAX_DAYS && day.toMillis() < b; i++, day = day.plus({ days: 1 })) {
    for (const [start, end] of openIntervals(calendar, day)) total += Math.max(0, Math.min(end, b) - Math.max(start, a))
  }
  return total / MINUTE_MS
}

export function isOpenAt(at: Date, calendar: BusinessCalendar): boolean {
  if (calendar.windows.length === 0) return true
  const instant = at.getTime()
  return openIntervals(calendar, localDay(instant, calendar.timezone)).some(([start, end]) => start <= instant && instant < end)
}

/** "4 business hours", "2 business days" (of 8 h), or "30 minutes" around the clock. */
export function describeTarget(minutes: number, calendar: BusinessCalendar): string {
  const business = calendar.windows.length > 0 ? 'business ' : ''
  if (minutes < 60) return `${minutes} ${business}minute${minutes === 1 ? '' : 's'}`
  const hours = minutes / 60
  if (business && hours >= 16 && hours % 8 === 0) return `${hours / 8} business days`
  if (!business && hours >= 48 && hours % 24 === 0) return `${hours / 24} days`
  const rounded = Number.isInteger(hours) ? hours : Math.round(hours * 10) / 10
  return `${rounded} ${business}hour${rounded === 1 ? '' : 's'}`
}
