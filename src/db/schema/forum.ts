import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './accounts'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const categories = pgTable('categories', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  // The support team whose queue receives this category's threads.
  team: text('team').notNull(),
  position: integer('position').notNull().default(0),
  // Business minutes a question may wait for any answer before it becomes a queue item.
  unansweredWindowMinutes: integer('unanswered_window_minutes'),
  createdAt: timestamptz('created_at').notNull(),
})

export const threads = pgTable(
  'threads',
  {
    id: serial('id').primaryKey(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    slug: text('slug').notNull(),
    bodyMarkdown: text('body_markdown').notNull(),
    // Rendered and sanitised once at write time; pages never render Markdown.
    bodyHtml: text('body_html').notNull(),
    // Plain text of the body, for descriptions, structured data and search.
    bodyText: text('body_text').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    editedAt: timestamptz('edited_at'),
    lastActivityAt: timestamptz('last_activity_at').notNull(),
    // Counters over visible rows, kept in the same transaction as the change.
    replyCount: integer('reply_count').notNull().default(0),
    upvoteCount: integer('upvote_count').notNull().default(0),
    meTooCount: integer('me_too_count').notNull().default(0),
    // First visible reply by someone other than the asker; null means unanswered.
    answeredAt: timestamptz('answered_at'),
    acceptedReplyId: integer('accepted_reply_id'),
    acceptedAt: timestamptz('accepted_at'),
    acceptedById: integer('accepted_by_id').references(() => users.id),
    lockedAt: timestamptz('locked_at'),
    lockedById: integer('locked_by_id').references(() => users.id),
    hiddenAt: timestamptz('hidden_at'),
    hiddenById: integer('hidden_by_id').references(() => users.id),
    // Why it is hidden: null or 'staff' (a moderator), 'flagged' (trusted flags), 'held' (waiting
    // for approval in /review), 'rejected' (refused there), 'removed' (its author deleted as a spammer).
    hiddenReason: text('hidden_reason'),
    // Set when staff mark this thread as a duplicate: its page points to the kept thread.
    duplicateOfId: integer('duplicate_of_id'),
    // Page views, counted in memory and written in batches (a popularity signal for priority).
    viewCount: integer('view_count').notNull().default(0),
    // Bumped by every change that alters the thread's page, so a rendered page can be reused
    // exactly as long as it is current (see src/web/page-cache.ts).
    revision: integer('revision').notNull().default(0),
    // Id in the community this thread was imported from; makes re-imports idempotent.
    externalId: text('external_id').unique(),
    // One-way hash of the asker's browser token: search analytics tell a search that ended in
    // a question from one that did not (deflection). Never shown anywhere.
    visitorKey: text('visitor_key'),
  },
  (t) => [
    // The five list indexes below also hold each thread's revision (INCLUDE, written by hand in
    // migration 0030: drizzle cannot declare it) so a list's stamp is an index-only scan.
    // serves: latest list (home page, Atom feed), keyset on (last_activity_at, id)
    index('threads_latest_idx').on(t.lastActivityAt.desc(), t.id.desc()).where(sql`${t.hiddenAt} is null`),
    // GET /api/v1/threads: newest first by creation, keyset (created_at, id), so pages stay stable while replies arrive.
    index('threads_created_idx').on(t.createdAt.desc(), t.id.desc()).where(sql`${t.hiddenAt} is null`),
    // serves: per-category lists and feeds
    index('threads_category_latest_idx')
      .on(t.categoryId, t.lastActivityAt.desc(), t.id.desc())
      .where(sql`${t.hiddenAt} is null`),
    // serves: the unanswered list
    index('threads_unanswered_idx')
      .on(t.lastActivityAt.desc(), t.id.desc())
      .where(sql`${t.hiddenAt} is null and ${t.answeredAt} is null`),
    // serves: the solved list
    index('threads_solved_idx')
      .on(t.lastActivityAt.desc(), t.id.desc())
      .where(sql`${t.hiddenAt} is null and ${t.acceptedReplyId} is not null`),
    // serves: a user's own threads on their profile
    index('threads_author_idx').on(t.authorId, t.createdAt.desc()),
    // serves: a thread's duplicates (the scoreboard's top issues, the bug-bash candidates)
    index('threads_duplicate_of_idx').on(t.duplicateOfId).where(sql`${t.duplicateOfId} is not null`),
    // serves: search analytics (did this visitor ask after searching?)
    index('threads_visitor_idx').on(t.visitorKey, t.createdAt).where(sql`${t.visitorKey} is not null`),
  ],
)

// One counter for what every list page shows besides its threads: authors' names and roles and
// the categories. Database triggers (migration 0030) move it on any rename, role change or
// category edit, whoever makes it, so a list's stamp reads one row instead of joining every
// author and category (see getListStamp in src/forum/queries.ts).
export const forumListEpoch = pgTable('forum_list_epoch', {
  id: integer('id').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
})

export const replies = pgTable(
  'replies',
  {
    id: serial('id').primaryKey(),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    bodyMarkdown: text('body_markdown').notNull(),
    bodyHtml: text('body_html').notNull(),
    bodyText: text('body_text').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    editedAt: timestamptz('edited_at'),
    upvoteCount: integer('upvote_count').notNull().default(0),
    hiddenAt: timestamptz('hidden_at'),
    hiddenById: integer('hidden_by_id').references(() => users.id),
    // Why it is hidden: null or 'staff' (a moderator), 'flagged' (trusted flags), 'held' (waiting
    // for approval in /review), 'rejected' (refused there), 'removed' (its author deleted as a spammer).
    hiddenReason: text('hidden_reason'),
    externalId: text('external_id').unique(),
  },
  (t) => [
    // serves: a thread page's replies in order, keyset on (created_at, id)
    index('replies_thread_idx').on(t.threadId, t.createdAt, t.id),
    // serves: a user's replies on their profile
    index('replies_author_idx').on(t.authorId, t.createdAt.desc()),
  ],
)

export const tags = pgTable('tags', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
})

