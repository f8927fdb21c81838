import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import { apiScopesFor, isStaff, requireSignedIn, requireStaff } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows, type Db } from '../db/client'
import { staffStampStatement, type StaffStamp, type StampAlongside } from '../db/staff-epoch'
import {
  apiTokens,
  businessCalendars,
  internalNotes,
  itemKinds,
  itemStates,
  macros,
  notifications,
  organisations,
  queueItemEvents,
  queueItems,
  queuePriorities,
  slaPolicies,
  staffProfiles,
  teamMembers,
  teams,
  threads,
  users,
  type ItemKind,
  type ItemState,
  type Macro,
  type Plan,
  type QueueItem,
  type Role,
} from '../db/schema'
import { NotFoundError, ValidationError } from '../errors'
import { describeFigure, figureConditions, figureTally, parseFigureFilters, teamAndKindOfRating, type BoardFigure, type FigureNames, type FilterChip } from './board-filters'
import { getThreadPage, type ThreadPageData } from '../forum'
import { whoIsOnRotations } from '../rotation'
import { describeTarget } from './business-hours'
import { loadItemWithPriority, loadRequester, slaForPlan, type ItemWithPriority } from './item-core'
import { knownTeamSlugs } from '../teams'
import { publicStatusOf, TRANSITIONS, type PublicStatus } from './transitions'

const OPEN = sql`${queueItems.state} not in ('resolved', 'wont_fix')`

/** The nearest target still running: what "due" means on the board. */
const nearestDue = sql<Date | null>`least(case when ${queueItems.firstResponseAt} is null then ${queueItems.firstResponseDueAt} end, ${queueItems.nextResponseDueAt}, ${queueItems.resolutionDueAt})`

export interface BoardFilters {
  team?: string
  /** 'mine', 'unassigned', or a staff member's id. */
  assignee?: string
  /** A state, or 'open' (the default) or 'closed'. */
  state?: string
  /** 0 to 4 for P0 to P4. */
  priority?: number
  /** 'breached' or 'soon' (due within the hour). */
  risk?: string
  // The figure filters (src/queue/board-filters.ts): the items behind a scoreboard number.
  kind?: string
  /** A day or an instant (ISO 8601): from (inclusive) and to (exclusive) date the event, else the creation. */
  from?: string
  to?: string
  /** 'no': no first response yet (the unanswered backlog). */
  answered?: string
  /** 'no': leave out items closed as duplicates of another (as the scoreboard's timings do). */
  duplicates?: string
  /** An SLA policy's id, or 'none' for items no policy matched: the policy their snapshot names. */
  policy?: string
  /** What from/to date: escalated, escalation_answered, assigned, replied, closed, rated. */
  event?: string
  /** The person who did the event (or received it; 'none': a rating no engineer was credited with). */
  by?: string
  /** A rotation shift's id: the escalations its rotation took during it. */
  shift?: string
  /** 'out': out-of-hours escalations only. */
  hours?: string
  /** An SLA target and outcome, e.g. first_response_missed (the scoreboard's facts). */
  sla?: string
  /** responded, resolved or reopened (the scoreboard's facts). */
  timing?: string
  /** A top issue's id: the item and its linked duplicates. */
  issue?: string
  /** 'duplicates': the issue's linked duplicates only. */
  members?: string
  /** 'open': with an escalation not answered yet. */
  escalation?: string
  /** Where the page starts: the cursor of the previous page's last row (opaque to the viewer). */
  after?: string
}

export interface BoardRow {
  id: number
  title: string
  kind: QueueItem['kind']
  severity: QueueItem['severity']
  state: ItemState
  tier: number
  teamSlug: string
  source: QueueItem['source']
  threadId: number | null
  priorityClass: number
  priorityScore: number
  classReason: string | null
  assignee: { id: number; displayName: string } | null
  requesterName: string | null
  organisation: { name: string; plan: Plan } | null
  affectedCustomers: number
  dueAt: Date | null
  paused: boolean
  breached: boolean
  createdAt: Date
}

export interface BoardCounts {
  open: number
  byClass: number[]
  breached: number
  dueSoon: number
  unassigned: number
  mine: number
}

