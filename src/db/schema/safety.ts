import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './accounts'
import { replies, threads } from './forum'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * Trust levels, stored on users.trust_level as their index: new (0), basic (1), member (2),
 * regular (3). Staff roles stand above every level and are never limited by it.
 */
export const trustLevels = ['new', 'basic', 'member', 'regular'] as const
export type TrustLevelName = (typeof trustLevels)[number]

/** Which threads a signed-in person has opened: the "reading" signal of trust promotion. */
export const threadReads = pgTable(
  'thread_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    firstReadAt: timestamptz('first_read_at').notNull(),
  },
  // The key serves "how many threads has this person read" (a prefix count on user_id).
  (t) => [primaryKey({ columns: [t.userId, t.threadId] })],
)

export const flagReasons = ['spam', 'off_topic', 'abusive', 'other'] as const
export type FlagReason = (typeof flagReasons)[number]

export const flagOutcomes = ['agreed', 'disagreed'] as const
export type FlagOutcome = (typeof flagOutcomes)[number]

/** A member's flag on a question (reply_id null) or a reply. Resolved when staff review the post. */
export const postFlags = pgTable(
  'post_flags',
  {
    id: serial('id').primaryKey(),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    replyId: integer('reply_id').references(() => replies.id, { onDelete: 'cascade' }),
    flaggerId: integer('flagger_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: flagReasons }).notNull(),
    note: text('note').notNull().default(''),
    /** The flagger's trust level when flagging (4 for staff): only trusted flags count towards hiding. */
    flaggerTrust: integer('flagger_trust').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    resolvedAt: timestamptz('resolved_at'),
    resolvedById: integer('resolved_by_id').references(() => users.id, { onDelete: 'set null' }),
    outcome: text('outcome', { enum: flagOutcomes }),
  },
  (t) => [
    check('post_flags_reason_known', sql`${t.reason} in ('spam', 'off_topic', 'abusive', 'other')`),
    check('post_flags_outcome_known', sql`${t.outcome} is null or ${t.outcome} in ('agreed', 'disagreed')`),
    // One open flag per person and post: flagging twice changes nothing.
    uniqueIndex('post_flags_open_once_idx')
      .on(t.flaggerId, t.threadId, sql`coalesce(${t.replyId}, 0)`)
      .where(sql`${t.resolvedAt} is null`),
    // serves: the open flags of one post (the hide threshold, the review page)
    index('post_flags_post_idx').on(t.threadId, t.replyId).where(sql`${t.resolvedAt} is null`),
    // serves: the per-day flag count of a flagger
    index('post_flags_flagger_idx').on(t.flaggerId, t.createdAt),
  ],
)

export const reviewReasons = ['flagged', 'first_post', 'link_domains', 'watched_word'] as const
export type ReviewReason = (typeof reviewReasons)[number]

export const reviewStatuses = ['pending', 'approved', 'rejected', 'hidden'] as const
export type ReviewStatus = (typeof reviewStatuses)[number]

/**
 * A post waiting for staff in /review: held by a filter before anyone saw it, or flagged.
 * At most one pending entry per post; resolving it is a who/when pair with the decision.
 */
export const reviewItems = pgTable(
  'review_items',
  {
    id: serial('id').primaryKey(),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    replyId: integer('reply_id').references(() => replies.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: reviewReasons }).notNull(),
    /** Why, in words staff read: the watched word matched, the domains linked, ... */
    detail: text('detail').notNull().default(''),
    status: text('status', { enum: reviewStatuses }).notNull().default('pending'),
    createdAt: timestamptz('created_at').notNull(),
    resolvedAt: timestamptz('resolved_at'),
    resolvedById: integer('resolved_by_id').references(() => users.id, { onDelete: 'set null' }),
    /** When staff were told it waits (the batched notice of posts hidden or held); null until then. */
    staffNotifiedAt: timestamptz('staff_notified_at'),
  },
  (t) => [
    check('review_items_reason_known', sql`${t.reason} in ('flagged', 'first_post', 'link_domains', 'watched_word')`),
    check('review_items_status_known', sql`${t.status} in ('pending', 'approved', 'rejected', 'hidden')`),
    uniqueIndex('review_items_pending_once_idx')
      .on(t.threadId, sql`coalesce(${t.replyId}, 0)`)
      .where(sql`${t.status} = 'pending'`),
    // serves: /review, oldest pending first
    index('review_items_pending_idx').on(t.createdAt, t.id).where(sql`${t.status} = 'pending'`),
  ],
)

