import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { AnyColumn, Placeholder } from 'drizzle-orm'
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types'
import { isStaff, requireAdmin, requireSignedIn, requireStaff } from '../policy'
import { QuestionFigureQuery } from './schemas'
import type { Ctx } from '../ctx'
import { categories, replies, tags, threadTags, threads, users, type Category, type Role } from '../db/schema'
import { preparedPerDb } from '../db/prepared'
import type { Db } from '../db/client'
import { ForbiddenError, NotFoundError } from '../errors'
import { canSeeHidden } from './thread-state'

export const THREADS_PAGE_SIZE = 30
export const REPLIES_PAGE_SIZE = 100

export const threadFilters = ['latest', 'unanswered', 'solved'] as const
export type ThreadFilter = (typeof threadFilters)[number]

export interface AuthorSummary {
  id: number
  displayName: string
  role: Role
}

export interface ThreadListItem {
  id: number
  title: string
  slug: string
  excerpt: string
  category: { slug: string; name: string }
  author: AuthorSummary
  replyCount: number
  upvoteCount: number
  meTooCount: number
  solved: boolean
  createdAt: Date
  lastActivityAt: Date
  tags: string[]
}

export interface ThreadListPage {
  items: ThreadListItem[]
  /** Cursor of the next (older) page, or null on the last page. */
  nextCursor: string | null
}

/** Keyset cursors are "<epoch ms>.<id>": opaque enough, and a bad one just means page one. */
export function encodeCursor(at: Date, id: number): string {
  return `${at.getTime()}.${id}`
}

const LAST_ISO_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

export function decodeCursor(value: string | null | undefined): { at: Date; id: number } | null {
  const match = /^(\d{1,15})\.(\d{1,10})$/.exec(value ?? '')
  if (!match) return null
  const at = new Date(Number(match[1]))
  const id = Number(match[2])
  // Past the year 9999 a date has no ISO form PostgreSQL reads: a hand-made cursor, not ours.
  return Number.isNaN(at.getTime()) || at.getTime() > LAST_ISO_DATE_MS || id > 2_147_483_647 ? null : { at, id }
}

const threadTagNames = sql<string[]>`coalesce((
  select array_agg(tg.name order by tg.name) from thread_tags tt join tags tg on tg.id = tt.tag_id
  where tt.thread_id = threads.id), '{}')`

const listColumns = {
  id: threads.id,
  title: threads.title,
  slug: threads.slug,
  excerpt: sql<string>`left(${threads.bodyText}, 240)`,
  categorySlug: categories.slug,
  categoryName: categories.name,
  authorId: users.id,
  authorName: users.displayName,
  authorRole: users.role,
  replyCount: threads.replyCount,
  upvoteCount: threads.upvoteCount,
  meTooCount: threads.meTooCount,
  acceptedReplyId: threads.acceptedReplyId,
  createdAt: threads.createdAt,
  lastActivityAt: threads.lastActivityAt,
  tags: threadTagNames,
}

type ListRow = SelectResultFields<typeof listColumns>

function toListItem(row: ListRow): ThreadListItem {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    excerpt: row.excerpt,
    category: { slug: row.categorySlug, name: row.categoryName },
    author: { id: row.authorId, displayName: row.authorName, role: row.authorRole },
    replyCount: row.replyCount,
    upvoteCount: row.upvoteCount,
    meTooCount: row.meTooCount,
    solved: row.acceptedReplyId !== null,
    createdAt: row.createdAt,
    lastActivityAt: row.lastActivityAt,
    tags: row.tags ?? [],
  }
}

/**
 * Newest first, the way the list indexes are ordered. drizzle-kit writes every descending index
 * column as `desc nulls last`, while a plain `order by ... desc` means nulls first; PostgreSQL
 * reads an index in order only when the null placement matches too, even on NOT NULL columns.
 * With plain `desc` it scanned a whole partial index and sorted it (34-80 ms at 100k threads).
 */
const newestFirst = (column: AnyColumn) => sql`${column} desc nulls last`

export interface ListThreadsOptions {
  filter?: ThreadFilter
  categoryId?: number
  tagId?: number
  authorId?: number
  cursor?: string | null
  limit?: number
  /**
   * `activity` (the pages) moves a thread up when it gets a reply; `created` never moves a
   * thread, so a client paging through it sees every thread once while others post.
   */
  order?: 'activity' | 'created'
}

/** Latest / unanswered / solved threads, optionally in one category or tag; newest activity first. */
export async function listThreads(ctx: Ctx, options: ListThreadsOptions = {}): Promise<ThreadListPage> {
  const limit = options.limit ?? THREADS_PAGE_SIZE
  const conditions: (SQL | undefined)[] = [isNull(threads.hiddenAt)]
  if (options.filter === 'unanswered') conditions.push(isNull(threads.answeredAt))
  if (options.filter === 'solved') conditions.push(isNotNull(threads.acceptedReplyId))
  if (options.categoryId) conditions.push(eq(threads.categoryId, options.categoryId))
  if (options.authorId) conditions.push(eq(threads.authorId, options.authorId))
  if (options.tagId)
    conditions.push(sql`exists (select 1 from thread_tags tt where tt.thread_id = threads.id and tt.tag_id = ${options.tagId})`)
  const at = options.order === 'created' ? threads.createdAt : threads.lastActivityAt
  const cursor = decodeCursor(options.cursor)
  if (cursor) conditions.push(sql`(${at}, ${threads.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id})`)

  // The page's ids first, on their own: a subquery with a limit is planned alone, so it reads the
  // list's partial index (latest, unanswered, solved, category) and stops after limit + 1 rows.
  // Joined in one statement, PostgreSQL hash-joined every thread to users and sorted them all.
  const page = ctx.db
    .select({ id: threads.id })
    .from(threads)
    .where(and(...conditions))
    .orderBy(newestFirst(at), newestFirst(threads.id))
    .limit(limit + 1)
    .as('page')
  const rows = await ctx.db
    .select(listColumns)
    .from(page)
    .innerJoin(threads, eq(threads.id, page.id))
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, threads.authorId))
    .orderBy(desc(at), desc(threads.id))
  const items = rows.slice(0, limit).map(toListItem)
  const last = items[items.length - 1]
  const lastAt = last && (options.order === 'created' ? last.createdAt : last.lastActivityAt)
  return { items, nextCursor: rows.length > limit && last && lastAt ? encodeCursor(lastAt, last.id) : null }
}