export const threadTags = pgTable(
  'thread_tags',
  {
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    // Copies of the thread's latest activity, revision and visibility, written only by database
    // triggers (migration 0034) in the transaction that changes the thread or tags it, so a tag's
    // list page reads its newest threads from one index here instead of walking every thread.
    lastActivityAt: timestamptz('last_activity_at'),
    revision: integer('revision'),
    listed: boolean('listed').notNull().default(true),
  },
  // The primary key serves a thread's tags; the first index the per-tag list's rows.
  (t) => [
    primaryKey({ columns: [t.threadId, t.tagId] }),
    index('thread_tags_tag_idx').on(t.tagId, t.threadId),
    // serves: a tag page's stamp (getListStamp, latest first): an index-only scan of its newest 31
    index('thread_tags_latest_idx')
      .on(t.tagId, t.lastActivityAt.desc().nullsLast(), t.threadId.desc().nullsLast())
      .where(sql`${t.listed}`),
  ],
)

export const threadVotes = pgTable(
  'thread_votes',
  {
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
)

export const replyVotes = pgTable(
  'reply_votes',
  {
    replyId: integer('reply_id')
      .notNull()
      .references(() => replies.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.replyId, t.userId] })],
)

// "Me too": distinct people who have the same problem as the asker.
export const meToos = pgTable(
  'me_toos',
  {
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
)

// A row remembers an explicit choice: posting subscribes only when no row exists yet,
// so someone who unsubscribed is not silently subscribed again by their next reply.
export const subscriptions = pgTable(
  'subscriptions',
  {
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subscribed: boolean('subscribed').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  // The primary key serves both the viewer's state and "who to notify on this thread".
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
)

export type Category = typeof categories.$inferSelect
export type Thread = typeof threads.$inferSelect
export type Reply = typeof replies.$inferSelect
export type Tag = typeof tags.$inferSelect
