import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './accounts'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * One staff action (a role change, a hidden post, a suspension, a settings change), written by
 * recordStaffAction in the transaction of the change, so the log never misses or invents one.
 * Rows are never updated or deleted by the app. Names are copied in, so the record still reads
 * after the actor or the subject is deleted (a spammer removed with all their posts).
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorName: text('actor_name').notNull(),
    /** Dotted verb, e.g. `user.role_changed`, `sso.provider_updated`. */
    action: text('action').notNull(),
    /** What was acted on: a kind (`user`, `thread`, `webhook_endpoint`...), its id and its name then. */
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    subjectLabel: text('subject_label'),
    /** Before/after values and reasons; never a secret. */
    details: jsonb('details').notNull().default({}),
    requestId: text('request_id'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: /admin/audit newest first, keyset on (created_at, id)
    index('audit_entries_created_idx').on(t.createdAt, t.id),
    // serves: /admin/audit filtered by actor
    index('audit_entries_actor_idx').on(t.actorId, t.createdAt, t.id),
    // serves: /admin/audit filtered by action
    index('audit_entries_action_idx').on(t.action, t.createdAt, t.id),
  ],
)

export type AuditEntry = typeof auditEntries.$inferSelect