export interface ThreadSummary extends ThreadListItem {
  /** The first lines of the accepted solution, when there is one. */
  acceptedExcerpt: string | null
}

/** Visible threads by id (for search results), with the accepted solution's first lines. */
export async function getThreadSummaries(ctx: Ctx, threadIds: number[]): Promise<Map<number, ThreadSummary>> {
  if (threadIds.length === 0) return new Map()
  const rows = await ctx.db
    .select({
      ...listColumns,
      acceptedExcerpt: sql<string | null>`(select left(r.body_text, 280) from replies r
                                           where r.id = threads.accepted_reply_id and r.hidden_at is null)`,
    })
    .from(threads)
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, threads.authorId))
    .where(and(inArray(threads.id, threadIds), isNull(threads.hiddenAt)))
  return new Map(rows.map((row) => [row.id, { ...toListItem(row), acceptedExcerpt: row.acceptedExcerpt }]))
}

export async function listCategories(ctx: Ctx): Promise<Category[]> {
  return ctx.db.select().from(categories).orderBy(asc(categories.position), asc(categories.name))
}

/** The categories to ask in; asking needs a signed-in person, so the form does too. */
export async function getAskFormData(ctx: Ctx): Promise<{ categories: Category[] }> {
  requireSignedIn(ctx, 'ask a question')
  return { categories: await listCategories(ctx) }
}

export async function getCategoryBySlug(ctx: Ctx, slug: string): Promise<Category> {
  const [category] = await ctx.db.select().from(categories).where(eq(categories.slug, slug))
  if (!category) throw new NotFoundError('That category')
  return category
}

/** The admin's category list. */
export async function listCategoriesForAdmin(ctx: Ctx): Promise<Category[]> {
  requireAdmin(ctx, 'manage categories')
  return listCategories(ctx)
}

export async function getCategoryForAdmin(ctx: Ctx, categoryId: number): Promise<Category> {
  requireAdmin(ctx, 'manage categories')
  const [category] = await ctx.db.select().from(categories).where(eq(categories.id, categoryId))
  if (!category) throw new NotFoundError('That category')
  return category
}

export async function getTagByName(ctx: Ctx, name: string): Promise<{ id: number; name: string }> {
  const [tag] = await ctx.db.select().from(tags).where(eq(tags.name, name.toLowerCase()))
  if (!tag) throw new NotFoundError('That tag')
  return tag
}

/** Tags by how many visible threads use them, for the tag index page. */
export async function listPopularTags(ctx: Ctx, limit = 100): Promise<{ name: string; count: number }[]> {
  return ctx.db
    .select({ name: tags.name, count: sql<number>`count(*)::int` })
    .from(tags)
    .innerJoin(sql`thread_tags tt`, sql`tt.tag_id = ${tags.id}`)
    .innerJoin(threads, sql`${threads.id} = tt.thread_id and ${threads.hiddenAt} is null`)
    .groupBy(tags.id, tags.name)
    .orderBy(sql`count(*) desc`, asc(tags.name))
    .limit(limit)
}

export interface ReplyView {
  id: number
  threadId: number
  bodyHtml: string
  bodyText: string
  createdAt: Date
  editedAt: Date | null
  upvoteCount: number
  hidden: boolean
  /** Why, when hidden: 'staff', 'flagged', 'held' (waiting for approval), 'rejected', 'removed'. */
  hiddenReason: string | null
  author: AuthorSummary
  viewerVoted: boolean
  canEdit: boolean
}

export interface ThreadView {
  id: number
  /** Moves with every change to the page (see threadChanged). */
  revision: number
  /** Set when staff marked this thread as a duplicate of another. */
  duplicateOf: { id: number; slug: string; title: string } | null
  title: string
  slug: string
  bodyHtml: string
  bodyText: string
  createdAt: Date
  editedAt: Date | null
  lastActivityAt: Date
  replyCount: number
  upvoteCount: number
  meTooCount: number
  acceptedReplyId: number | null
  locked: boolean
  hidden: boolean
  /** Why, when hidden: 'staff', 'flagged', 'held' (waiting for approval), 'rejected', 'removed'. */
  hiddenReason: string | null
  category: { id: number; slug: string; name: string }
  author: AuthorSummary
  tags: string[]
}

export interface ViewerState {
  signedIn: boolean
  isAuthor: boolean
  isStaff: boolean
  voted: boolean
  meToo: boolean
  subscribed: boolean
  canReply: boolean
  canAccept: boolean
  canEdit: boolean
  /** Whether the viewer's first read of this thread is already recorded (see recordThreadRead). */
  readBefore: boolean
}