export interface Board {
  rows: BoardRow[]
  /** The cursor of the next page, when there is one. */
  next: string | null
  pageSize: number
  counts: BoardCounts
  teams: string[]
  staff: { id: number; displayName: string }[]
  onDuty: boolean
  /** Who is on the engineering rotation now, per team that has one (the board's header). */
  onRotation: { teamSlug: string; displayName: string | null; override: boolean; until: Date | null }[]
  filters: BoardFilters
  /** The figure filters in words, and how many items (and what else the figure counts) they select. */
  figure: BoardFigureView | null
  /** Figure filters that could not be used, by parameter: the board then lists nothing. */
  filterErrors: Record<string, string>
}

export interface BoardFigureView {
  chips: FilterChip[]
  items: number
  tally: { noun: string; count: number } | null
}

export const BOARD_PAGE_SIZE = 50

// The board's order, and the keyset that pages through it: class, unassigned first, score
// (highest first), then number. The score is compared as the real it is stored as, so a row on
// a page's edge is neither repeated nor skipped.
//
// Two ways to the same order. Open items (the default board) are read in the order of
// queue_priorities_board_idx, from the sort key the priority recompute keeps (class, a copy of
// the assignee, score): the first page is an index scan of 51 entries instead of a sort of every
// open item. Any other state filter (closed, one state, all) computes the key per row as before;
// an item without a priority row counts as P4 with score 0 there.
const boardClass = sql<number>`coalesce(${queuePriorities.priorityClass}, 4)`
const boardAssigned = sql<number>`(case when ${queueItems.assigneeId} is null then 0 else 1 end)`
const boardScore = sql<number>`coalesce(${queuePriorities.score}, 0)::real`
const storedAssigned = sql<boolean>`(${queuePriorities.assigneeId} is not null)`
/** The open board's order, term for term the index's (desc nulls last as drizzle-kit built it). */
const OPEN_BOARD_ORDER = [
  asc(queuePriorities.priorityClass),
  sql`${storedAssigned}`,
  sql`${queuePriorities.score} desc nulls last`,
  asc(queuePriorities.itemId),
]

/** Whether the filters show open items (the default): the board that reads the stored sort key. */
function showsOpenItems(filters: BoardFilters): boolean {
  return !(filters.state === 'all' || filters.state === 'closed' || (filters.state && (itemStates as readonly string[]).includes(filters.state)))
}

interface BoardCursor {
  c: number
  a: number
  s: number
  i: number
}

function encodeCursor(cursor: BoardCursor): string {
  return Buffer.from(JSON.stringify([cursor.c, cursor.a, cursor.s, cursor.i])).toString('base64url')
}

/** A cursor from a link; anything else (edited, stale, hostile) means the first page. */
function decodeCursor(text: string | undefined): BoardCursor | null {
  if (!text || text.length > 200) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (!Array.isArray(value) || value.length !== 4 || !value.every((part) => typeof part === 'number' && Number.isFinite(part))) return null
    const [c, a, s, i] = value as number[]
    return { c: c!, a: a!, s: s!, i: i! }
  } catch {
    return null
  }
}

