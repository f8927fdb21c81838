import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { organisations, users } from './accounts'
import { threads } from './forum'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const itemKinds = ['question', 'bug', 'incident', 'feature_request', 'billing'] as const
export type ItemKind = (typeof itemKinds)[number]

export const severities = ['low', 'normal', 'high', 'critical'] as const
export type Severity = (typeof severities)[number]

export const itemStates = [
  'new',
  'triaged',
  'in_progress',
  'waiting_on_customer',
  'escalated',
  'fixed_pending_confirmation',
  'resolved',
  'wont_fix',
] as const
export type ItemState = (typeof itemStates)[number]
export const closedStates: readonly ItemState[] = ['resolved', 'wont_fix']

export const itemSources = ['forum', 'email', 'chat', 'call', 'api', 'other'] as const
export type ItemSource = (typeof itemSources)[number]

export const slaTargets = ['first_response', 'next_response', 'resolution'] as const
export type SlaTarget = (typeof slaTargets)[number]

/** Support teams; categories route their threads to one by slug. */
export const teams = pgTable('teams', {
  slug: text('slug').primaryKey(),
  name: text('name').notNull(),
  // Notified when the team's items breach their SLA, and the escalation path of last resort.
  leadId: integer('lead_id').references(() => users.id, { onDelete: 'set null' }),
  // A chat incoming-webhook URL (Slack-compatible JSON): escalations, breaches, handovers.
  chatWebhookUrl: text('chat_webhook_url'),
  // A self-hosted chat server on the private network: the SSRF guard lets its URL through.
  chatAllowPrivateNetwork: boolean('chat_allow_private_network').notNull().default(false),
  createdAt: timestamptz('created_at').notNull(),
})

export const teamMembers = pgTable(
  'team_members',
  {
    teamSlug: text('team_slug')
      .notNull()
      .references(() => teams.slug, { onDelete: 'cascade', onUpdate: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  // The primary key serves a team's members; the index serves a person's teams.
  (t) => [primaryKey({ columns: [t.teamSlug, t.userId] }), index('team_members_user_idx').on(t.userId)],
)

/** Per staff member: whether they take new items now, how many they may hold, when they last got one. */
export const staffProfiles = pgTable('staff_profiles', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  onDuty: boolean('on_duty').notNull().default(false),
  onDutySince: timestamptz('on_duty_since'),
  itemCap: integer('item_cap').notNull().default(25),
  lastAssignedAt: timestamptz('last_assigned_at'),
})

/** Business hours for SLA targets; no windows means 24/7. */
export const businessCalendars = pgTable('business_calendars', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  timezone: text('timezone').notNull(),
  windows: jsonb('windows').$type<{ day: number; start: number; end: number }[]>().notNull(),
  holidays: jsonb('holidays').$type<string[]>().notNull(),
  createdAt: timestamptz('created_at').notNull(),
})

/** Ordered SLA policies: the first whose conditions match an item applies. Empty condition = any. */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    matchPlan: text('match_plan'),
    matchSeverity: text('match_severity'),
    matchKind: text('match_kind'),
    firstResponseMinutes: integer('first_response_minutes').notNull(),
    nextResponseMinutes: integer('next_response_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    calendarId: integer('calendar_id').references(() => businessCalendars.id, { onDelete: 'restrict' }),
    // Items keep the version they started with (a snapshot on the item); edits make a new version.
    version: integer('version').notNull().default(1),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    check(
      'sla_policies_positive_targets',
      sql`${t.firstResponseMinutes} > 0 and ${t.nextResponseMinutes} > 0 and ${t.resolutionMinutes} > 0`,
    ),
  ],
)

/** The SLA an item started with: targets, calendar and the policy's identity, frozen at creation. */
export interface SlaSnapshot {
  policyId: number | null
  policyName: string
  version: number
  firstResponseMinutes: number
  nextResponseMinutes: number
  resolutionMinutes: number
  calendar: { timezone: string; windows: { day: number; start: number; end: number }[]; holidays: string[] }
}

export interface ItemSignals {
  bug?: { score: number; signals: { name: string; weight: number; evidence: string }[] }
  meToo?: { customers: number }
  unanswered?: { windowMinutes: number; since: string }
  noStaffReply?: { targetMinutes: number; since: string }
  manual?: { byId: number; note: string }
  /** New evidence on a thread whose earlier item closed too long ago to reopen it. */
  follows?: { itemId: number; reason: string; evidence: string; replyId?: number; customers: number[] }
}

