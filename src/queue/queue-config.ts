// Every tunable of the support queue in one place: rule thresholds and priority weights.
// The SQL that recomputes priorities (recompute-priorities.ts) reads these values, and each
// item's "why" shows the contributions computed with them.

export const QUEUE_CONFIG = {
  /** A thread whose bug-signal score reaches this becomes a queue item (kind: bug). */
  bugThreshold: 5,
  /** This many distinct customers saying "me too" or asking duplicates make a thread an item. */
  meTooThreshold: 3,
  /** Default window for the "unanswered" rule, in business minutes, when a category sets none. */
  unansweredWindowMinutes: 8 * 60,
  /** Warn this long (in business minutes) before an SLA target is due, or at 80% of short targets. */
  warnBeforeMinutes: 60,
  /** A bug with this many distinct affected customers within `incidentWindowHours` is an incident (P0). */
  incidentCustomers: 5,
  incidentWindowHours: 24,
  /**
   * A customer's new evidence on a thread (a "still broken" reply, a bug report in the reply, a me
   * too from a new customer) reopens its item if that item closed within this many days; later,
   * a new item opens and links to the old one.
   */
  reopenWindowDays: 14,
  /** Open items a support engineer may hold before routing passes them over. */
  defaultItemCap: 25,
  /**
   * Minutes after an item resolves before its asker is asked "Did this solve your problem?":
   * long enough for a "still broken" straight after to reopen it and ask nothing.
   */
  csatAskDelayMinutes: 60,
} as const

/**
 * The in-class score: each factor contributes points; the board sorts by class, then by score.
 * Contributions are stored per item and shown as its "why".
 */
export const PRIORITY_WEIGHTS = {
  /** Up to this many points as the nearest SLA target approaches… */
  urgency: 40,
  /** …starting this many minutes before it is due (linear), and all of them once it is breached. */
  urgencyHorizonMinutes: 8 * 60,
  /** Extra points for an item past a target. */
  breached: 25,
  /** Points × ln(1 + distinct affected customers). */
  affectedCustomers: 8,
  /** Points by the customer's plan. */
  plan: { free: 0, startup: 3, paid: 6, enterprise: 10 } as Record<string, number>,
  /** Points × log10(1 + monthly recurring revenue in dollars). */
  mrr: 2,
  /** Points × ln(1 + upvotes + "me too"s on the thread). */
  votes: 3,
  /** Points × ln(1 + thread views). */
  views: 1,
  /** Points per day of age, up to `ageCapDays`. */
  agePerDay: 1,
  ageCapDays: 14,
} as const