function filterSql(ctx: Ctx, filters: BoardFilters, figure: BoardFigure | null, now: Date): SQL | undefined {
  const conditions: (SQL | undefined)[] = figure ? figureConditions(figure, filters.team) : []
  if (filters.state === 'all') {
    // Every state: the items behind a figure, open or closed.
  } else if (filters.state === 'closed') conditions.push(sql`${queueItems.state} in ('resolved', 'wont_fix')`)
  else if (filters.state && (itemStates as readonly string[]).includes(filters.state)) conditions.push(eq(queueItems.state, filters.state as ItemState))
  else conditions.push(OPEN)
  // A rating's team is the one it was given for (the CSAT figure's), in the figure's condition.
  if (filters.team && !teamAndKindOfRating(figure)) conditions.push(eq(queueItems.teamSlug, filters.team))
  if (filters.assignee === 'mine') conditions.push(eq(queueItems.assigneeId, ctx.actor!.id))
  else if (filters.assignee === 'unassigned') conditions.push(isNull(queueItems.assigneeId))
  else if (filters.assignee && /^\d{1,10}$/.test(filters.assignee)) conditions.push(eq(queueItems.assigneeId, Number(filters.assignee)))
  const openBoard = showsOpenItems(filters)
  if (openBoard) conditions.push(sql`${queuePriorities.open}`)
  if (filters.priority !== undefined)
    conditions.push(
      openBoard
        ? eq(queuePriorities.priorityClass, filters.priority)
        : sql`coalesce((select p.priority_class from queue_priorities p where p.item_id = ${queueItems.id}), 4) = ${filters.priority}`,
    )
  if (filters.risk === 'breached') conditions.push(sql`(cardinality(${queueItems.breached}) > 0 or ${nearestDue} <= ${now.toISOString()}::timestamptz)`)
  if (filters.risk === 'soon')
    conditions.push(sql`${nearestDue} between ${now.toISOString()}::timestamptz and ${new Date(now.getTime() + 3_600_000).toISOString()}::timestamptz`)
  const after = decodeCursor(filters.after)
  if (after)
    conditions.push(
      openBoard
        ? sql`(${queuePriorities.priorityClass}, ${storedAssigned}::int, -${queuePriorities.score}, ${queuePriorities.itemId}) > (${after.c}::int, ${after.a}::int, -(${String(after.s)}::real), ${after.i}::int)`
        : sql`(${boardClass}, ${boardAssigned}, -${boardScore}, ${queueItems.id}) > (${after.c}::int, ${after.a}::int, -(${String(after.s)}::real), ${after.i}::int)`,
    )
  return and(...conditions)
}

/**
 * One page of the board's rows in its order, and the cursor of the next. The page's ids come
 * first from a subquery over the narrow sort key (item, priority), and only those 51 rows are
 * then joined to their people and organisation: sorted whole, every open item's wide row (SLA
 * snapshot, signals) was joined and carried through the sort, about 1 s at 100k open items.
 */
async function boardRows(ctx: Ctx, filters: BoardFilters, figure: BoardFigure | null, now: Date): Promise<{ rows: BoardRow[]; next: string | null }> {
  const assignee = alias(users, 'assignee')
  const requester = alias(users, 'requester')
  const openBoard = showsOpenItems(filters)
  const order = openBoard ? OPEN_BOARD_ORDER : [boardClass, boardAssigned, sql`${boardScore} desc`, asc(queueItems.id)]
  const ids = ctx.db.select({ id: sql<number>`${queueItems.id}`.as('page_id') })
  const page = (
    openBoard
      ? ids.from(queuePriorities).innerJoin(queueItems, eq(queueItems.id, queuePriorities.itemId))
      : ids.from(queueItems).leftJoin(queuePriorities, eq(queuePriorities.itemId, queueItems.id))
  )
    .where(filterSql(ctx, filters, figure, now))
    .orderBy(...order)
    .limit(BOARD_PAGE_SIZE + 1)
    .as('page')
  const rows = await ctx.db
    .select({
      item: queueItems,
      priority: queuePriorities,
      assigneeName: assignee.displayName,
      requesterName: requester.displayName,
      organisationName: organisations.name,
      organisationPlan: organisations.plan,
      dueAt: nearestDue.mapWith(queueItems.resolutionDueAt),
      sortScore: boardScore.mapWith(Number),
    })
    .from(page)
    .innerJoin(queueItems, eq(queueItems.id, page.id))
    .leftJoin(queuePriorities, eq(queuePriorities.itemId, queueItems.id))
    .leftJoin(assignee, eq(assignee.id, queueItems.assigneeId))
    .leftJoin(requester, eq(requester.id, queueItems.requesterId))
    .leftJoin(organisations, eq(organisations.id, queueItems.organisationId))
    .orderBy(...order)
  const shown = rows.slice(0, BOARD_PAGE_SIZE)
  const last = shown.at(-1)
  return {
    next:
      rows.length > BOARD_PAGE_SIZE && last
        ? encodeCursor({
            c: last.priority?.priorityClass ?? 4,
            a: (openBoard ? last.priority?.assigneeId : last.item.assigneeId) == null ? 0 : 1,
            s: last.sortScore,
            i: last.item.id,
          })
        : null,
    rows: shown.map(({ item, priority, assigneeName, requesterName, organisationName, organisationPlan, dueAt }) => ({
      id: item.id,
      title: item.title,
      kind: item.kind,
      severity: item.severity,
      state: item.state,
      tier: item.tier,
      teamSlug: item.teamSlug,
      source: item.source,
      threadId: item.threadId,
      priorityClass: priority?.priorityClass ?? 4,
      priorityScore: priority?.score ?? 0,
      classReason: priority?.reason ?? null,
      assignee: item.assigneeId && assigneeName ? { id: item.assigneeId, displayName: assigneeName } : null,
      requesterName,
      organisation: organisationName && organisationPlan ? { name: organisationName, plan: organisationPlan } : null,
      affectedCustomers: item.affectedCustomers,
      dueAt,
      paused: item.state === 'waiting_on_customer',
      breached: item.breached.length > 0 || (!!dueAt && dueAt <= now && item.state !== 'waiting_on_customer'),
      createdAt: item.createdAt,
    })),
  }
}