export interface PriorityFactors {
  classReason: string
  urgency: number
  breached: number
  affectedCustomers: number
  plan: number
  mrr: number
  votes: number
  views: number
  age: number
}

export const queueItems = pgTable(
  'queue_items',
  {
    id: serial('id').primaryKey(),
    threadId: integer('thread_id').references(() => threads.id, { onDelete: 'set null' }),
    source: text('source', { enum: itemSources }).notNull(),
    title: text('title').notNull(),
    // Plain text for items filed from email, chat or a call; forum items show their thread.
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: itemKinds }).notNull(),
    severity: text('severity', { enum: severities }).notNull().default('normal'),
    state: text('state', { enum: itemStates }).notNull().default('new'),
    tier: smallint('tier').notNull().default(1),
    teamSlug: text('team_slug').notNull(),
    requesterId: integer('requester_id').references(() => users.id, { onDelete: 'set null' }),
    organisationId: integer('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    flaggedAt: timestamptz('flagged_at'),
    flaggedById: integer('flagged_by_id').references(() => users.id, { onDelete: 'set null' }),
    signals: jsonb('signals').$type<ItemSignals>().notNull().default({}),
    affectedCustomers: integer('affected_customers').notNull().default(1),
    sla: jsonb('sla').$type<SlaSnapshot>().notNull(),
    firstResponseDueAt: timestamptz('first_response_due_at'),
    firstResponseWarnAt: timestamptz('first_response_warn_at'),
    firstResponseAt: timestamptz('first_response_at'),
    nextResponseDueAt: timestamptz('next_response_due_at'),
    nextResponseWarnAt: timestamptz('next_response_warn_at'),
    resolutionDueAt: timestamptz('resolution_due_at'),
    resolutionWarnAt: timestamptz('resolution_warn_at'),
    // Which warnings and breaches have fired (target names), so each fires once per due time.
    warned: text('warned').array().notNull().default(sql`'{}'::text[]`),
    breached: text('breached').array().notNull().default(sql`'{}'::text[]`),
    // The SLA clock stops while the item waits on the customer.
    pausedAt: timestamptz('paused_at'),
    pausedMinutes: real('paused_minutes').notNull().default(0),
    lastCustomerActivityAt: timestamptz('last_customer_activity_at'),
    lastStaffReplyAt: timestamptz('last_staff_reply_at'),
    resolvedAt: timestamptz('resolved_at'),
    resolvedById: integer('resolved_by_id').references(() => users.id, { onDelete: 'set null' }),
    // Larger work goes to the external tracker: the address, and when it went there.
    // Set when this item was closed into another (an engineer's "duplicate of"): its askers hear when that one is fixed.
    mergedIntoItemId: integer('merged_into_item_id'),
    backlogUrl: text('backlog_url'),
    backlogAt: timestamptz('backlog_at'),
    // Entered "fixed, pending confirmation": auto-resolved if the customer never answers.
    fixedAt: timestamptz('fixed_at'),
    createdAt: timestamptz('created_at').notNull(),
    createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    // One open item per thread at most: later signals update it.
    uniqueIndex('queue_items_open_thread_idx')
      .on(t.threadId)
      .where(sql`${t.threadId} is not null and ${t.state} not in ('resolved', 'wont_fix')`),
    // serves: a thread's support status on its page (its items open or closed, newest first);
    // without it every signed-in thread page scanned all items (38 ms at 100k items)
    index('queue_items_thread_idx').on(t.threadId),
    // serves: the board (a team's open items)
    index('queue_items_board_idx').on(t.teamSlug).where(sql`${t.state} not in ('resolved', 'wont_fix')`),
    // serves: "mine" and routing's load count
    index('queue_items_assignee_idx').on(t.assigneeId).where(sql`${t.state} not in ('resolved', 'wont_fix')`),
    // serves: a customer's other items on the item page
    index('queue_items_requester_idx').on(t.requesterId, t.createdAt.desc()),
    // serves: closing the loop with the askers of items merged into this one
    index('queue_items_merged_into_idx').on(t.mergedIntoItemId).where(sql`${t.mergedIntoItemId} is not null`),
    // serves: the tick's auto-resolve of fixed items nobody confirmed
    index('queue_items_fixed_idx').on(t.fixedAt).where(sql`${t.state} = 'fixed_pending_confirmation'`),
    // serves: the board's "breached" and "due within the hour" counts (the nearest running target);
    // migration 0029 includes the due columns so that both counts are index-only scans
    index('queue_items_due_idx')
      .on(sql`(least(case when ${t.firstResponseAt} is null then ${t.firstResponseDueAt} end, ${t.nextResponseDueAt}, ${t.resolutionDueAt}))`)
      .where(sql`${t.state} not in ('resolved', 'wont_fix')`),
    // serves: the board's "breached" count (items that missed a target and are not overdue now)
    index('queue_items_breached_idx').on(t.id).where(sql`cardinality(${t.breached}) > 0 and ${t.state} not in ('resolved', 'wont_fix')`),
    check('queue_items_tier_known', sql`${t.tier} in (1, 2, 3)`),
  ],
)

