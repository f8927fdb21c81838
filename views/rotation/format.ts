import { DateTime } from 'luxon'

// Rotation times are read in the rotation's own timezone: a 09:00 handoff in Berlin reads
// 09:00 whatever the viewer's machine says.

const at = (instant: Date, timezone: string) => DateTime.fromJSDate(instant, { zone: timezone }).setLocale('en-GB')

/** "Mon 2 Mar, 09:00" */
export function localDateTime(instant: Date, timezone: string): string {
  return at(instant, timezone).toFormat('ccc d LLL, HH:mm')
}

/** "Mon 2 Mar 09:00 – Mon 9 Mar 09:00" */
export function localRange(from: Date, to: Date, timezone: string): string {
  return `${localDateTime(from, timezone)} – ${localDateTime(to, timezone)}`
}

/** The local days an interval touches (its end is exclusive): "24–25 Dec", "30 Dec – 2 Jan", "3 Mar". */
export function localDays(from: Date, to: Date, timezone: string): string {
  const first = at(from, timezone)
  const last = at(new Date(Math.max(from.getTime(), to.getTime() - 1)), timezone)
  if (first.hasSame(last, 'day')) return first.toFormat('d LLL')
  if (first.hasSame(last, 'month')) return `${first.toFormat('d')}–${last.toFormat('d LLL')}`
  return `${first.toFormat('d LLL')} – ${last.toFormat('d LLL')}`
}

const dayLabels = new Map<string, string>()

/** "2 Mar" from a local date like 2026-03-02 (kept: a calendar shows the same days for every rotation). */
export function dayLabel(date: string): string {
  let label = dayLabels.get(date)
  if (label === undefined) {
    label = DateTime.fromISO(date).setLocale('en-GB').toFormat('d LLL')
    if (dayLabels.size >= 4096) dayLabels.clear()
    dayLabels.set(date, label)
  }
  return label
}

/** "24 Dec 2026" from a local date. */
export function longDay(date: string): string {
  return DateTime.fromISO(date).setLocale('en-GB').toFormat('d LLL yyyy')
}

/** "09:00" from minutes after midnight. */
export function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** The value of an <input type="datetime-local"> for an instant, in the rotation's timezone. */
export function localInputValue(instant: Date, timezone: string): string {
  return at(instant, timezone).toFormat("yyyy-LL-dd'T'HH:mm")
}