/** The board's rows alone, without the page's counts, teams and people (the API's item list). */
export async function getBoardRows(ctx: Ctx, filters: BoardFilters): Promise<{ rows: BoardRow[]; next: string | null }> {
  requireStaff(ctx, 'see the support queue')
  const { figure, errors } = parseFigureFilters(filters)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'These filters could not be used.')
  return boardRows(ctx, filters, figure, ctx.now())
}

/**
 * How many items the figure filters select (every page, not just this one), what else the
 * figure counts among them, and the filters in words. Only for a board with figure filters: the
 * default board never runs it.
 */
async function figureView(ctx: Ctx, filters: BoardFilters, figure: BoardFigure, now: Date, staff: { id: number; displayName: string }[]): Promise<BoardFigureView> {
  const matching = ctx.db
    .select({ id: queueItems.id })
    .from(queueItems)
    .leftJoin(queuePriorities, eq(queuePriorities.itemId, queueItems.id))
    .where(filterSql(ctx, { ...filters, after: undefined }, figure, now))
  const tally = figureTally(figure, filters.team)
  const [[counted], [policy], [shift], [issue]] = await Promise.all([
    queryRows<{ items: number; tally: number | null }>(
      ctx.db,
      sql`with matching as (${matching}) select (select count(*) from matching)::int as items, ${tally ? sql`${tally.sql}::int` : sql`null::int`} as tally`,
    ),
    typeof figure.policy === 'number' ? ctx.db.select({ name: slaPolicies.name }).from(slaPolicies).where(eq(slaPolicies.id, figure.policy)) : Promise.resolve([]),
    figure.shift !== undefined
      ? queryRows<{ team_slug: string; engineer: string | null; starts_at: string; ends_at: string }>(
          ctx.db,
          sql`select r.team_slug, u.display_name as engineer, s.starts_at::text, s.ends_at::text
            from rotation_shifts s join rotations r on r.id = s.rotation_id left join users u on u.id = s.user_id where s.id = ${figure.shift}`,
        )
      : Promise.resolve([]),
    figure.issue !== undefined ? ctx.db.select({ title: queueItems.title }).from(queueItems).where(eq(queueItems.id, figure.issue)) : Promise.resolve([]),
  ])
  const names: FigureNames = {
    people: new Map(staff.map((person) => [person.id, person.displayName])),
    policyName: policy?.name ?? null,
    shift: shift ? { teamSlug: shift.team_slug, engineer: shift.engineer, startsAt: new Date(shift.starts_at), endsAt: new Date(shift.ends_at) } : null,
    issueTitle: issue?.title ?? null,
  }
  return {
    chips: describeFigure(figure, filters.team, names),
    items: counted?.items ?? 0,
    tally: tally ? { noun: tally.noun, count: counted?.tally ?? 0 } : null,
  }
}

interface CountsRow {
  open: number
  p0: number
  p1: number
  p2: number
  p3: number
  p4: number
  breached: number
  due_soon: number
  unassigned: number
  mine: number
}

/**
 * The counts of the board's chips over open items (of one team when filtered). Class, unassigned
 * and mine come from the stored sort key alone (an index-only scan of queue_priorities_board_idx,
 * which carries the assignee); breached and due-soon depend on the time, so they are counted per
 * request through the indexes on the nearest due time and on missed targets (migration 0025).
 */