/**
 * Each open item's priority: class, score and the factors behind them (the "why"). Kept apart
 * from the wide item row because the periodic recompute rewrites it: narrow rows, written in
 * place (see the fillfactor in migration 0003), make a recompute of 100k items cheap.
 *
 * `open` and `assignee_id` are copies the recompute keeps (it runs in the same transaction as
 * every change of state or assignee) so that the board's whole order (class, unassigned first,
 * score, number) lives in one index: its first page is an index scan, not a sort of every open
 * item (626 ms at 100k items). Only recomputePriorities writes them.
 */
export const queuePriorities = pgTable(
  'queue_priorities',
  {
  itemId: integer('item_id')
    .primaryKey()
    .references(() => queueItems.id, { onDelete: 'cascade' }),
  /** Whether the item is open (a copy of its state's openness, for the board's index). */
  open: boolean('open').notNull().default(false),
  /** The item's assignee (a copy, for the board's order "unassigned first" and its counts). */
  assigneeId: integer('assignee_id').references(() => users.id, { onDelete: 'set null' }),
  priorityClass: smallint('priority_class').notNull(),
  score: real('score').notNull(),
  reason: text('reason').notNull(),
  urgency: real('urgency').notNull(),
  breached: real('breached').notNull(),
  affectedCustomers: real('affected_customers').notNull(),
  plan: real('plan').notNull(),
  mrr: real('mrr').notNull(),
  votes: real('votes').notNull(),
  views: real('views').notNull(),
  age: real('age').notNull(),
  },
  (t) => [
    // serves: the board's order over open items (src/queue/queries.ts boardRows) and its counts
    // (index-only; migration 0025 adds `include (assignee_id)`, which drizzle cannot say)
    index('queue_priorities_board_idx')
      .on(t.priorityClass, sql`(${t.assigneeId} is not null)`, t.score.desc(), t.itemId)
      .where(sql`${t.open}`),
  ],
)

/** Every change to an item, with who and when: the timeline, and what the metrics read. */
export const queueItemEvents = pgTable(
  'queue_item_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    // Null for the system (rules, timers).
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: an item's timeline
    index('queue_item_events_item_idx').on(t.itemId, t.createdAt),
    // serves: metrics over a time window
    index('queue_item_events_created_idx').on(t.createdAt, t.kind),
  ],
)

export const affectedReasons = ['asker', 'me_too', 'duplicate', 'manual'] as const

/** The distinct customers an item affects: the asker, "me too"s, askers of duplicates. */
export const queueItemCustomers = pgTable(
  'queue_item_customers',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: affectedReasons }).notNull(),
    addedAt: timestamptz('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.userId] })],
)

/** Staff-only notes on an item or a thread. No public query ever reads this table. */
export const internalNotes = pgTable(
  'internal_notes',
  {
    id: serial('id').primaryKey(),
    itemId: integer('item_id').references(() => queueItems.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id').references(() => threads.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    bodyMarkdown: text('body_markdown').notNull(),
    bodyHtml: text('body_html').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    check('internal_notes_attached', sql`${t.itemId} is not null or ${t.threadId} is not null`),
    index('internal_notes_item_idx').on(t.itemId, t.createdAt),
    index('internal_notes_thread_idx').on(t.threadId, t.createdAt),
  ],
)

/** Canned replies with placeholders like {{customer.name}}. */
export const macros = pgTable('macros', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  teamSlug: text('team_slug').references(() => teams.slug, { onDelete: 'cascade', onUpdate: 'cascade' }),
  createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
})