export const watchedWordActions = ['block', 'require_approval', 'flag'] as const
export type WatchedWordAction = (typeof watchedWordActions)[number]

/** Words (or phrases, `*` as a wildcard) admins watch for in new and edited posts. */
export const watchedWords = pgTable(
  'watched_words',
  {
    id: serial('id').primaryKey(),
    /** Lower-cased and trimmed; unique, so one word has one action. */
    word: text('word').notNull().unique(),
    action: text('action', { enum: watchedWordActions }).notNull(),
    createdAt: timestamptz('created_at').notNull(),
    createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('watched_words_action_known', sql`${t.action} in ('block', 'require_approval', 'flag')`)],
)

export const sanctionKinds = ['suspend', 'silence'] as const
export type SanctionKind = (typeof sanctionKinds)[number]

/**
 * A suspension (cannot sign in) or a silence (can read and sign in, cannot post, flag or vote).
 * `reason` is for staff; `message` is what the person is shown. `endsAt` null means until lifted.
 */
export const accountSanctions = pgTable(
  'account_sanctions',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: sanctionKinds }).notNull(),
    reason: text('reason').notNull(),
    message: text('message').notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at'),
    createdById: integer('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    liftedAt: timestamptz('lifted_at'),
    liftedById: integer('lifted_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('account_sanctions_kind_known', sql`${t.kind} in ('suspend', 'silence')`),
    // serves: "is this person suspended or silenced now" on sign-in, session load and every post
    index('account_sanctions_user_idx').on(t.userId, t.kind).where(sql`${t.liftedAt} is null`),
  ],
)

/**
 * The record of a spammer deleted with all their posts: who they were, how much went, who did
 * it and why. The account row stays as a tombstone (anonymised, signed out, unable to sign in).
 */
export const removedAccounts = pgTable(
  'removed_accounts',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The address they used, so the same address cannot sign up again. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    threadsRemoved: integer('threads_removed').notNull(),
    repliesRemoved: integer('replies_removed').notNull(),
    reason: text('reason').notNull(),
    removedAt: timestamptz('removed_at').notNull(),
    removedById: integer('removed_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  // serves: sign-up refusing a removed spammer's address
  (t) => [index('removed_accounts_email_idx').on(t.email)],
)

/** The one row of admin choices for trust and safety (id is always 1; absent means defaults). */
export const safetySettings = pgTable(
  'safety_settings',
  {
    id: integer('id').primaryKey(),
    /** Hold the first posts of new accounts for approval in /review. */
    approveNewAccountPosts: boolean('approve_new_account_posts').notNull().default(false),
    /** How many of a new account's first posts are held when approval is on. */
    approveNewAccountPostCount: integer('approve_new_account_post_count').notNull().default(1),
    /** Refuse sign-ups from throwaway-mail domains. */
    blockDisposableEmail: boolean('block_disposable_email').notNull().default(false),
    /** Open flags from people of basic trust or above that hide a post until staff review it. */
    flagsToHide: integer('flags_to_hide').notNull().default(3),
    /** Distinct link domains in one post of a new account above which it is held for review. */
    newAccountMaxLinkDomains: integer('new_account_max_link_domains').notNull().default(2),
    updatedAt: timestamptz('updated_at').notNull(),
    updatedById: integer('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('safety_settings_single_row', sql`${t.id} = 1`),
    check('safety_settings_counts_sane', sql`${t.flagsToHide} >= 1 and ${t.newAccountMaxLinkDomains} >= 0 and ${t.approveNewAccountPostCount} >= 1`),
  ],
)

export type PostFlag = typeof postFlags.$inferSelect
export type ReviewItem = typeof reviewItems.$inferSelect
export type WatchedWord = typeof watchedWords.$inferSelect
export type AccountSanction = typeof accountSanctions.$inferSelect
export type RemovedAccount = typeof removedAccounts.$inferSelect
export type SafetySettings = typeof safetySettings.$inferSelect

/**
 * Keys the app signs its own short-lived values with (the sign-up and ask forms' timestamps),
 * created on first use and shared by every instance on this database. Never shown anywhere.
 */
export const siteSecrets = pgTable('site_secrets', {
  name: text('name').primaryKey(),
  secret: text('secret').notNull(),
  createdAt: timestamptz('created_at').notNull(),
})
