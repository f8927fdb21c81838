import { z } from 'zod'

/** A dotted verb naming what staff did: `user.role_changed`, `sso.provider_updated`, `post.hidden`. */
export const AUDIT_ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/

export const StaffActionInput = z.object({
  action: z.string().regex(AUDIT_ACTION, { error: 'An audit action is a dotted lower-case name such as user.role_changed.' }),
  /** What was acted on: a kind (`user`, `thread`, `reply`, `webhook_endpoint`, `settings`...). */
  subjectType: z.string().min(1).max(60).optional(),
  subjectId: z.union([z.string(), z.number()]).transform(String).optional(),
  /** Its name at the time (a person's name, a thread's title), so the entry reads after a deletion. */
  subjectLabel: z.string().max(300).optional(),
  /** Before/after values, a reason, counts. Never a secret. */
  details: z.record(z.string(), z.unknown()).default({}),
})
export type StaffActionInput = z.input<typeof StaffActionInput>

const DAY = /^\d{4}-\d{2}-\d{2}$/
const day = z.preprocess(
  (value) => (value === '' || value === undefined || value === null ? undefined : value),
  z
    .string()
    .regex(DAY, { error: 'Use a date like 2026-12-07.' })
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), { error: 'That date does not exist.' })
    .optional(),
)

/** The filters of /admin/audit, from its query string. */
export const AuditFilter = z.object({
  actorId: z.preprocess(
    (value) => (value === '' || value === undefined ? undefined : typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value),
    z.number({ error: 'Choose someone from the list.' }).int().min(1).optional(),
  ),
  action: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().regex(AUDIT_ACTION, { error: 'Choose an action from the list.' }).optional(),
  ),
  /** From the start of this UTC day. */
  from: day,
  /** To the end of this UTC day. */
  to: day,
})
export type AuditFilter = z.input<typeof AuditFilter>