// Per resource, read or write. Tokens created before the public resources keep their items scopes;
// notes scopes are separate so that reading items never exposes internal notes by itself.
export const apiScopes = [
  'items:write',
  'items:read',
  'threads:read',
  'threads:write',
  'notes:read',
  'notes:write',
  'escalations:read',
  'escalations:write',
  'rotations:read',
  'organisations:read',
  'people:read',
  'notifications:read',
] as const
export type ApiScope = (typeof apiScopes)[number]

/** API tokens of any role (scopes offered by role, see policy/api-scopes.ts); only their SHA-256 is stored, and each can be revoked. */
export const apiTokens = pgTable('api_tokens', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  scopes: text('scopes').array().notNull(),
  createdById: integer('created_by_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamptz('created_at').notNull(),
  lastUsedAt: timestamptz('last_used_at'),
  revokedAt: timestamptz('revoked_at'),
  revokedById: integer('revoked_by_id').references(() => users.id, { onDelete: 'set null' }),
})

/** In-app notifications (email and webhooks come later through outbox topics). */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    itemId: integer('item_id').references(() => queueItems.id, { onDelete: 'cascade' }),
    // Customers' notifications point at the thread (they never see queue items).
    threadId: integer('thread_id').references(() => threads.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    // The event a notice tells of (a reply, an accepted answer): a person hears of each event once.
    eventKey: text('event_key'),
    createdAt: timestamptz('created_at').notNull(),
    readAt: timestamptz('read_at'),
    // Set when the notice went out in a digest mail (for people who chose a digest for its kind).
    digestedAt: timestamptz('digested_at'),
  },
  // serves: a person's unread notifications, newest first
  (t) => [
    // serves: one notice per person per event, however often its delivery runs
    uniqueIndex('notifications_event_idx').on(t.userId, t.eventKey).where(sql`${t.eventKey} is not null`),
    index('notifications_user_idx').on(t.userId, t.createdAt.desc()),
    // serves: the header's unread count, read with every signed-in page
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
  ],
)

/** Threads the queue watches for time-based rules (unanswered; no staff reply within the SLA). */
export const threadWatches = pgTable(
  'thread_watches',
  {
    threadId: integer('thread_id')
      .primaryKey()
      .references(() => threads.id, { onDelete: 'cascade' }),
    unansweredDueAt: timestamptz('unanswered_due_at').notNull(),
    unansweredWindowMinutes: integer('unanswered_window_minutes').notNull(),
    staffReplyDueAt: timestamptz('staff_reply_due_at'),
    staffReplyTargetMinutes: integer('staff_reply_target_minutes'),
    // Set once the watch has been checked past its last due time.
    settledAt: timestamptz('settled_at'),
    // When the periodic check next needs to read this watch: the earliest due time still ahead,
    // so a question answered in its window is not read again on every tick until its staff-reply
    // target (days, on some plans).
    nextCheckAt: timestamptz('next_check_at').notNull(),
  },
  // serves: the periodic check of watches that came due
  (t) => [index('thread_watches_next_check_idx').on(t.nextCheckAt).where(sql`${t.settledAt} is null`)],
)

export type QueueItem = typeof queueItems.$inferSelect
export type QueuePriority = typeof queuePriorities.$inferSelect
export type QueueItemEvent = typeof queueItemEvents.$inferSelect
export type SlaPolicy = typeof slaPolicies.$inferSelect
export type BusinessCalendarRow = typeof businessCalendars.$inferSelect
export type Macro = typeof macros.$inferSelect
export type Team = typeof teams.$inferSelect

// The key of the kept staff pages (src/web/staff-pages.ts): one counter that moves in every
// transaction that changes anything the board, an item page, the escalation inbox or a rotation
// page is rendered from (queue, escalation, rotation and CSAT tables, people, organisations,
// categories and tags), and in no other. Triggers written by hand in migration 0032, not calls
// in each writer: these tables have dozens of writers across domains, and one missed would
// serve a stale page. A forum post on a thread without an item moves nothing, so the staff pages
// stay kept on a busy forum; what they show of a thread (its replies on the item page and in the
// inbox) is keyed by the thread's revision instead.
export const staffPageEpoch = pgTable('staff_page_epoch', {
  id: integer('id').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
})

// One row per writing transaction until it commits: its insert queues the deferred trigger that
// moves staff_page_epoch as the transaction's last act (so the counter's row lock is held for the
// commit alone, and taken after every other lock: no deadlock, no queue of writers behind it).
export const staffPageEpochPending = pgTable('staff_page_epoch_pending', {
  xid: bigint('xid', { mode: 'number' }).primaryKey(),
})
