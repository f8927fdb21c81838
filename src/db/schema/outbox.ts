import { sql } from 'drizzle-orm'
import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Side effects waiting to happen (search indexing, mail, webhooks, timers), written in the
 * same transaction as the change that caused them and delivered by workers afterwards.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    // Idempotency key: one pending row per key; enqueuing it again updates that row.
    key: text('key').notNull().unique(),
    payload: jsonb('payload').notNull(),
    dueAt: timestamptz('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    // Bumped whenever the row is enqueued again, so a delivery that started before the
    // newer change does not delete it: the row runs once more.
    revision: integer('revision').notNull().default(0),
    // A claim is a lease: a worker that crashes mid-delivery lets it lapse and another retries.
    claimedUntil: timestamptz('claimed_until'),
    claimedBy: text('claimed_by'),
    parkedAt: timestamptz('parked_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: the workers' claim query (due rows, oldest first)
    index('outbox_due_idx').on(t.dueAt, t.id).where(sql`${t.parkedAt} is null`),
    // serves: the admin page of parked rows
    index('outbox_parked_idx').on(t.parkedAt).where(sql`${t.parkedAt} is not null`),
  ],
)

export type OutboxRow = typeof outbox.$inferSelect