async function boardCounts(ctx: Ctx, actorId: number, team: string | undefined, at: string): Promise<CountsRow | undefined> {
  const teamOnly = team ? sql`and team_slug = ${team}` : sql``
  const [row] = await queryRows<CountsRow>(
    ctx.db,
    sql`
      select count(*)::int as open,
        count(*) filter (where p.priority_class = 0)::int as p0, count(*) filter (where p.priority_class = 1)::int as p1,
        count(*) filter (where p.priority_class = 2)::int as p2, count(*) filter (where p.priority_class = 3)::int as p3,
        count(*) filter (where p.priority_class = 4)::int as p4,
        count(*) filter (where p.assignee_id is null)::int as unassigned,
        count(*) filter (where p.assignee_id = ${actorId})::int as mine,
        -- Breached: overdue now, plus those that missed a target and are not overdue now; two
        -- index-only scans (migration 0029) instead of reading every open item's row.
        ((select count(*) from queue_items where state not in ('resolved', 'wont_fix') ${teamOnly} and ${nearestDue} <= ${at}::timestamptz)
          + (select count(*) from queue_items where state not in ('resolved', 'wont_fix') ${teamOnly}
              and cardinality(breached) > 0 and (${nearestDue} > ${at}::timestamptz or ${nearestDue} is null)))::int as breached,
        (select count(*) from queue_items where state not in ('resolved', 'wont_fix') ${teamOnly}
          and ${nearestDue} > ${at}::timestamptz and ${nearestDue} <= ${at}::timestamptz + interval '1 hour')::int as due_soon
      from queue_priorities p
      ${team ? sql`join queue_items i on i.id = p.item_id and i.team_slug = ${team}` : sql``}
      where p.open`,
  )
  return row
}

/** The support board: open items by class then score, with the counts of its filter chips. */
export async function getBoard(ctx: Ctx, filters: BoardFilters): Promise<Board> {
  const actor = requireStaff(ctx, 'see the support queue')
  const now = ctx.now()
  const at = now.toISOString()
  const { figure, errors: filterErrors } = parseFigureFilters(filters)
  const refused = Object.keys(filterErrors).length > 0
  const [{ rows, next }, counts, teamSlugs, staff, [profile], onRotation] = await Promise.all([
    // Filters that cannot be used list nothing rather than something other than what was asked.
    refused ? Promise.resolve({ rows: [], next: null }) : boardRows(ctx, filters, figure, now),
    boardCounts(ctx, actor.id, filters.team, at),
    knownTeamSlugs(ctx.db),
    ctx.db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inArray(users.role, ['support', 'engineer', 'admin']))
      .orderBy(asc(users.displayName)),
    ctx.db.select({ onDuty: staffProfiles.onDuty }).from(staffProfiles).where(eq(staffProfiles.userId, actor.id)),
    whoIsOnRotations(ctx.db, now),
  ])
  return {
    pageSize: BOARD_PAGE_SIZE,
    next,
    rows,
    counts: {
      open: counts?.open ?? 0,
      byClass: [counts?.p0 ?? 0, counts?.p1 ?? 0, counts?.p2 ?? 0, counts?.p3 ?? 0, counts?.p4 ?? 0],
      breached: counts?.breached ?? 0,
      dueSoon: counts?.due_soon ?? 0,
      unassigned: counts?.unassigned ?? 0,
      mine: counts?.mine ?? 0,
    },
    teams: teamSlugs,
    staff,
    onDuty: profile?.onDuty ?? false,
    onRotation: [...onRotation]
      .filter(([teamSlug]) => !filters.team || filters.team === teamSlug)
      .map(([teamSlug, on]) => ({ teamSlug, displayName: on.displayName, override: on.override, until: on.until })),
    filters,
    figure: figure ? await figureView(ctx, filters, figure, now, staff) : null,
    filterErrors,
  }
}

export interface TimelineEntry {
  kind: string
  actorName: string | null
  data: Record<string, unknown>
  createdAt: Date
}

export interface NoteView {
  id: number
  authorName: string
  html: string
  createdAt: Date
  onThread: boolean
}

