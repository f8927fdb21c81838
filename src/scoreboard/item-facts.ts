import type { ItemState, SlaSnapshot } from '../db/schema'
import { businessMinutesBetween, type BusinessCalendar } from '../queue'

// One item's timings, read from its event log alone, the way the SLA clock (src/queue/sla-clock.ts)
// counts them: business minutes of the item's frozen calendar, less the business minutes it waited
// on the customer; the resolution clock runs from creation to the last close that no reopening
// followed (a reopening does not restart it, as it does not move the resolution due time).
// A pure function, so the rollup and the direct computation are the same code.

const CLOSED: readonly string[] = ['resolved', 'wont_fix']

export interface FactsItem {
  id: number
  teamSlug: string
  kind: string
  createdAt: Date
  sla: SlaSnapshot
  mergedIntoItemId: number | null
}

export interface FactsEvent {
  id: number
  kind: string
  data: Record<string, unknown>
  createdAt: Date
}

export interface ItemFacts {
  itemId: number
  teamSlug: string
  kind: string
  createdAt: Date
  policyId: number | null
  policyName: string
  duplicate: boolean
  firstResponseAt: Date | null
  firstResponseMinutes: number | null
  firstResponseTargetMinutes: number
  firstResponseMet: boolean | null
  resolvedAt: Date | null
  resolutionMinutes: number | null
  resolutionTargetMinutes: number
  resolutionMet: boolean | null
  nextResponsesMet: number
  nextResponsesMissed: number
  reopenings: number
  pausedMinutes: number
  lastEventId: number
}

/** Rounded to a hundredth of a minute: what the rollup's real column keeps exactly enough. */
const round = (minutes: number) => Math.round(minutes * 100) / 100

/** Business minutes of [from, to) less those inside the waits on the customer. */
function activeMinutes(from: Date, to: Date, pauses: [Date, Date][], calendar: BusinessCalendar): number {
  let paused = 0
  for (const [start, end] of pauses) {
    const a = start > from ? start : from
    const b = end < to ? end : to
    if (b > a) paused += businessMinutesBetween(a, b, calendar)
  }
  return Math.max(0, businessMinutesBetween(from, to, calendar) - paused)
}

export function computeItemFacts(item: FactsItem, events: readonly FactsEvent[]): ItemFacts {
  const calendar = item.sla.calendar
  const ordered = [...events].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id)
  const pauses: [Date, Date][] = []
  let pausedSince: Date | null = null
  let closedAt: Date | null = null
  let reopenings = 0
  let firstResponseAt: Date | null = null
  let duplicate = item.mergedIntoItemId !== null
  const breached = new Set<string>()
  let nextMet = 0
  let nextMissed = 0
  // The last next-response event was a breach not yet followed by a (late) reply.
  let nextBreachOpen = false
  for (const event of ordered) {
    const data = event.data
    if (event.kind === 'state_changed') {
      const from = data.from as ItemState
      const to = data.to as ItemState
      if (to === 'waiting_on_customer' && !pausedSince) pausedSince = event.createdAt
      else if (from === 'waiting_on_customer' && pausedSince) {
        pauses.push([pausedSince, event.createdAt])
        pausedSince = null
      }
      if (CLOSED.includes(to) && !CLOSED.includes(from)) closedAt = event.createdAt
      else if (CLOSED.includes(from) && !CLOSED.includes(to)) {
        reopenings++
        closedAt = null
      }
    } else if (event.kind === 'sla_met') {
      const at = typeof data.at === 'string' ? new Date(data.at) : event.createdAt
      if (data.target === 'first_response' && !firstResponseAt) firstResponseAt = at
      if (data.target === 'next_response') {
        if (data.late) nextMissed++
        else nextMet++
        nextBreachOpen = false
      }
    } else if (event.kind === 'sla_breached' && typeof data.target === 'string') {
      breached.add(data.target)
      if (data.target === 'next_response') nextBreachOpen = true
    } else if (event.kind === 'merged') duplicate = true
  }
  const firstResponseMinutes = firstResponseAt ? round(activeMinutes(item.createdAt, firstResponseAt, pauses, calendar)) : null
  const resolutionMinutes = closedAt ? round(activeMinutes(item.createdAt, closedAt, pauses, calendar)) : null
  const pausedMinutes = round(pauses.reduce((sum, [start, end]) => sum + businessMinutesBetween(start, end, calendar), 0))
  return {
    itemId: item.id,
    teamSlug: item.teamSlug,
    kind: item.kind,
    createdAt: item.createdAt,
    policyId: item.sla.policyId,
    policyName: item.sla.policyName,
    duplicate,
    firstResponseAt,
    firstResponseMinutes,
    firstResponseTargetMinutes: item.sla.firstResponseMinutes,
    firstResponseMet: firstResponseMinutes !== null ? firstResponseMinutes <= item.sla.firstResponseMinutes : breached.has('first_response') ? false : null,
    resolvedAt: closedAt,
    resolutionMinutes,
    resolutionTargetMinutes: item.sla.resolutionMinutes,
    resolutionMet: resolutionMinutes !== null ? resolutionMinutes <= item.sla.resolutionMinutes : breached.has('resolution') ? false : null,
    nextResponsesMet: nextMet,
    nextResponsesMissed: nextMissed + (nextBreachOpen ? 1 : 0),
    reopenings,
    pausedMinutes,
    lastEventId: ordered.reduce((max, event) => Math.max(max, event.id), 0),
  }
}
