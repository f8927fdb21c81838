// The scoreboard's period: the last 7, 30 or 90 days up to now, or custom dates (UTC, both
// days included), and the period of the same length just before it (for trends).

export const PERIODS = ['7', '30', '90', 'custom'] as const
export type Period = (typeof PERIODS)[number]

/** What the page's filter form sends, as typed. */
export interface ScoreboardFilterInput {
  team?: string
  period?: string
  from?: string
  to?: string
}

export interface ScoreboardWindow {
  team: string | null
  period: Period
  from: Date
  to: Date
  previousFrom: Date
  previousTo: Date
  /** The dates the form shows for a custom period (YYYY-MM-DD), or those of the preset. */
  fromDate: string
  toDate: string
}

const DAY_MS = 86_400_000
const MAX_DAYS = 366

const dateOnly = (at: Date) => at.toISOString().slice(0, 10)

function parseDay(text: string | undefined): Date | null {
  if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null
  const at = new Date(`${text}T00:00:00.000Z`)
  return Number.isNaN(at.getTime()) || dateOnly(at) !== text ? null : at
}

/**
 * The window these filters ask for, and the problems with them by field (then the window is the
 * default, last 30 days, so the page still shows numbers beside the message).
 */
export function resolveWindow(input: ScoreboardFilterInput, now: Date, teams: readonly string[]): { window: ScoreboardWindow; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  let team: string | null = input.team?.trim() || null
  if (team && !teams.includes(team)) {
    errors.team = `There is no team “${team}”.`
    team = null
  }
  let period: Period = (PERIODS as readonly string[]).includes(input.period ?? '') ? (input.period as Period) : input.from || input.to ? 'custom' : '30'
  if (input.period && !(PERIODS as readonly string[]).includes(input.period)) errors.period = 'Choose 7, 30 or 90 days, or custom dates.'
  let from = new Date(now.getTime() - 30 * DAY_MS)
  let to = now
  if (period === 'custom') {
    const start = parseDay(input.from)
    const end = parseDay(input.to)
    if (!start) errors.from = 'Give the first day as a date like 2026-11-01.'
    if (!end) errors.to = 'Give the last day as a date like 2026-11-30.'
    if (start && end) {
      const endExclusive = new Date(end.getTime() + DAY_MS)
      if (endExclusive <= start) errors.to = 'The last day must not be before the first.'
      else if ((endExclusive.getTime() - start.getTime()) / DAY_MS > MAX_DAYS) errors.to = `A period can be at most ${MAX_DAYS} days long.`
      else if (start > now) errors.from = 'The period must start before today ends.'
      else {
        from = start
        to = endExclusive
      }
    }
    if (errors.from || errors.to) period = '30'
  } else from = new Date(now.getTime() - Number(period) * DAY_MS)
  const length = to.getTime() - from.getTime()
  return {
    window: {
      team,
      period,
      from,
      to,
      previousFrom: new Date(from.getTime() - length),
      previousTo: from,
      fromDate: dateOnly(from),
      toDate: dateOnly(new Date(to.getTime() - 1)),
    },
    errors,
  }
}