export interface CustomerContext {
  id: number
  displayName: string
  email: string
  role: Role
  organisation: { id: number; name: string; plan: Plan; mrrCents: number; isPriority: boolean; isTrial: boolean } | null
  otherThreads: { id: number; slug: string; title: string; createdAt: Date; solved: boolean }[]
  otherItems: { id: number; title: string; state: ItemState; createdAt: Date }[]
}

export interface ItemPage {
  item: ItemWithPriority
  assignee: { id: number; displayName: string } | null
  thread: ThreadPageData | null
  notes: NoteView[]
  timeline: TimelineEntry[]
  customer: CustomerContext | null
  organisationOnly: { id: number; name: string; plan: Plan; mrrCents: number; isPriority: boolean; isTrial: boolean } | null
  macros: Macro[]
  staff: { id: number; displayName: string }[]
  teams: string[]
  nextStates: ItemState[]
}

/**
 * The key of an item page as kept (src/web/staff-pages.ts), in one statement read before the page:
 * the staff page epoch (every queue, escalation, CSAT, people and organisation table) and the
 * revisions of the forum threads the page shows, which move without the epoch: the item's own
 * thread with its replies, the customer's ten latest threads ("Their threads") and the threads
 * its loop replies went to. Any reply, edit, vote or hiding on those bumps their revision.
 */
const itemPageStamp = staffStampStatement(
  'staff_item_page_stamp',
  sql<string>`concat_ws(':',
    coalesce((select t.revision from queue_items i join threads t on t.id = i.thread_id where i.id = ${sql.placeholder('itemId')})::text, '-'),
    coalesce((select string_agg(c.id || '.' || c.revision, ',') from (
      select t.id, t.revision from threads t where t.author_id = (select requester_id from queue_items where id = ${sql.placeholder('itemId')})
      order by t.created_at desc limit 10) c), '-'),
    coalesce((select string_agg(l.thread_id || '.' || t.revision, ',') from loop_replies l join threads t on t.id = l.thread_id
      where l.item_id = ${sql.placeholder('itemId')}), '-'))`,
)

export function readItemPageStamp(db: Db, itemId: number, alongside?: StampAlongside): Promise<StaffStamp> {
  return itemPageStamp(db, { itemId }, alongside)
}

/** Everything the item page shows, for staff only. */
export async function getItemPage(ctx: Ctx, itemId: number): Promise<ItemPage> {
  requireStaff(ctx, 'see queue items')
  const item = await loadItemWithPriority(ctx.db, itemId)
  if (!item) throw new NotFoundError('That queue item')
  const author = alias(users, 'note_author')
  const actor = alias(users, 'event_actor')
  const [thread, notes, timeline, customer, organisationOnly, macroRows, staff, teamSlugs, [assignee]] = await Promise.all([
    item.threadId ? getThreadPage(ctx, item.threadId).catch(() => null) : Promise.resolve(null),
    ctx.db
      .select({ id: internalNotes.id, authorName: author.displayName, html: internalNotes.bodyHtml, createdAt: internalNotes.createdAt, itemId: internalNotes.itemId })
      .from(internalNotes)
      .innerJoin(author, eq(author.id, internalNotes.authorId))
      .where(or(eq(internalNotes.itemId, item.id), item.threadId ? eq(internalNotes.threadId, item.threadId) : sql`false`))
      .orderBy(asc(internalNotes.createdAt), asc(internalNotes.id)),
    ctx.db
      .select({ kind: queueItemEvents.kind, actorName: actor.displayName, data: queueItemEvents.data, createdAt: queueItemEvents.createdAt })
      .from(queueItemEvents)
      .leftJoin(actor, eq(actor.id, queueItemEvents.actorId))
      .where(eq(queueItemEvents.itemId, item.id))
      .orderBy(asc(queueItemEvents.createdAt), asc(queueItemEvents.id)),
    item.requesterId ? customerContext(ctx, item.requesterId, item.id) : Promise.resolve(null),
    !item.requesterId && item.organisationId
      ? ctx.db.select().from(organisations).where(eq(organisations.id, item.organisationId)).then((rows) => rows[0] ?? null)
      : Promise.resolve(null),
    ctx.db
      .select()
      .from(macros)
      .where(or(isNull(macros.teamSlug), eq(macros.teamSlug, item.teamSlug)))
      .orderBy(asc(macros.title)),
    ctx.db.select({ id: users.id, displayName: users.displayName }).from(users).where(ne(users.role, 'member')).orderBy(asc(users.displayName)),
    knownTeamSlugs(ctx.db),
    item.assigneeId ? ctx.db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, item.assigneeId)) : Promise.resolve([]),
  ])
  return {
    item,
    assignee: assignee ?? null,
    thread,
    notes: notes.map((note) => ({ ...note, onThread: note.itemId === null })),
    timeline,
    customer,
    organisationOnly,
    macros: macroRows,
    staff,
    teams: teamSlugs,
    nextStates: [...TRANSITIONS[item.state]],
  }
}