export interface ThreadPageData {
  thread: ThreadView
  replies: ReplyView[]
  /** The accepted solution, shown under the question wherever it sits in the thread. */
  accepted: ReplyView | null
  viewer: ViewerState
  /** Cursor of the next page of replies, or null on the last page. */
  nextRepliesCursor: string | null
  /** True when this page starts after earlier replies (a later page). */
  isLaterPage: boolean
  /** The `alongside` column's value when one was asked for (see getThreadPage), else undefined. */
  alongside?: unknown
}

const viewerId = (ctx: Ctx) => ctx.actor?.id ?? 0

export interface ThreadHeader {
  thread: ThreadView
  viewer: ViewerState
  /** The value of the column the caller asked to read alongside (see getThreadHeader); null without one. */
  alongside: unknown
}

/**
 * The thread header's statement, with a column another domain asks to read in the same round
 * trip (the queue's support status, passed in by the web layer: the forum does not import the
 * queue), and optionally the viewer read in it too: `viewer.me` stands for the viewer's id in the
 * per-viewer parts and `viewer.column` is read alongside (the session, src/web/session.ts). One
 * prepared statement per database and columns.
 */
const threadHeaderStatement = (db: Db, alongside: SQL = noColumn, viewer?: ViewerInStatement, withReplies = false) => {
  const me = viewer?.me ?? mePlaceholder
  const staff = viewer?.staff ?? staffPlaceholder
  const viewerColumn = viewer?.column ?? noColumn
  const key = [alongside, me, staff, viewerColumn].map(statementPartId).join(':') + (withReplies ? ':replies' : '')
  let perDb = headerStatements.get(key)
  if (!perDb) {
    const variant = headerStatements.size
    headerStatements.set(key, (perDb = preparedPerDb((db) => buildThreadHeaderStatement(db, { alongside, me, staff, viewerColumn, withReplies }, variant))))
  }
  return perDb(db)
}
const noColumn = sql`null`
const mePlaceholder = sql`${sql.placeholder('me')}`
const staffPlaceholder = sql`${sql.placeholder('staff')}`
const headerStatements = new Map<string, (db: Db) => ReturnType<typeof buildThreadHeaderStatement>>()
const statementPartIds = new WeakMap<SQL, number>()
let statementParts = 0
function statementPartId(part: SQL): number {
  let id = statementPartIds.get(part)
  if (id === undefined) statementPartIds.set(part, (id = statementParts++))
  return id
}

/** The viewer as another statement's parts: `me` their id (0 for a visitor), `staff` whether staff, `column` read alongside. */
export interface ViewerInStatement {
  me: SQL
  staff: SQL
  column: SQL
  params: Record<string, unknown>
}

/** A reply as the header's statement reads a thread's first page of them (dates as JSON text). */
interface ReplyJson {
  id: number
  threadId: number
  authorId: number
  bodyHtml: string
  bodyText: string
  createdAt: string
  editedAt: string | null
  upvoteCount: number
  hiddenAt: string | null
  hiddenReason: string | null
  authorName: string
  authorRole: Role
  voted: boolean
}

/**
 * The first page of a thread's replies as one column of the header's statement, so a thread page
 * is one round trip: the same rows, order and visibility as replyPageStatement's first page.
 */
const firstRepliesColumn = (me: SQL, staff: SQL) => sql<ReplyJson[]>`(select coalesce(json_agg(json_build_object(
      'id', r.id, 'threadId', r.thread_id, 'authorId', r.author_id, 'bodyHtml', r.body_html, 'bodyText', r.body_text,
      'createdAt', r.created_at, 'editedAt', r.edited_at, 'upvoteCount', r.upvote_count, 'hiddenAt', r.hidden_at,
      'hiddenReason', r.hidden_reason, 'authorName', ra.display_name, 'authorRole', ra.role,
      'voted', exists (select 1 from reply_votes v where v.reply_id = r.id and v.user_id = ${me})) order by r.created_at, r.id), '[]')
    from (select id, thread_id, author_id, body_html, body_text, created_at, edited_at, upvote_count, hidden_at, hidden_reason
            from replies where replies.thread_id = threads.id and (replies.hidden_at is null or replies.author_id = ${me} or (${staff})::boolean)
           order by created_at, id limit ${sql.raw(String(REPLIES_PAGE_SIZE + 1))}) r
    join users ra on ra.id = r.author_id)`

/** What toReplyView reads of a reply row, whether read by drizzle or as the header's JSON. */
type ReplyRowForView = Omit<SelectedReply, 'reply'> & {
  reply: Pick<SelectedReply['reply'], 'id' | 'threadId' | 'authorId' | 'bodyHtml' | 'bodyText' | 'createdAt' | 'editedAt' | 'upvoteCount' | 'hiddenAt' | 'hiddenReason'>
}

function replyFromJson(json: ReplyJson): ReplyRowForView {
  const date = (value: string | null) => (value === null ? null : new Date(value))
  const { authorName, authorRole, voted, ...reply } = json
  return {
    reply: { ...reply, createdAt: new Date(reply.createdAt), editedAt: date(reply.editedAt), hiddenAt: date(reply.hiddenAt) },
    authorName,
    authorRole,
    voted,
  }
}

