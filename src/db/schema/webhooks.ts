import { bigserial, boolean, index, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './accounts'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const WEBHOOK_EVENT_TYPES = [
  'thread.created',
  'thread.answered',
  'thread.solved',
  'item.created',
  'item.state_changed',
  'item.assigned',
  'escalation.created',
  'escalation.answered',
  'sla.warning',
  'sla.breached',
  'fix.announced',
  'rotation.shift_started',
  'handoff.published',
  // Moderation (issue 21): public data says what happened to which post or person; the staff's
  // own words (reasons, notes, the watched word, flag notes, who decided) go to internal endpoints only.
  'post.held',
  'post.hidden',
  'post.approved',
  'user.suspended',
  'user.silenced',
  // The sanction ended (lifted by staff, or its time ran out) and no other of its kind holds.
  'user.unsuspended',
  'user.unsilenced',
  'user.removed',
  // Issue 19: an asker's "Did this solve your problem?" rating; its comment to internal endpoints only.
  'csat.rated',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/** An admin's receiver of outgoing webhooks. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: serial('id').primaryKey(),
  url: text('url').notNull(),
  description: text('description').notNull().default(''),
  eventTypes: text('event_types').array().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  // May receive internal note bodies (a receiver inside the company).
  internal: boolean('internal').notNull().default(false),
  // Self-hosted receivers on a private network: the SSRF guard lets this endpoint through.
  allowPrivateNetwork: boolean('allow_private_network').notNull().default(false),
  // Standard Webhooks `whsec_…`; the previous one keeps signing until previous_secret_until (rotation overlap).
  secret: text('secret').notNull(),
  previousSecret: text('previous_secret'),
  previousSecretUntil: timestamptz('previous_secret_until'),
  // Failures since the last success; the endpoint is disabled after a day of them.
  failingSince: timestamptz('failing_since'),
  disabledReason: text('disabled_reason'),
  createdAt: timestamptz('created_at').notNull(),
  createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: timestamptz('updated_at').notNull(),
})

/** One thing that happened, as sent: its id is every delivery's `webhook-id`, so receivers dedupe retries. */
export const webhookEvents = pgTable('webhook_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  // Built once, at the change; `internal` holds what only internal endpoints receive (merged into data).
  data: jsonb('data').notNull(),
  internalData: jsonb('internal_data'),
  createdAt: timestamptz('created_at').notNull(),
})

export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number]

/** One event to one endpoint, with its own retry schedule (exponential, for a day). */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    endpointId: integer('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    state: text('state', { enum: WEBHOOK_DELIVERY_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at'),
    requestBody: text('request_body'),
    responseStatus: integer('response_status'),
    responseExcerpt: text('response_excerpt'),
    durationMs: integer('duration_ms'),
    error: text('error'),
    lastAttemptAt: timestamptz('last_attempt_at'),
    deliveredAt: timestamptz('delivered_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: an endpoint's delivery log, newest first
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
  ],
)

/** A chat alert (Slack-compatible JSON) to a team's incoming-webhook URL, retried like webhooks. */
export const chatAlerts = pgTable(
  'chat_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamSlug: text('team_slug').notNull(),
    url: text('url').notNull(),
    kind: text('kind').notNull(),
    body: jsonb('body').notNull(),
    state: text('state', { enum: WEBHOOK_DELIVERY_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    responseStatus: integer('response_status'),
    error: text('error'),
    createdAt: timestamptz('created_at').notNull(),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    // serves: the pending alerts (admin look-ups, tests)
    index('chat_alerts_team_idx').on(t.teamSlug, t.id),
  ],
)

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect
export type WebhookEvent = typeof webhookEvents.$inferSelect
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect
export type ChatAlert = typeof chatAlerts.$inferSelect