async function customerContext(ctx: Ctx, userId: number, exceptItemId: number): Promise<CustomerContext | null> {
  const [person] = await ctx.db
    .select({ user: users, organisation: organisations })
    .from(users)
    .leftJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
  if (!person) return null
  const [otherThreads, otherItems] = await Promise.all([
    ctx.db
      .select({ id: threads.id, slug: threads.slug, title: threads.title, createdAt: threads.createdAt, accepted: threads.acceptedReplyId })
      .from(threads)
      .where(eq(threads.authorId, userId))
      .orderBy(desc(threads.createdAt))
      .limit(10),
    ctx.db
      .select({ id: queueItems.id, title: queueItems.title, state: queueItems.state, createdAt: queueItems.createdAt })
      .from(queueItems)
      .where(and(eq(queueItems.requesterId, userId), ne(queueItems.id, exceptItemId)))
      .orderBy(desc(queueItems.createdAt))
      .limit(10),
  ])
  const { user, organisation } = person
  return {
    id: user.id,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    organisation: organisation
      ? { id: organisation.id, name: organisation.name, plan: organisation.plan, mrrCents: organisation.mrrCents, isPriority: organisation.isPriority, isTrial: organisation.isTrial }
      : null,
    otherThreads: otherThreads.map(({ accepted, ...thread }) => ({ ...thread, solved: accepted !== null })),
    otherItems,
  }
}

export interface SupportStatus {
  /** The public status of the thread's item, shown to everyone; null when it has none. */
  status: PublicStatus | null
  /** Staff only: the item's number, for a link to it. */
  itemId: number | null
}

/** What a thread page shows about its queue item. Public: the status words only. */
export async function getSupportStatus(ctx: Ctx, threadId: number): Promise<SupportStatus> {
  const [item] = await ctx.db
    .select({ id: queueItems.id, state: queueItems.state })
    .from(queueItems)
    .where(eq(queueItems.threadId, threadId))
    .orderBy(sql`${queueItems.state} in ('resolved', 'wont_fix')`, desc(queueItems.createdAt))
    .limit(1)
  return supportStatusOf(ctx, item ?? null)
}

/**
 * The thread's item (the open one first, else the newest) as one JSON value, as a column for a
 * statement over `threads` (the forum's thread header) to read in its own round trip; each
 * statement costs the page a socket write and read. Read it with supportStatusOf, which decides
 * what the viewer may see, exactly as getSupportStatus does.
 */
export const threadSupportItemColumn = sql<unknown>`(select json_build_object('id', q.id, 'state', q.state) from queue_items q
  where q.thread_id = threads.id order by q.state in ('resolved', 'wont_fix'), q.created_at desc limit 1)`

/** The support status from threadSupportItemColumn's value (or getSupportStatus's row), for this viewer. */
export function supportStatusOf(ctx: Ctx, value: unknown): SupportStatus {
  const item = (typeof value === 'string' ? JSON.parse(value) : value) as { id: number; state: QueueItem['state'] } | null
  if (!item) return { status: null, itemId: null }
  return { status: publicStatusOf(item.state), itemId: isStaff(ctx.actor) ? item.id : null }
}

/** "We usually answer within 4 business hours": the first-response target of the viewer's plan. */
export async function getResponseExpectation(ctx: Ctx): Promise<string | null> {
  if (!ctx.actor || ctx.actor.role !== 'member') return null
  const requester = await loadRequester(ctx.db, ctx.actor.id)
  if (!requester) return null
  const sla = await slaForPlan(ctx.db, requester.plan)
  if (sla.policyId === null) return null
  return `We usually answer within ${describeTarget(sla.firstResponseMinutes, sla.calendar)}.`
}