const buildThreadHeaderStatement = (
  db: Db,
  { alongside, me, staff, viewerColumn, withReplies }: { alongside: SQL; me: SQL; staff: SQL; viewerColumn: SQL; withReplies: boolean },
  variant: number,
) =>
  db
    .select({
      alongside: sql<unknown>`${alongside}`,
      viewerColumn: sql<unknown>`${viewerColumn}`,
      firstReplies: withReplies ? firstRepliesColumn(me, staff) : sql<ReplyJson[] | null>`null`,
      thread: threads,
      categorySlug: categories.slug,
      categoryName: categories.name,
      authorName: users.displayName,
      authorRole: users.role,
      tags: threadTagNames,
      voted: sql<boolean>`exists (select 1 from thread_votes v where v.thread_id = threads.id and v.user_id = ${me})`,
      meToo: sql<boolean>`exists (select 1 from me_toos m where m.thread_id = threads.id and m.user_id = ${me})`,
      subscribed: sql<boolean>`exists (select 1 from subscriptions s where s.thread_id = threads.id and s.user_id = ${me} and s.subscribed)`,
      readBefore: sql<boolean>`exists (select 1 from thread_reads tr where tr.user_id = ${me} and tr.thread_id = threads.id)`,
      duplicateOf: sql<{ id: number; slug: string; title: string } | null>`(select json_build_object('id', d.id, 'slug', d.slug, 'title', d.title)
                     from threads d where d.id = threads.duplicate_of_id and d.hidden_at is null)`,
    })
    .from(threads)
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, threads.authorId))
    .where(eq(threads.id, sql.placeholder('threadId')))
    .prepare(variant === 0 ? 'thread_header' : `thread_header_${variant}`)

/** The header's row as read, before it is checked against the viewer (see readThreadHeaderRow). */
export type ThreadHeaderRow = Awaited<ReturnType<ReturnType<typeof buildThreadHeaderStatement>['execute']>>[number]

/**
 * The header's row with the viewer read in the same statement (`viewer`), before anyone knows who
 * the viewer is: getThreadHeader (through getThreadPage's `headerRow`) checks it against the
 * actor once the session is settled. Null when there is no such thread.
 */
export async function readThreadHeaderRow(
  db: Db,
  threadId: number,
  options: { alongside?: SQL; viewer: ViewerInStatement },
): Promise<{ row: ThreadHeaderRow | null; viewerColumn: unknown }> {
  const [row] = await threadHeaderStatement(db, options.alongside, options.viewer, true).execute({ ...options.viewer.params, threadId })
  return { row: row ?? null, viewerColumn: row?.viewerColumn }
}

/**
 * The thread and the viewer's relation to it in one round trip; NotFound when hidden from them.
 * `row`: the header already read by readThreadHeaderRow for this viewer (ctx.actor).
 */
export async function getThreadHeader(
  ctx: Ctx,
  threadId: number,
  options: { alongside?: SQL; row?: ThreadHeaderRow | null; withReplies?: boolean } = {},
): Promise<ThreadHeader & { firstReplies?: ReplyRowForView[] }> {
  const actor = ctx.actor
  const [row] =
    options.row !== undefined
      ? [options.row]
      : await threadHeaderStatement(ctx.db, options.alongside, undefined, options.withReplies).execute({ threadId, me: viewerId(ctx), staff: isStaff(actor) })
  if (!row || (row.thread.hiddenAt && !canSeeHidden(actor, row.thread.authorId))) throw new NotFoundError('That thread')
  const t = row.thread
  const staff = isStaff(actor)
  const thread: ThreadView = {
    id: t.id,
    revision: t.revision,
    duplicateOf: typeof row.duplicateOf === 'string' ? JSON.parse(row.duplicateOf) : (row.duplicateOf ?? null),
    title: t.title,
    slug: t.slug,
    bodyHtml: t.bodyHtml,
    bodyText: t.bodyText,
    createdAt: t.createdAt,
    editedAt: t.editedAt,
    lastActivityAt: t.lastActivityAt,
    replyCount: t.replyCount,
    upvoteCount: t.upvoteCount,
    meTooCount: t.meTooCount,
    acceptedReplyId: t.acceptedReplyId,
    locked: t.lockedAt !== null,
    hidden: t.hiddenAt !== null,
    hiddenReason: t.hiddenAt ? (t.hiddenReason ?? 'staff') : null,
    category: { id: t.categoryId, slug: row.categorySlug, name: row.categoryName },
    author: { id: t.authorId, displayName: row.authorName, role: row.authorRole },
    tags: row.tags ?? [],
  }
  const isAuthor = !!actor && actor.id === t.authorId
  return {
    thread,
    viewer: {
      signedIn: !!actor,
      isAuthor,
      isStaff: staff,
      voted: row.voted,
      meToo: row.meToo,
      subscribed: row.subscribed,
      canReply: !!actor && (!thread.locked || staff),
      canAccept: isAuthor || staff,
      canEdit: !!actor && (staff || (isAuthor && !thread.locked)),
      readBefore: row.readBefore,
    },
    alongside: row.alongside,
    firstReplies: row.firstReplies ? row.firstReplies.map(replyFromJson) : undefined,
  }
}

const threadStampStatement = preparedPerDb((db) =>
  db
    .select({ slug: threads.slug, revision: threads.revision, hidden: sql<boolean>`${threads.hiddenAt} is not null` })
    .from(threads)
    .where(eq(threads.id, sql.placeholder('threadId')))
    .prepare('thread_stamp'),
)

/**
 * What a cached rendering of a public thread page must match to be current: its slug and
 * revision. Null when the thread is missing or hidden (the full path then says why).
 */
