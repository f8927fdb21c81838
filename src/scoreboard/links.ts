import type { BoardEvent, BoardSlaOutcome, BoardTiming } from '../queue'

// Where a scoreboard number leads: the support board with the filter that selects exactly the
// rows behind it (src/queue/board-filters.ts), whatever their number; for the forum's own figures
// (accepted solutions, search deflection) the staff page that lists those questions or lookups.

export interface BoardLinkFilters {
  team?: string | null
  state?: 'all' | 'open' | 'closed'
  kind?: string
  /** Created (or, with an event, done) from this instant on, and before `to`. */
  from?: Date
  to?: Date
  answered?: 'no'
  duplicates?: 'no'
  policy?: number | 'none' | null
  event?: BoardEvent
  /** The person; null: a rating no engineer was credited with. */
  by?: number | null
  shift?: number
  hours?: 'out'
  sla?: BoardSlaOutcome
  timing?: BoardTiming
  issue?: number
  members?: 'duplicates'
  escalation?: 'open'
}

export function boardLink(filters: BoardLinkFilters): string {
  const query = new URLSearchParams()
  if (filters.team) query.set('team', filters.team)
  if (filters.state && filters.state !== 'open') query.set('state', filters.state)
  if (filters.event) query.set('event', filters.event)
  if (filters.by !== undefined) query.set('by', filters.by === null ? 'none' : String(filters.by))
  if (filters.shift !== undefined) query.set('shift', String(filters.shift))
  if (filters.issue !== undefined) query.set('issue', String(filters.issue))
  if (filters.members) query.set('members', filters.members)
  if (filters.escalation) query.set('escalation', filters.escalation)
  if (filters.kind) query.set('kind', filters.kind)
  if (filters.from) query.set('from', filters.from.toISOString())
  if (filters.to) query.set('to', filters.to.toISOString())
  if (filters.hours) query.set('hours', filters.hours)
  if (filters.answered) query.set('answered', filters.answered)
  if (filters.duplicates) query.set('duplicates', filters.duplicates)
  if (filters.policy !== undefined) query.set('policy', filters.policy === null ? 'none' : String(filters.policy))
  if (filters.sla) query.set('sla', filters.sla)
  if (filters.timing) query.set('timing', filters.timing)
  return `/queue?${query.toString()}`
}

/** A forum-side figure's page (/staff/questions, /staff/search/lookups) with its filters. */
export function forumLink(path: '/staff/questions' | '/staff/search/lookups', filters: Record<string, string | Date | undefined>): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '') query.set(key, value instanceof Date ? value.toISOString() : value)
  return `${path}?${query.toString()}`
}
