import { sql } from 'drizzle-orm'
import { bigint, boolean, customType, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core'
import { users } from './accounts'
import { threads } from './forum'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/**
 * The PostgreSQL search engine's index: one weighted document per visible thread (title A,
 * question B, accepted answer C, other replies D), rebuilt from the outbox when a thread changes.
 * It carries copies of the thread fields searches filter and order by, so matching never joins
 * `threads`; every change to them already reindexes the thread. The table is created with a low
 * toast_tuple_target (migration 0005): documents and bodies live out of line, so the rows a match
 * visits are narrow and a query's newest matches are found without reading their documents.
 */
export const searchDocuments = pgTable(
  'search_documents',
  {
    threadId: integer('thread_id')
      .primaryKey()
      .references(() => threads.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    // The question's text as indexed (capped), for snippets.
    body: text('body').notNull(),
    document: tsvector('document').notNull(),
    // The document's word pairs as hashed keys (the SQL function search_phrase_pairs, migration
    // 0007): which documents may hold a quoted phrase.
    phrasePairs: integer('phrase_pairs').array().notNull(),
    categoryId: integer('category_id').notNull(),
    solved: boolean('solved').notNull(),
    answered: boolean('answered').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    upvoteCount: integer('upvote_count').notNull(),
    indexedAt: timestamptz('indexed_at').notNull(),
  },
  (t) => [
    // serves: full-text matching (@@) for search and similar questions
    index('search_documents_document_idx').using('gin', t.document),
    // serves: a quoted phrase's candidates, the documents holding its words next to each other
    index('search_documents_phrase_pairs_idx').using('gin', t.phrasePairs),
    // serves: a query's newest matches, walked newest first until enough are found, or the
    // window of newest documents they are looked for in (see planMatching)
    index('search_documents_created_idx').on(t.createdAt, t.threadId),
    // serves: the same walk within the one category a search is filtered to
    index('search_documents_category_created_idx').on(t.categoryId, t.createdAt, t.threadId),
  ],
)

/**
 * Each search document's tsvector once more, kept in line (STORAGE MAIN, migration 0009) in a
 * table of its own. search_documents keeps its copy out of line, so that the rows matching visits
 * stay narrow, and its GIN index finds matches; but reading an out-of-line value costs a lookup in
 * the TOAST table's index each time (about 5 µs), reading this row by its key about 1 µs. Testing
 * a walked document, checking a phrase, ranking and scoring similar questions read this copy.
 */
export const searchVectors = pgTable(
  'search_vectors',
  {
    threadId: integer('thread_id')
      .primaryKey()
      .references(() => searchDocuments.threadId, { onDelete: 'cascade' }),
    document: tsvector('document').notNull(),
    // The document's date (a copy of search_documents.created_at), for walking in date order.
    createdAt: timestamptz('created_at').notNull(),
    // What ranking weighs besides the words (copies of search_documents' columns, written with
    // them), so that a walk ranks its matches without reading their search_documents rows.
    solved: boolean('solved').notNull(),
    upvoteCount: integer('upvote_count').notNull(),
  },
  (t) => [
    // serves: a search without filters walking the newest vectors themselves, each tested where
    // it lies, rather than each walked row's vector looked up by its key (see planMatching)
    index('search_vectors_created_idx').on(t.createdAt, t.threadId),
  ],
)

/**
 * The tier of the PostgreSQL engine's index: partial GIN indexes over the newest documents only
 * (words and word pairs, `where created_at >= edge`), built and replaced by maintainSearchTier as
 * the forum grows past a few hundred thousand threads. A search that looks for its newest matches
 * in a window of the newest documents then reads the postings of those documents only. The
 * indexes are made by the job, not by migrations; each row names one tier's pair of indexes.
 */
export const searchTiers = pgTable('search_tiers', {
  name: text('name').primaryKey(),
  edge: timestamptz('edge').notNull(),
  // Documents at or after the edge, and in the whole index, when the tier was built.
  documents: integer('documents').notNull(),
  forumDocuments: integer('forum_documents').notNull(),
  builtAt: timestamptz('built_at').notNull(),
})

/**
 * How many indexed documents contain each (stemmed) lexeme, kept up to date as documents are
 * indexed, so similar-question ranking can weigh rare words above common ones (IDF) and search
 * can judge how many documents a query matches. The row with the empty lexeme counts all
 * documents; rows whose key starts with a space (no lexeme does) count documents per filter
 * value: ' category 3', ' solved', ' unanswered'.
 */
export const searchLexemes = pgTable('search_lexemes', {
  lexeme: text('lexeme').primaryKey(),
  docCount: integer('doc_count').notNull(),
})

/**
 * One number that moves with every write to the PostgreSQL engine's index (documents, vectors,
 * word counts, vocabulary, tiers): a statement-level trigger bumps it before the write, in the
 * writer's transaction (migration 0032). A search or similar-questions answer is kept under the
 * value read before it ran, so a kept answer is current exactly while the number is unchanged.
 */
export const searchIndexEpoch = pgTable('search_index_epoch', {
  id: integer('id').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull().default(0),
})

/** Words seen in indexed titles and questions: the vocabulary typo correction picks from. */
export const searchTerms = pgTable(
  'search_terms',
  {
    term: text('term').primaryKey(),
    frequency: integer('frequency').notNull().default(1),
  },
  // serves: "did you mean" lookups by trigram similarity
  (t) => [index('search_terms_trgm_idx').using('gin', sql`${t.term} gin_trgm_ops`)],
)

export const searchEventKinds = ['search', 'similar', 'click', 'ask'] as const
export type SearchEventKind = (typeof searchEventKinds)[number]

/**
 * What people searched and what they did next, for the staff's search analytics:
 * top queries, queries with no results, and deflection (found a solved thread, did not ask).
 */
export const searchEvents = pgTable(
  'search_events',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: searchEventKinds }).notNull(),
    // Normalised query text (searches and similar-question lookups).
    query: text('query'),
    resultCount: integer('result_count'),
    // For clicks: the search or similar lookup it came from, and the thread opened.
    searchEventId: integer('search_event_id'),
    threadId: integer('thread_id').references(() => threads.id, { onDelete: 'cascade' }),
    solved: boolean('solved'),
    // A one-way hash of the visitor's browser token, so anonymous sessions can be followed.
    visitorKey: text('visitor_key').notNull(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // serves: analytics over a time window
    index('search_events_created_idx').on(t.createdAt, t.kind),
    // serves: collapsing as-you-type refinements and following a visitor's path
    index('search_events_visitor_idx').on(t.visitorKey, t.createdAt),
  ],
)

export type SearchEvent = typeof searchEvents.$inferSelect