export async function getPublicThreadStamp(ctx: Ctx, threadId: number): Promise<{ slug: string; revision: number } | null> {
  const [row] = await threadStampStatement(ctx.db).execute({ threadId })
  return row && !row.hidden ? { slug: row.slug, revision: row.revision } : null
}

/** The thread page's data in two or three round trips: header, a page of replies, the solution if elsewhere. */
/**
 * A page of a thread. `alongside`: a column over `threads` (a scalar subquery) another domain
 * wants read in the header's round trip; its value comes back as `alongside`.
 */
export async function getThreadPage(
  ctx: Ctx,
  threadId: number,
  options: { after?: string | null; alongside?: SQL; headerRow?: ThreadHeaderRow | null } = {},
): Promise<ThreadPageData> {
  const cursor = decodeCursor(options.after)
  // The first page of replies comes in the header's statement: one round trip for the page.
  const { thread, viewer, alongside, firstReplies } = await getThreadHeader(ctx, threadId, { alongside: options.alongside, row: options.headerRow, withReplies: !cursor })
  const replyRows =
    firstReplies ??
    (await replyPageStatement(ctx.db).execute({
      threadId: thread.id,
      me: viewerId(ctx),
      staff: isStaff(ctx.actor),
      afterAt: (cursor?.at ?? new Date(0)).toISOString(),
      afterId: cursor?.id ?? 0,
    }))
  const page = replyRows.slice(0, REPLIES_PAGE_SIZE).map((reply) => toReplyView(ctx, reply, thread))
  const last = page[page.length - 1]

  let accepted = page.find((reply) => reply.id === thread.acceptedReplyId) ?? null
  if (!accepted && thread.acceptedReplyId) {
    const [acceptedRow] = await selectReplies(ctx, eq(replies.id, thread.acceptedReplyId))
    accepted = acceptedRow ? toReplyView(ctx, acceptedRow, thread) : null
  }
  return {
    thread,
    replies: page,
    accepted,
    viewer,
    nextRepliesCursor: replyRows.length > REPLIES_PAGE_SIZE && last ? encodeCursor(last.createdAt, last.id) : null,
    isLaterPage: cursor !== null,
    alongside: options.alongside ? alongside : undefined,
  }
}

/** One reply as the thread page shows it, for the fragment htmx swaps in after an action. */
export async function getReplyView(ctx: Ctx, replyId: number): Promise<ThreadHeader & { reply: ReplyView }> {
  const [row] = await selectReplies(ctx, eq(replies.id, replyId))
  if (!row) throw new NotFoundError('That reply')
  const header = await getThreadHeader(ctx, row.reply.threadId)
  return { ...header, reply: toReplyView(ctx, row, header.thread) }
}

const replyAuthor = alias(users, 'reply_author')

const replyColumns = (me: number | Placeholder) => ({
  reply: replies,
  authorName: replyAuthor.displayName,
  authorRole: replyAuthor.role,
  voted: sql<boolean>`exists (select 1 from reply_votes v where v.reply_id = replies.id and v.user_id = ${me})`,
})

/** Hidden replies stay visible to staff and to their own author, marked as hidden. */
const replyVisible = (me: number | Placeholder, staff: boolean | Placeholder) =>
  sql`(${replies.hiddenAt} is null or ${replies.authorId} = ${me} or (${staff})::boolean)`

/** One page of a thread's replies in order, after a keyset cursor (the epoch and id 0 for the first page). */
const replyPageStatement = preparedPerDb((db) =>
  db
    .select(replyColumns(sql.placeholder('me')))
    .from(replies)
    .innerJoin(replyAuthor, eq(replyAuthor.id, replies.authorId))
    .where(
      and(
        eq(replies.threadId, sql.placeholder('threadId')),
        sql`(${replies.createdAt}, ${replies.id}) > (${sql.placeholder('afterAt')}::timestamptz, ${sql.placeholder('afterId')}::int)`,
        replyVisible(sql.placeholder('me'), sql.placeholder('staff')),
      ),
    )
    .orderBy(asc(replies.createdAt), asc(replies.id))
    .limit(REPLIES_PAGE_SIZE + 1)
    .prepare('thread_reply_page'),
)

function selectReplies(ctx: Ctx, where: SQL) {
  const me = viewerId(ctx)
  return ctx.db
    .select(replyColumns(me))
    .from(replies)
    .innerJoin(replyAuthor, eq(replyAuthor.id, replies.authorId))
    .where(and(where, replyVisible(me, isStaff(ctx.actor))))
    .orderBy(asc(replies.createdAt), asc(replies.id))
}

type SelectedReply = Awaited<ReturnType<typeof selectReplies>>[number]

function toReplyView(ctx: Ctx, row: ReplyRowForView, thread: ThreadView): ReplyView {
  const r = row.reply
  const actor = ctx.actor
  return {
    id: r.id,
    threadId: r.threadId,
    bodyHtml: r.bodyHtml,
    bodyText: r.bodyText,
    createdAt: r.createdAt,
    editedAt: r.editedAt,
    upvoteCount: r.upvoteCount,
    hidden: r.hiddenAt !== null,
    hiddenReason: r.hiddenAt ? (r.hiddenReason ?? 'staff') : null,
    author: { id: r.authorId, displayName: row.authorName, role: row.authorRole },
    viewerVoted: row.voted,
    canEdit: !!actor && (isStaff(actor) || (actor.id === r.authorId && !thread.locked)),
  }
}

