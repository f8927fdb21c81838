// Pure formatting helpers for views. "now" always comes from the page's props.

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const dateFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
const dateTimeFormat = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
})

export function formatRelative(at: Date, now: Date): string {
  const elapsed = now.getTime() - at.getTime()
  if (elapsed <= -MINUTE) return `in ${formatSpan(-elapsed)}`
  if (elapsed < MINUTE) return 'just now'
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min ago`
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h ago`
  if (elapsed < 30 * DAY) {
    const days = Math.floor(elapsed / DAY)
    return days === 1 ? 'yesterday' : `${days} days ago`
  }
  return dateFormat.format(at)
}

/** "45 min", "3 h", "2 days": a span of time, rounded down. */
export function formatSpan(ms: number): string {
  if (ms < HOUR) return `${Math.max(1, Math.floor(ms / MINUTE))} min`
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h`
  const days = Math.floor(ms / DAY)
  return `${days} day${days === 1 ? '' : 's'}`
}

export function formatDateTime(at: Date): string {
  return `${dateTimeFormat.format(at)} UTC`
}

export function formatDate(at: Date): string {
  return dateFormat.format(at)
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

export function formatMoney(cents: number): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 }).format(cents / 100)
}

export function threadPath(thread: { id: number; slug: string }): string {
  return `/t/${thread.id}/${thread.slug}`
}

export function replyPath(thread: { id: number; slug: string }, replyId: number): string {
  return `${threadPath(thread)}#reply-${replyId}`
}

export function tagPath(tag: string): string {
  return `/tags/${encodeURIComponent(tag)}`
}

/** Business minutes as the hours a form shows and takes: 480 -> "8", 90 -> "1.5", 75 -> "1.25". */
export function formatWindowHours(minutes: number): string {
  return String(Math.round((minutes / 60) * 100) / 100)
}