export async function listMacros(ctx: Ctx): Promise<Macro[]> {
  requireStaff(ctx, 'see canned replies')
  return ctx.db.select().from(macros).orderBy(asc(macros.title))
}

export async function getMacro(ctx: Ctx, macroId: number): Promise<Macro> {
  requireStaff(ctx, 'see canned replies')
  const [macro] = await ctx.db.select().from(macros).where(eq(macros.id, macroId))
  if (!macro) throw new NotFoundError('That canned reply')
  return macro
}

export async function getSlaSettings(ctx: Ctx) {
  requireStaff(ctx, 'see SLA policies')
  const [policies, calendars] = await Promise.all([
    ctx.db.select().from(slaPolicies).orderBy(asc(slaPolicies.position), asc(slaPolicies.id)),
    ctx.db.select().from(businessCalendars).orderBy(asc(businessCalendars.name)),
  ])
  return { policies, calendars }
}

export async function getTeamsSettings(ctx: Ctx) {
  requireStaff(ctx, 'see teams')
  const [teamRows, members, staff, slugs] = await Promise.all([
    ctx.db.select().from(teams).orderBy(asc(teams.slug)),
    ctx.db.select({ teamSlug: teamMembers.teamSlug, userId: teamMembers.userId }).from(teamMembers),
    ctx.db
      .select({ id: users.id, displayName: users.displayName, role: users.role, onDuty: staffProfiles.onDuty, itemCap: staffProfiles.itemCap })
      .from(users)
      .leftJoin(staffProfiles, eq(staffProfiles.userId, users.id))
      .where(ne(users.role, 'member'))
      .orderBy(asc(users.displayName)),
    knownTeamSlugs(ctx.db),
  ])
  return { teams: teamRows, members, staff: staff.map((person) => ({ ...person, onDuty: person.onDuty ?? false })), slugs }
}

/** The viewer's own API tokens, newest first; an admin on the queue's page (`everyone`) sees all of them. */
export async function listApiTokens(ctx: Ctx, options: { everyone?: boolean } = {}) {
  const actor = requireSignedIn(ctx, 'see API tokens')
  const owner = alias(users, 'token_owner')
  return ctx.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      ownerName: owner.displayName,
    })
    .from(apiTokens)
    .innerJoin(owner, eq(owner.id, apiTokens.createdById))
    .where(options.everyone && actor.role === 'admin' ? undefined : eq(apiTokens.createdById, actor.id))
    .orderBy(desc(apiTokens.createdAt))
}

/** The tokens page: the tokens listed, and the scopes the viewer's role may put on a new one. */
export async function getApiTokensPage(ctx: Ctx, options: { everyone?: boolean } = {}) {
  const actor = requireSignedIn(ctx, 'see API tokens')
  if (options.everyone) requireStaff(ctx, 'see the queue’s API tokens')
  return { tokens: await listApiTokens(ctx, options), scopes: apiScopesFor(actor.role) }
}

/** What the "file an item" form offers: teams and organisations. */
export async function getFilingChoices(ctx: Ctx): Promise<{ teams: string[]; organisations: { id: number; name: string }[] }> {
  requireStaff(ctx, 'file queue items')
  const [teamSlugs, organisationRows] = await Promise.all([
    knownTeamSlugs(ctx.db),
    ctx.db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name)),
  ])
  return { teams: teamSlugs, organisations: organisationRows }
}

/** Staff-only notes on a thread and on its items, for the thread page's staff section. */
export async function getThreadNotes(ctx: Ctx, threadId: number): Promise<NoteView[]> {
  requireStaff(ctx, 'read internal notes')
  const author = alias(users, 'note_author')
  const rows = await ctx.db
    .select({ id: internalNotes.id, authorName: author.displayName, html: internalNotes.bodyHtml, createdAt: internalNotes.createdAt, itemId: internalNotes.itemId })
    .from(internalNotes)
    .innerJoin(author, eq(author.id, internalNotes.authorId))
    .where(eq(internalNotes.threadId, threadId))
    .orderBy(asc(internalNotes.createdAt), asc(internalNotes.id))
  return rows.map((row) => ({ ...row, onThread: row.itemId === null }))
}