export interface ThreadEditData {
  id: number
  slug: string
  title: string
  body: string
  categoryId: number
  tags: string
}

/** A question's current text for its edit form; only people who may edit it get it. */
export async function getThreadForEdit(ctx: Ctx, threadId: number): Promise<ThreadEditData> {
  requireSignedIn(ctx, 'edit posts')
  const { thread, viewer } = await getThreadHeader(ctx, threadId)
  if (!viewer.canEdit) throw new ForbiddenError('You can only edit your own posts.')
  const [row] = await ctx.db.select({ body: threads.bodyMarkdown }).from(threads).where(eq(threads.id, threadId))
  return {
    id: thread.id,
    slug: thread.slug,
    title: thread.title,
    body: row!.body,
    categoryId: thread.category.id,
    tags: thread.tags.join(', '),
  }
}

export async function getReplyForEdit(ctx: Ctx, replyId: number): Promise<{ id: number; body: string; thread: ThreadView }> {
  requireSignedIn(ctx, 'edit posts')
  const { reply, thread } = await getReplyView(ctx, replyId)
  if (!reply.canEdit) throw new ForbiddenError('You can only edit your own posts.')
  const [row] = await ctx.db.select({ body: replies.bodyMarkdown }).from(replies).where(eq(replies.id, replyId))
  return { id: reply.id, body: row!.body, thread }
}

export interface UserProfile {
  user: AuthorSummary & { createdAt: Date }
  threadCount: number
  replyCount: number
  solutionCount: number
  threads: ThreadListPage
}

/** A person's public page: name, role badge, counts and their questions. Never their email. */
export async function getUserProfile(ctx: Ctx, userId: number, cursor?: string | null): Promise<UserProfile> {
  const [user] = await ctx.db
    .select({
      id: users.id,
      displayName: users.displayName,
      role: users.role,
      createdAt: users.createdAt,
      threadCount: sql<number>`(select count(*)::int from threads t where t.author_id = users.id and t.hidden_at is null)`,
      replyCount: sql<number>`(select count(*)::int from replies r where r.author_id = users.id and r.hidden_at is null)`,
      solutionCount: sql<number>`(select count(*)::int from threads t join replies r on r.id = t.accepted_reply_id
                                   where r.author_id = users.id and t.hidden_at is null)`,
    })
    .from(users)
    .where(eq(users.id, userId))
  if (!user) throw new NotFoundError('That person')
  const { threadCount, replyCount, solutionCount, ...summary } = user
  return {
    user: summary,
    threadCount,
    replyCount,
    solutionCount,
    threads: await listThreads(ctx, { authorId: userId, cursor }),
  }
}

export interface FeedEntry {
  id: number
  title: string
  slug: string
  bodyHtml: string
  authorName: string
  categoryName: string
  createdAt: Date
  lastActivityAt: Date
  /** Moves with every change to the thread: a cached feed keyed by it is never stale. */
  revision: number
}

export const FEED_ENTRIES = 30

/** Newest visible questions for Atom feeds (by creation: a feed entry is a new question). */
export async function listFeedEntries(ctx: Ctx, options: { categoryId?: number; limit?: number } = {}): Promise<FeedEntry[]> {
  // As in listThreads: the newest ids alone (threads_created_idx), then their rows.
  const page = ctx.db
    .select({ id: threads.id })
    .from(threads)
    .where(and(isNull(threads.hiddenAt), options.categoryId ? eq(threads.categoryId, options.categoryId) : undefined))
    .orderBy(newestFirst(threads.createdAt), newestFirst(threads.id))
    .limit(options.limit ?? FEED_ENTRIES)
    .as('page')
  return ctx.db
    .select({
      id: threads.id,
      title: threads.title,
      slug: threads.slug,
      bodyHtml: threads.bodyHtml,
      authorName: users.displayName,
      categoryName: categories.name,
      createdAt: threads.createdAt,
      lastActivityAt: threads.lastActivityAt,
      revision: threads.revision,
    })
    .from(page)
    .innerJoin(threads, eq(threads.id, page.id))
    .innerJoin(users, eq(users.id, threads.authorId))
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .orderBy(desc(threads.createdAt), desc(threads.id))
}

/**
 * URLs per sitemap file. The protocol allows 50,000; files of 10,000 (about 1.5 MB, 150 KB
 * gzipped) are built, kept and sent far more cheaply, and crawlers read the index for all.
 */
export const SITEMAP_PAGE_SIZE = 10_000

/** How many sitemap files the visible threads need (each holds up to SITEMAP_PAGE_SIZE URLs). */
export async function countSitemapPages(ctx: Ctx): Promise<{ pages: number; lastModified: Date | null }> {
  const [row] = await ctx.db
    .select({ count: sql<number>`count(*)::int`, lastModified: sql<Date | null>`max(${threads.lastActivityAt})`.mapWith(threads.lastActivityAt) })
    .from(threads)
    .where(isNull(threads.hiddenAt))
  const count = row?.count ?? 0
  return {
    pages: Math.max(1, Math.ceil(count / SITEMAP_PAGE_SIZE)),
    lastModified: row?.lastModified ?? null,
  }
}

/** One sitemap file's threads, by id; page numbers start at 1. */
export async function listSitemapThreads(ctx: Ctx, page: number): Promise<{ id: number; slug: string; lastActivityAt: Date }[]> {
  return ctx.db
    .select({ id: threads.id, slug: threads.slug, lastActivityAt: threads.lastActivityAt })
    .from(threads)
    .where(isNull(threads.hiddenAt))
    .orderBy(asc(threads.id))
    .limit(SITEMAP_PAGE_SIZE)
    .offset((page - 1) * SITEMAP_PAGE_SIZE)
}

