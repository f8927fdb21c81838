import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'

export const roles = ['member', 'support', 'engineer', 'admin'] as const
export type Role = (typeof roles)[number]

export const plans = ['free', 'startup', 'paid', 'enterprise'] as const
export type Plan = (typeof plans)[number]

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const organisations = pgTable(
  'organisations',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    plan: text('plan', { enum: plans }).notNull().default('free'),
    // Monthly recurring revenue in whole cents, so sums never drift.
    mrrCents: integer('mrr_cents').notNull().default(0),
    isPriority: boolean('is_priority').notNull().default(false),
    // On a trial: prioritised like a priority organisation, to win the customer.
    isTrial: boolean('is_trial').notNull().default(false),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    check('organisations_plan_known', sql`${t.plan} in ('free', 'startup', 'paid', 'enterprise')`),
    check('organisations_mrr_not_negative', sql`${t.mrrCents} >= 0`),
  ],
)

export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    // Stored lower-cased and trimmed (see normaliseEmail), so a plain unique index suffices.
    email: text('email').notNull().unique(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: roles }).notNull().default('member'),
    organisationId: integer('organisation_id').references(() => organisations.id, { onDelete: 'set null' }),
    // Identity in the community this account was imported from (npm run import).
    externalId: text('external_id').unique(),
    // Set when the person followed the verification link mailed to this address.
    emailVerifiedAt: timestamptz('email_verified_at'),
    // Set when mail to this address bounced (shown on the person's admin page); cleared on change.
    mailFailingAt: timestamptz('mail_failing_at'),
    mailFailingReason: text('mail_failing_reason'),
    // Trust level 0-3 (new, basic, member, regular; see safety.ts): what limits apply to posting.
    // Raised automatically by behaviour; set by an admin, it is locked and no longer recomputed.
    trustLevel: integer('trust_level').notNull().default(0),
    trustLevelLockedAt: timestamptz('trust_level_locked_at'),
    // A spammer deleted with all their posts: the row stays as an anonymised tombstone.
    deletedAt: timestamptz('deleted_at'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    check('users_trust_level_known', sql`${t.trustLevel} between 0 and 3`),
    check('users_role_known', sql`${t.role} in ('member', 'support', 'engineer', 'admin')`),
    // serves: an organisation's members on the admin page, and customer context later
    index('users_organisation_idx').on(t.organisationId),
  ],
)

// Lucia's session design: the cookie holds a random token, the table only its SHA-256.
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    // How the person proved who they are: 'password' (also reset links and setup) or 'sso'.
    // Requiring SSO for staff ends their sessions that did not come through a provider.
    signInMethod: text('sign_in_method', { enum: ['password', 'sso'] }).notNull().default('password'),
  },
  // serves: signing a user out everywhere when their role changes
  (t) => [index('sessions_user_idx').on(t.userId)],
)

// One-time link printed on the console when no admin exists yet; only its hash is kept.
export const setupTokens = pgTable('setup_tokens', {
  id: text('id').primaryKey(),
  expiresAt: timestamptz('expires_at').notNull(),
  createdAt: timestamptz('created_at').notNull(),
})

// Fixed-window counters shared by every app instance (sign-in and sign-up throttling, the API).
// UNLOGGED (migration 0025): a crash may reset the windows, which is harmless, and no WAL is
// written for the upsert every API request makes.
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    windowStartedAt: timestamptz('window_started_at').notNull(),
    hits: integer('hits').notNull(),
  },
  // serves: the recurring sweep of windows that ended long ago
  (t) => [index('rate_limits_window_idx').on(t.windowStartedAt)],
)

export type Organisation = typeof organisations.$inferSelect
export type User = typeof users.$inferSelect
export type Session = typeof sessions.$inferSelect
