import { sql } from 'drizzle-orm'
import { bigserial, check, date, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './accounts'
import { threads } from './forum'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const bugBashStates = ['open', 'picked', 'fixed'] as const
export type BugBashState = (typeof bugBashStates)[number]

/**
 * A cluster of recurring papercuts that staff acted on (picked for a bug-bash day, fixed). The
 * clusters themselves are computed on the page from duplicates, shared tags and similar titles;
 * only those someone acted on are stored, with the threads they held at that moment, so a fix
 * closes the loop on exactly the threads that were shown.
 */
export const bugBashClusters = pgTable(
  'bug_bash_clusters',
  {
    id: serial('id').primaryKey(),
    // The cluster's oldest thread when it was first acted on: how the page recognises it again.
    anchorThreadId: integer('anchor_thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    state: text('state', { enum: bugBashStates }).notNull().default('open'),
    // The bug-bash day it is picked for (a calendar date, no time of day).
    bugBashDay: date('bug_bash_day', { mode: 'string' }),
    pickedAt: timestamptz('picked_at'),
    pickedById: integer('picked_by_id').references(() => users.id, { onDelete: 'set null' }),
    fixedAt: timestamptz('fixed_at'),
    fixedById: integer('fixed_by_id').references(() => users.id, { onDelete: 'set null' }),
    // What the askers are told (Markdown, public), and the release that ships it.
    fixNote: text('fix_note'),
    release: text('release'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (t) => [
    // One live cluster per anchor: picking it again updates the day instead of adding a second.
    uniqueIndex('bug_bash_clusters_live_anchor_idx').on(t.anchorThreadId).where(sql`${t.state} <> 'fixed'`),
    // serves: the page's picked and fixed lists, by day
    index('bug_bash_clusters_state_idx').on(t.state, t.bugBashDay),
    check('bug_bash_clusters_picked_has_day', sql`${t.state} <> 'picked' or ${t.bugBashDay} is not null`),
    check('bug_bash_clusters_fixed_has_time', sql`${t.state} <> 'fixed' or ${t.fixedAt} is not null`),
  ],
)

/** The threads a stored cluster holds: taken when it is picked, topped up when it is fixed. */
export const bugBashClusterThreads = pgTable(
  'bug_bash_cluster_threads',
  {
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => bugBashClusters.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    addedAt: timestamptz('added_at').notNull(),
  },
  // The primary key serves a cluster's threads; the index serves "which stored cluster holds this thread".
  (t) => [primaryKey({ columns: [t.clusterId, t.threadId] }), index('bug_bash_cluster_threads_thread_idx').on(t.threadId)],
)

/** Every state change of a stored cluster, with who and when (picked, unpicked, fixed). */
export const bugBashEvents = pgTable(
  'bug_bash_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => bugBashClusters.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
  },
  // serves: a cluster's history
  (t) => [index('bug_bash_events_cluster_idx').on(t.clusterId, t.createdAt)],
)

export type BugBashCluster = typeof bugBashClusters.$inferSelect
export type BugBashEvent = typeof bugBashEvents.$inferSelect
