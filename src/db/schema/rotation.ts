import { sql } from 'drizzle-orm'
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './accounts'
import { threads } from './forum'
import { queueItems } from './queue'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Hours an engineer on rotation has to answer an escalation, by the item's severity. */
export interface ResponseTargets {
  low: number
  normal: number
  high: number
  critical: number
}

/** A team's engineering rotation: who answers escalations, when, in what order. */
export const rotations = pgTable(
  'rotations',
  {
    id: serial('id').primaryKey(),
    teamSlug: text('team_slug').notNull().unique(),
    name: text('name').notNull(),
    shiftDays: integer('shift_days').notNull(),
    handoffMinutes: integer('handoff_minutes').notNull(),
    timezone: text('timezone').notNull(),
    workingDaysOnly: boolean('working_days_only').notNull().default(false),
    // The first shift's start: every shift boundary is counted from it.
    anchorAt: timestamptz('anchor_at').notNull(),
    responseTargets: jsonb('response_targets').$type<ResponseTargets>().notNull(),
    // Fixed items the customer never confirms are resolved after this many days.
    confirmWaitDays: integer('confirm_wait_days').notNull().default(7),
    // The unguessable token of the rotation's iCalendar feed (only its hash).
    feedTokenHash: text('feed_token_hash'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    check('rotations_shift_days_positive', sql`${t.shiftDays} between 1 and 28`),
    check('rotations_handoff_in_day', sql`${t.handoffMinutes} between 0 and 1439`),
    check('rotations_confirm_wait_positive', sql`${t.confirmWaitDays} between 1 and 90`),
  ],
)

export const rotationMembers = pgTable(
  'rotation_members',
  {
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rotationId, t.userId] })],
)

/** Planned shifts, at least a quarter ahead. Locked shifts (swaps) survive re-planning. */
export const rotationShifts = pgTable(
  'rotation_shifts',
  {
    id: serial('id').primaryKey(),
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id, { onDelete: 'cascade' }),
    // Null when nobody could be planned (everyone away): escalations then go to the team lead.
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    locked: boolean('locked').notNull().default(false),
    // Members passed over for this shift (away or skipped), each owed a turn.
    passedOver: integer('passed_over').array().notNull().default(sql`'{}'::int[]`),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: "who is on rotation at instant X" and the calendar
    uniqueIndex('rotation_shifts_rotation_start_idx').on(t.rotationId, t.startsAt),
    // serves: a person's own upcoming shifts and their feed
    index('rotation_shifts_user_idx').on(t.userId, t.startsAt),
  ],
)

/** Someone else covers a time range; takes precedence over the planned shift. */
export const rotationOverrides = pgTable(
  'rotation_overrides',
  {
    id: serial('id').primaryKey(),
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    reason: text('reason').notNull().default(''),
    createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [index('rotation_overrides_rotation_idx').on(t.rotationId, t.startsAt), check('rotation_overrides_order', sql`${t.endsAt} > ${t.startsAt}`)],
)

/** A person sits out one planned shift (deep work) and is owed the next turn. */
export const rotationSkips = pgTable(
  'rotation_skips',
  {
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    slotStartsAt: timestamptz('slot_starts_at').notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rotationId, t.userId, t.slotStartsAt] })],
)

/** Holidays and leave, planned months ahead; honoured when shifts are planned. */
export const unavailability = pgTable(
  'unavailability',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // Whole local days, inclusive, in the rotation's timezone.
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    reason: text('reason').notNull().default(''),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [index('unavailability_user_idx').on(t.userId, t.startsOn), check('unavailability_order', sql`${t.endsOn} >= ${t.startsOn}`)],
)

export const swapStates = ['pending', 'accepted', 'declined', 'cancelled'] as const

/** One person asks another to exchange shifts; the other accepts (or an admin swaps directly). */
export const shiftSwaps = pgTable('shift_swaps', {
  id: serial('id').primaryKey(),
  shiftId: integer('shift_id')
    .notNull()
    .references(() => rotationShifts.id, { onDelete: 'cascade' }),
  otherShiftId: integer('other_shift_id')
    .notNull()
    .references(() => rotationShifts.id, { onDelete: 'cascade' }),
  requestedById: integer('requested_by_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  state: text('state', { enum: swapStates }).notNull().default('pending'),
  createdAt: timestamptz('created_at').notNull(),
  decidedAt: timestamptz('decided_at'),
})

/** A person's own iCalendar feed token (only its hash). */
export const personFeeds = pgTable('person_feeds', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamptz('created_at').notNull(),
})

export const escalationOutcomes = ['fixed', 'workaround', 'needs_info', 'duplicate', 'wont_fix'] as const
export type EscalationOutcome = (typeof escalationOutcomes)[number]

