import { integer, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * The first answer to a creating API request that carried an Idempotency-Key, so a retry
 * (same owner, same key) gets the same status and body instead of creating twice.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: serial('id').primaryKey(),
    /** Who sent it: `token:<api token id>` or `user:<user id>` (a session). */
    owner: text('owner').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    /** SHA-256 of method, path and body: the same key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still running (a retry then gets a 409). */
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: timestamptz('created_at').notNull(),
  },
  // Serves the lookup of a retry, and makes two concurrent first attempts race to one row.
  (t) => [unique('idempotency_keys_owner_key').on(t.owner, t.key)],
)