// --- Stamps: what a kept rendering of a list or feed must match to be current ---------------

/** Which threads a list shows: all, one category's (by slug) or one tag's (by name). */
export type ListScope = { kind: 'all' } | { kind: 'category'; slug: string } | { kind: 'tag'; name: string }

export interface ListStamp {
  /** The category's or tag's id; null when it does not exist (and always for `all`). */
  scopeId: number | null
  /**
   * Changes whenever the rendered list would: any of the page's threads (its revision moves
   * with every change to it: a reply, vote, edit, accepted solution), which threads are on the
   * page and in what order, their authors' names and roles, and any category (the sidebar).
   */
  version: string
}

/**
 * Everything every list shows besides its threads (authors' names and roles, the categories in the
 * sidebar and headings, a row's category name), as one number: database triggers move it on any
 * rename, role change or category edit (migration 0030), whoever makes it.
 */
const listEpoch = sql`(select value from forum_list_epoch where id = 1)`

const scopeIdOf = (kind: ListScope['kind']) =>
  kind === 'category'
    ? sql`(select id from categories where slug = ${sql.placeholder('scope')})`
    : kind === 'tag'
      ? sql`(select id from tags where name = lower(${sql.placeholder('scope')}))`
      : sql`null::int`

/** One prepared statement per kind of list (filter, scope, later page): built and planned once per connection. */
const listStampStatements = new Map<string, Map<SQL, ReturnType<typeof buildListStamp>>>()

/**
 * A column another domain asks a statement here to read in its round trip (the session, by the
 * web layer's companions in src/web/session.ts), with the values of its placeholders.
 */
export interface AlongsideColumn {
  column: SQL
  params: Record<string, unknown>
}

/**
 * A tag's newest threads as its list shows them (visible, latest activity first), from the copies
 * thread_tags keeps of each thread's activity, revision and visibility (migration 0034, kept by
 * triggers in the writer's transaction): an index-only range of thread_tags_latest_idx, where the
 * same page read from threads walked every thread's latest activity probing for the tag.
 */
function tagLatestPage(db: Db, paged: boolean, limit: SQL) {
  return db
    .select({ id: sql<number>`${threadTags.threadId}`.as('id'), revision: sql<number>`${threadTags.revision}`.as('revision') })
    .from(threadTags)
    .where(
      and(
        sql`${threadTags.tagId} = ${scopeIdOf('tag')}`,
        sql`${threadTags.listed}`,
        paged ? sql`(${threadTags.lastActivityAt}, ${threadTags.threadId}) < (${sql.placeholder('at')}::timestamptz, ${sql.placeholder('cursorId')}::int)` : undefined,
      ),
    )
    .orderBy(newestFirst(threadTags.lastActivityAt), newestFirst(threadTags.threadId))
    .limit(limit as unknown as number)
}

/**
 * The stamp's row count written into its statement, not a parameter: with `limit $n` PostgreSQL
 * cannot price a generic plan and planned the statement afresh on every execution (0.7 ms of
 * planning for 0.2 ms of execution once a session was read beside it); with a constant it keeps
 * a generic plan after five executions (0.02 ms). Only ever one of two numbers (list or feed).
 */
const inlineLimit = (rows: number): SQL => sql.raw(String(Math.trunc(rows)))

function buildListStamp(filter: ThreadFilter, scope: ListScope['kind'], paged: boolean, forFeed: boolean, alongside: SQL, variant: number, rows: number) {
  return preparedPerDb((db) => {
    const at = forFeed ? threads.createdAt : threads.lastActivityAt
    const conditions: (SQL | undefined)[] = [isNull(threads.hiddenAt)]
    if (filter === 'unanswered') conditions.push(isNull(threads.answeredAt))
    if (filter === 'solved') conditions.push(isNotNull(threads.acceptedReplyId))
    if (scope === 'category') conditions.push(sql`${threads.categoryId} = ${scopeIdOf('category')}`)
    if (scope === 'tag') conditions.push(sql`exists (select 1 from thread_tags tt where tt.thread_id = threads.id and tt.tag_id = ${scopeIdOf('tag')})`)
    if (paged) conditions.push(sql`(${at}, ${threads.id}) < (${sql.placeholder('at')}::timestamptz, ${sql.placeholder('cursorId')}::int)`)
    // As listThreads reads it (the same index, the same order, one row more for the pager).
    const page = (
      scope === 'tag' && filter === 'latest' && !forFeed
        ? tagLatestPage(db, paged, inlineLimit(rows))
        : db
            // Only what the list index holds (revision is INCLUDEd in it): an index-only scan.
            .select({ id: threads.id, revision: threads.revision })
            .from(threads)
            .where(and(...conditions))
            .orderBy(newestFirst(at), newestFirst(threads.id))
            .limit(inlineLimit(rows) as unknown as number)
    ).as('page')
    return db
      .select({
        scopeId: sql<number | null>`${scopeIdOf(scope)}`,
        // In the page's order as the plan yields it (no sort in the aggregate: it cost a third of
        // the statement). An order that differed between two runs could only make two stamps of
        // the same page differ (a needless render), never two pages' stamps agree.
        // A thread's revision moves with every change to its row, including a move to another
        // category (edit-thread calls threadChanged); names and categories are in the epoch.
        version: sql<string>`md5(coalesce(string_agg(${page.id} || '.' || ${page.revision}, ','), '')) || '.' || ${listEpoch}`,
        alongside: sql<unknown>`${alongside}`,
      })
      .from(page)
      .prepare(`list_stamp_${filter}_${scope}${paged ? '_paged' : ''}${forFeed ? '_feed' : ''}_${rows}${variant ? `_${variant}` : ''}`)
  })
}

