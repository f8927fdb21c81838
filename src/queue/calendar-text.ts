import { formatMinutes, weekdayName, type BusinessWindow } from './business-hours'

// Opening hours as people write them: one line per rule, "Mon-Fri 09:00-17:00" or
// "Sat 10:00-14:00", several ranges with commas ("Mon 09:00-12:00, 13:00-18:00").

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

function dayIndex(word: string): number {
  return DAYS.indexOf(word.slice(0, 3).toLowerCase()) + 1
}

function minutesOf(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text)
  if (!match) return null
  const hours = Number(match[1])
  const minutes = Number(match[2])
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null
  return hours * 60 + minutes
}

export function parseWindows(text: string): { windows: BusinessWindow[]; problems: string[] } {
  const windows: BusinessWindow[] = []
  const problems: string[] = []
  text
    .split(/\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .forEach((line, index) => {
      const match = /^([A-Za-z]{3,9})(?:\s*-\s*([A-Za-z]{3,9}))?\s+(.+)$/.exec(line)
      const first = match ? dayIndex(match[1]!) : 0
      const last = match?.[2] ? dayIndex(match[2]) : first
      if (!match || first < 1 || last < 1 || last < first) {
        problems.push(`Line ${index + 1} (“${line}”): start with days like “Mon-Fri” or “Sat”.`)
        return
      }
      for (const range of match[3]!.split(',').map((part) => part.trim())) {
        const [from, to] = range.split(/\s*-\s*/)
        const start = minutesOf(from ?? '')
        const end = minutesOf(to ?? '')
        if (start === null || end === null) {
          problems.push(`Line ${index + 1} (“${line}”): write times like 09:00-17:00.`)
          continue
        }
        for (let day = first; day <= last; day++) windows.push({ day, start, end })
      }
    })
  return { windows, problems }
}

export function formatWindows(windows: BusinessWindow[]): string {
  return [...windows]
    .sort((a, b) => a.day - b.day || a.start - b.start)
    .map((window) => `${weekdayName(window.day).slice(0, 3)} ${formatMinutes(window.start)}-${formatMinutes(window.end)}`)
    .join('\n')
}

export function parseHolidays(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((part) => part.trim()).filter(Boolean))].sort()
}
