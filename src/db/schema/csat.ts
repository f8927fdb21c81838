import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './accounts'
import { threads } from './forum'
import { itemKinds, queueItems } from './queue'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * "Did this solve your problem?": asked of an item's asker once, after it resolved (in the app
 * and by mail, through a signed single-use link). The team, kind and credited engineer are taken
 * when it is asked, so a later re-triage does not move a rating to another team's numbers.
 */
export const csatRequests = pgTable(
  'csat_requests',
  {
    id: serial('id').primaryKey(),
    // Unique: an item's asker is asked once, however often it resolves.
    itemId: integer('item_id')
      .notNull()
      .unique()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    // The asker (a customer; staff askers are never asked).
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id').references(() => threads.id, { onDelete: 'set null' }),
    teamSlug: text('team_slug').notNull(),
    itemKind: text('item_kind', { enum: itemKinds }).notNull(),
    // The staff member credited with the resolution: the item's assignee when it resolved, else
    // the staff member who resolved it; null when the product resolved an unassigned item.
    engineerId: integer('engineer_id').references(() => users.id, { onDelete: 'set null' }),
    resolvedAt: timestamptz('resolved_at').notNull(),
    askedAt: timestamptz('asked_at').notNull(),
    // The asker closed the prompt on the thread page without rating ("not now"): it stops showing there.
    dismissedAt: timestamptz('dismissed_at'),
  },
  (t) => [
    // serves: the asker's open prompt on their thread page
    index('csat_requests_user_idx').on(t.userId, t.askedAt.desc()),
    // serves: response rate over a period
    index('csat_requests_asked_idx').on(t.askedAt),
  ],
)

/**
 * The asker's answer: a rating from 1 (not solved) to 5, and an optional comment that is
 * staff-only (never on a public page, in mail, customer webhooks or the API for customers).
 * One per request and item. Carries the team, item kind and credited engineer of its request,
 * so the scoreboard reads CSAT per team, kind and engineer from this table alone.
 */
export const csatRatings = pgTable(
  'csat_ratings',
  {
    id: serial('id').primaryKey(),
    requestId: integer('request_id')
      .notNull()
      .unique()
      .references(() => csatRequests.id, { onDelete: 'cascade' }),
    itemId: integer('item_id')
      .notNull()
      .unique()
      .references(() => queueItems.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    rating: smallint('rating').notNull(),
    comment: text('comment'),
    teamSlug: text('team_slug').notNull(),
    itemKind: text('item_kind', { enum: itemKinds }).notNull(),
    engineerId: integer('engineer_id').references(() => users.id, { onDelete: 'set null' }),
    ratedAt: timestamptz('rated_at').notNull(),
  },
  (t) => [
    check('csat_ratings_rating_range', sql`${t.rating} between 1 and 5`),
    // serves: the scoreboard's CSAT over a period, per team
    index('csat_ratings_team_idx').on(t.teamSlug, t.ratedAt),
    // serves: the scoreboard's CSAT per engineer
    index('csat_ratings_engineer_idx').on(t.engineerId, t.ratedAt).where(sql`${t.engineerId} is not null`),
    // serves: the scoreboard's CSAT over a period, all teams
    index('csat_ratings_rated_idx').on(t.ratedAt),
  ],
)

export type CsatRequest = typeof csatRequests.$inferSelect
export type CsatRating = typeof csatRatings.$inferSelect
