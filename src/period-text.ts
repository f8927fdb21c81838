// A period said in words, for filters shown on a page ("Escalated 1 Nov 2026 – 30 Nov 2026").

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAY_MS = 86_400_000
const isMidnight = (at: Date) => at.getTime() % DAY_MS === 0
const dayText = (at: Date) => `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}`
const timeText = (at: Date) => `${dayText(at)} ${at.toISOString().slice(11, 16)}`

/** "1 Nov 2026 – 30 Nov 2026" for whole days (the end exclusive, shown as the last day), else times in UTC. */
export function periodText(from: Date | undefined, to: Date | undefined): string {
  if (from && to && isMidnight(from) && isMidnight(to)) {
    const last = new Date(to.getTime() - DAY_MS)
    return last.getTime() === from.getTime() ? `on ${dayText(from)}` : `${dayText(from)} – ${dayText(last)}`
  }
  const text = (at: Date) => (isMidnight(at) ? dayText(at) : `${timeText(at)} UTC`)
  if (from && to) return `${text(from)} – ${text(to)}`
  if (from) return `since ${text(from)}`
  if (to) return `before ${text(to)}`
  return 'at any time'
}