/** Support hands an item to the engineer on rotation, with a reproduction. */
export const escalations = pgTable(
  'escalations',
  {
    id: serial('id').primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    rotationId: integer('rotation_id').references(() => rotations.id, { onDelete: 'set null' }),
    // The engineer on rotation when it was escalated (or the team lead when nobody was).
    engineerId: integer('engineer_id').references(() => users.id, { onDelete: 'set null' }),
    escalatedById: integer('escalated_by_id')
      .notNull()
      .references(() => users.id),
    customerDid: text('customer_did').notNull(),
    whatHappened: text('what_happened').notNull(),
    expected: text('expected').notNull(),
    logs: text('logs').notNull(),
    account: text('account').notNull(),
    frequency: text('frequency').notNull(),
    customersAffected: text('customers_affected').notNull(),
    responseDueAt: timestamptz('response_due_at').notNull(),
    breachNotifiedAt: timestamptz('breach_notified_at'),
    // Who was called in when the target passed (the next on rotation, or the lead): they may answer too.
    backupId: integer('backup_id').references(() => users.id, { onDelete: 'set null' }),
    // Escalated outside the rotation's working hours: counts on the fairness view.
    outOfHours: boolean('out_of_hours').notNull().default(false),
    outcome: text('outcome', { enum: escalationOutcomes }),
    answer: text('answer'),
    trackerUrl: text('tracker_url'),
    release: text('release'),
    duplicateOfItemId: integer('duplicate_of_item_id').references(() => queueItems.id, { onDelete: 'set null' }),
    answeredAt: timestamptz('answered_at'),
    answeredById: integer('answered_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: /escalations/mine (open ones, oldest first)
    index('escalations_engineer_idx').on(t.engineerId, t.createdAt).where(sql`${t.answeredAt} is null`),
    index('escalations_item_idx').on(t.itemId, t.createdAt),
    // serves: the breach check and per-period counts
    index('escalations_created_idx').on(t.createdAt),
  ],
)

/**
 * Replies drafted when an engineer answers (fixed, workaround, won't fix): one per affected
 * thread (the item's and every duplicate's). Support reviews and sends them with one click.
 */
export const loopReplies = pgTable(
  'loop_replies',
  {
    id: serial('id').primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    escalationId: integer('escalation_id').references(() => escalations.id, { onDelete: 'set null' }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['fixed', 'workaround', 'wont_fix'] }).notNull(),
    body: text('body').notNull(),
    sentAt: timestamptz('sent_at'),
    sentById: integer('sent_by_id').references(() => users.id, { onDelete: 'set null' }),
    replyId: integer('reply_id'),
    // The thread's asker answered a sent "fixed" reply: it solved it, or it is still broken.
    confirmation: text('confirmation', { enum: ['solved', 'still_broken'] }),
    confirmedAt: timestamptz('confirmed_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    index('loop_replies_item_idx').on(t.itemId),
    // One draft per thread per answer, however often the answer is re-sent.
    uniqueIndex('loop_replies_escalation_thread_idx').on(t.escalationId, t.threadId),
    // serves: the confirm buttons on a thread page
    index('loop_replies_thread_idx').on(t.threadId).where(sql`${t.sentAt} is not null and ${t.confirmedAt} is null`),
  ],
)

/** The end-of-shift handoff: drafted from the data, the engineer's own words added, then published. */
export const handoffs = pgTable(
  'handoffs',
  {
    id: serial('id').primaryKey(),
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id, { onDelete: 'cascade' }),
    shiftId: integer('shift_id').references(() => rotationShifts.id, { onDelete: 'set null' }),
    engineerId: integer('engineer_id').references(() => users.id, { onDelete: 'set null' }),
    periodStart: timestamptz('period_start').notNull(),
    periodEnd: timestamptz('period_end').notNull(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
    priorities: text('priorities').notNull().default(''),
    publishedAt: timestamptz('published_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [uniqueIndex('handoffs_shift_idx').on(t.shiftId), index('handoffs_rotation_idx').on(t.rotationId, t.periodEnd)],
)

/** When a team last held its daily sync: the sync view shows what happened since. */
export const syncMarks = pgTable('sync_marks', {
  teamSlug: text('team_slug').primaryKey(),
  syncedAt: timestamptz('synced_at').notNull(),
  syncedById: integer('synced_by_id').references(() => users.id, { onDelete: 'set null' }),
})

export type Rotation = typeof rotations.$inferSelect
export type RotationShift = typeof rotationShifts.$inferSelect
export type Escalation = typeof escalations.$inferSelect
export type LoopReply = typeof loopReplies.$inferSelect
export type Handoff = typeof handoffs.$inferSelect

