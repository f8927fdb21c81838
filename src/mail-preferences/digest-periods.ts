// When digests go out: every day at 06:00 UTC, weekly ones on Monday at that hour. A period runs
// from one send time to the next; its digest carries what was held before the period started.

export const DIGEST_HOUR_UTC = 6
const DAY_MS = 24 * 3_600_000

export interface DigestPeriod {
  /** The send time that opened this period: notices held before it go in this period's digest. */
  start: Date
  /** Names the period in the mail's idempotency key: one digest per person per period. */
  label: string
}

/** The period `now` falls in, for a daily or weekly digest. */
export function digestPeriod(frequency: 'daily' | 'weekly', now: Date): DigestPeriod {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DIGEST_HOUR_UTC)
  let start = today <= now.getTime() ? today : today - DAY_MS
  if (frequency === 'weekly') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY_MS
  const date = new Date(start).toISOString().slice(0, 10)
  return { start: new Date(start), label: frequency === 'weekly' ? `week-${date}` : date }
}

/** The next send time after `now`. */
export function nextDigestRun(now: Date): Date {
  return new Date(digestPeriod('daily', now).start.getTime() + DAY_MS)
}
