import type { ItemKind, Plan, Severity, SlaPolicy, SlaSnapshot, SlaTarget } from '../db/schema'
import { addBusinessMinutes, ALWAYS_OPEN, businessMinutesBetween, type BusinessCalendar } from './business-hours'
import { QUEUE_CONFIG } from './queue-config'

// SLA policy matching and due times. Pure functions of their inputs: the clock is a parameter.

export interface PolicyWithCalendar extends SlaPolicy {
  calendar: BusinessCalendar | null
}

/** The first policy (by position) whose set conditions all match; an unset condition matches anything. */
export function matchPolicy(
  policies: PolicyWithCalendar[],
  item: { plan: Plan; severity: Severity; kind: ItemKind },
): PolicyWithCalendar | null {
  return (
    [...policies]
      .sort((a, b) => a.position - b.position || a.id - b.id)
      .find(
        (policy) =>
          (!policy.matchPlan || policy.matchPlan === item.plan) &&
          (!policy.matchSeverity || policy.matchSeverity === item.severity) &&
          (!policy.matchKind || policy.matchKind === item.kind),
      ) ?? null
  )
}

/** Without any matching policy, an item still gets due times: a generous 24/7 default. */
export const FALLBACK_SLA: SlaSnapshot = {
  policyId: null,
  policyName: 'Default (no policy matched)',
  version: 0,
  firstResponseMinutes: 3 * 24 * 60,
  nextResponseMinutes: 3 * 24 * 60,
  resolutionMinutes: 30 * 24 * 60,
  calendar: ALWAYS_OPEN,
}

export function snapshotOf(policy: PolicyWithCalendar | null): SlaSnapshot {
  if (!policy) return FALLBACK_SLA
  return {
    policyId: policy.id,
    policyName: policy.name,
    version: policy.version,
    firstResponseMinutes: policy.firstResponseMinutes,
    nextResponseMinutes: policy.nextResponseMinutes,
    resolutionMinutes: policy.resolutionMinutes,
    calendar: policy.calendar ?? ALWAYS_OPEN,
  }
}

export interface DueTimes {
  dueAt: Date
  /** When to warn: an hour (business) before, or at 80% of shorter targets. */
  warnAt: Date
}

/** Due and warning times of a target started at `from`, after `pausedMinutes` of pauses. */
export function dueTimes(from: Date, targetMinutes: number, pausedMinutes: number, calendar: BusinessCalendar): DueTimes {
  const total = targetMinutes + pausedMinutes
  const warnLead = Math.min(QUEUE_CONFIG.warnBeforeMinutes, targetMinutes * 0.2)
  return {
    dueAt: addBusinessMinutes(from, total, calendar),
    warnAt: addBusinessMinutes(from, total - warnLead, calendar),
  }
}

/** Business minutes an item has waited on its customer between `since` and `now`. */
export function pausedBetween(since: Date, now: Date, calendar: BusinessCalendar): number {
  return businessMinutesBetween(since, now, calendar)
}

export const TARGET_LABELS: Record<SlaTarget, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
}