/**
 * One statement that says whether a kept rendering of a list page (or a feed: `forFeed`, newest
 * questions by creation) is still current, without reading the rows it shows.
 */
export async function getListStamp(
  ctx: Ctx,
  options: { filter?: ThreadFilter; scope?: ListScope; cursor?: string | null; forFeed?: boolean; rows?: number; alongside?: AlongsideColumn },
): Promise<ListStamp & { alongside?: unknown }> {
  const filter = options.filter ?? 'latest'
  const scope = options.scope ?? { kind: 'all' }
  const cursor = decodeCursor(options.cursor)
  const alongside = options.alongside?.column ?? noColumn
  // A list page reads one row more than it shows (whether there is a next page); a feed none.
  const rows = options.rows ?? (options.forFeed ? FEED_ENTRIES : THREADS_PAGE_SIZE + 1)
  const name = `${filter}:${scope.kind}:${!!cursor}:${!!options.forFeed}:${rows}`
  let perColumn = listStampStatements.get(name)
  if (!perColumn) listStampStatements.set(name, (perColumn = new Map()))
  let statement = perColumn.get(alongside)
  if (!statement) perColumn.set(alongside, (statement = buildListStamp(filter, scope.kind, !!cursor, !!options.forFeed, alongside, perColumn.size, rows)))
  const [row] = await statement(ctx.db).execute({
    ...options.alongside?.params,
    scope: scope.kind === 'category' ? scope.slug : scope.kind === 'tag' ? scope.name : '',
    at: (cursor?.at ?? new Date(0)).toISOString(),
    cursorId: cursor?.id ?? 0,
  })
  return { scopeId: row?.scopeId ?? null, version: row?.version ?? '', alongside: options.alongside ? row?.alongside : undefined }
}

// --- The questions behind a scoreboard figure ------------------------------------------------

export const QUESTION_FIGURE_PAGE_SIZE = 50

export interface QuestionFigureRow {
  id: number
  title: string
  slug: string
  categoryName: string
  team: string
  createdAt: Date
  answered: boolean
  accepted: boolean
}

export interface QuestionFigureList {
  input: Partial<QuestionFigureQuery>
  /** Problems with the filters, by parameter (then nothing is listed). */
  errors: Record<string, string>
  /** How many questions the filters select (every page): the figure's number. */
  total: number
  rows: QuestionFigureRow[]
  next: string | null
}

/**
 * The forum questions the accepted-solution figure counts: visible threads asked in the period,
 * of one team's categories or all, and optionally only those answered or with an accepted
 * solution. Newest first, keyset paged. Staff only.
 */
export async function listQuestionsBehindFigure(ctx: Ctx, raw: Record<string, string | undefined>): Promise<QuestionFigureList> {
  requireStaff(ctx, 'see the scoreboard')
  const parsed = QuestionFigureQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== '')))
  if (!parsed.success) {
    const errors: Record<string, string> = {}
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'filters')] ??= issue.message
    return { input: {}, errors, total: 0, rows: [], next: null }
  }
  const input = parsed.data
  // The accepted-solution figure's conditions (src/scoreboard/figures.ts, acceptedSolutions).
  const conditions: SQL[] = [
    sql`${threads.hiddenAt} is null`,
    sql`${threads.createdAt} >= ${input.from.toISOString()}::timestamptz`,
    sql`${threads.createdAt} < ${input.to.toISOString()}::timestamptz`,
  ]
  if (input.team) conditions.push(eq(categories.team, input.team))
  if (input.outcome === 'answered') conditions.push(isNotNull(threads.answeredAt))
  if (input.outcome === 'accepted') conditions.push(isNotNull(threads.acceptedReplyId))
  const where = and(...conditions)
  const cursor = decodeCursor(input.before)
  const [rows, [counted]] = await Promise.all([
    ctx.db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        categoryName: categories.name,
        team: categories.team,
        createdAt: threads.createdAt,
        answeredAt: threads.answeredAt,
        acceptedReplyId: threads.acceptedReplyId,
      })
      .from(threads)
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .where(cursor ? and(where, sql`(${threads.createdAt}, ${threads.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id})`) : where)
      .orderBy(desc(threads.createdAt), desc(threads.id))
      .limit(QUESTION_FIGURE_PAGE_SIZE + 1),
    ctx.db.select({ total: sql<number>`count(*)::int` }).from(threads).innerJoin(categories, eq(categories.id, threads.categoryId)).where(where),
  ])
  const shown = rows.slice(0, QUESTION_FIGURE_PAGE_SIZE)
  const last = shown.at(-1)
  return {
    input,
    errors: {},
    total: counted?.total ?? 0,
    next: rows.length > QUESTION_FIGURE_PAGE_SIZE && last ? encodeCursor(last.createdAt, last.id) : null,
    rows: shown.map(({ answeredAt, acceptedReplyId, ...row }) => ({ ...row, answered: answeredAt !== null, accepted: acceptedReplyId !== null })),
  }
}
