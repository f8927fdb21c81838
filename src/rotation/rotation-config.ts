// Tunables of the rotation and the escalation path, in one place.

export const ROTATION_CONFIG = {
  /** Shifts are planned at least this far ahead (a quarter, and a little). */
  planAheadDays: 100,
  /** Fairness counts look back this far when (re)planning. */
  fairnessWindowDays: 92,
  /** Default hours to answer an escalation, by severity. */
  defaultResponseHours: { low: 48, normal: 24, high: 8, critical: 2 },
  /** "Fixed, pending confirmation" items resolve themselves after this many days without an answer. */
  autoResolveFixedAfterDays: 7,
  /** Working hours used to tell out-of-hours escalations (local to the rotation): Mon–Fri, 09:00–18:00. */
  workingHours: { start: 9 * 60, end: 18 * 60 },
} as const
