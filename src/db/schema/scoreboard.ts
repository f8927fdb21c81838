import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './accounts'
import { queueItems } from './queue'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Who owns reducing the support load of an issue (an item with its linked duplicates), set from
 * the scoreboard's top five. One owner per issue; the change is also an event on the item.
 */
export const scoreboardOwners = pgTable('scoreboard_owners', {
  itemId: integer('item_id')
    .primaryKey()
    .references(() => queueItems.id, { onDelete: 'cascade' }),
  ownerId: integer('owner_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  assignedById: integer('assigned_by_id').references(() => users.id, { onDelete: 'set null' }),
  assignedAt: timestamptz('assigned_at').notNull(),
})

/**
 * A rollup of each item's timings, derived only from its event log (queue_item_events) and its
 * SLA snapshot by the job scoreboard.rollup, so the scoreboard's medians and percentiles over
 * 100k items need no business-hours arithmetic at page time. Rebuildable at any moment; a test
 * holds it equal to the direct computation. Minutes are business minutes less waits on the customer.
 */
export const scoreboardItemFacts = pgTable(
  'scoreboard_item_facts',
  {
    itemId: integer('item_id')
      .primaryKey()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    teamSlug: text('team_slug').notNull(),
    kind: text('kind').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    policyId: integer('policy_id'),
    policyName: text('policy_name').notNull(),
    // Closed into another item (a duplicate): its load counts there, not in the timing figures.
    duplicate: boolean('duplicate').notNull().default(false),
    firstResponseAt: timestamptz('first_response_at'),
    firstResponseMinutes: real('first_response_minutes'),
    firstResponseTargetMinutes: integer('first_response_target_minutes').notNull(),
    // null while pending; true/false once met or missed (a breach event decides an unanswered item).
    firstResponseMet: boolean('first_response_met'),
    // The last close not followed by a reopening; null while open.
    resolvedAt: timestamptz('resolved_at'),
    resolutionMinutes: real('resolution_minutes'),
    resolutionTargetMinutes: integer('resolution_target_minutes').notNull(),
    resolutionMet: boolean('resolution_met'),
    nextResponsesMet: integer('next_responses_met').notNull().default(0),
    nextResponsesMissed: integer('next_responses_missed').notNull().default(0),
    reopenings: integer('reopenings').notNull().default(0),
    pausedMinutes: real('paused_minutes').notNull().default(0),
    lastEventId: bigint('last_event_id', { mode: 'number' }).notNull(),
  },
  (t) => [
    // serves: every scoreboard figure over items created in a period (optionally one team's)
    index('scoreboard_item_facts_created_idx').on(t.createdAt, t.teamSlug),
  ],
)

/**
 * Who did which work on which item when (assigned to them, answered publicly, closed): the event
 * log reduced to the scoreboard's "load per person", kept by the job scoreboard.rollup (each dirty
 * item's rows recomputed from its whole log) and rebuildable at any moment. `prev_at` is when the
 * same person last did the same work on the same item (null the first time), so the distinct
 * items of any period are the rows in it whose `prev_at` is before it: a count, not a sort.
 * The team is the item's as of that recompute.
 */
export const scoreboardPersonWork = pgTable(
  'scoreboard_person_work',
  {
    at: timestamptz('at').notNull(),
    userId: integer('user_id').notNull(),
    what: text('what').notNull(),
    itemId: integer('item_id')
      .notNull()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    prevAt: timestamptz('prev_at'),
    teamSlug: text('team_slug').notNull(),
  },
  (t) => [
    // serves: the scoreboard's load per person over a period, all teams (an index-only scan)
    index('scoreboard_person_work_at_idx').on(t.at, t.userId, t.what, t.itemId, t.prevAt),
    // serves: the same for one team
    index('scoreboard_person_work_team_idx').on(t.teamSlug, t.at, t.userId, t.what, t.itemId, t.prevAt),
    // serves: the rollup's recompute of one item's rows
    index('scoreboard_person_work_item_idx').on(t.itemId),
  ],
)

/** Where the incremental rollup stands: events up to this id (and this time) are in the facts. */
export const scoreboardRollups = pgTable('scoreboard_rollups', {
  name: text('name').primaryKey(),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull(),
  ranAt: timestamptz('ran_at').notNull(),
})

export type ScoreboardOwner = typeof scoreboardOwners.$inferSelect
export type ScoreboardItemFacts = typeof scoreboardItemFacts.$inferSelect
