import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm'
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { isAdmin, requireStaff } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows, type Db } from '../db/client'
import { staffStampStatement, type StaffStamp, type StampAlongside } from '../db/staff-epoch'
import { escalations, handoffs, loopReplies, queueItems, rotations, syncMarks, teams, threads, users, type Escalation, type Handoff, type ItemState, type LoopReply, type Severity } from '../db/schema'
import { NotFoundError } from '../errors'
import { readMailToken } from '../mail-preferences'
import { firstTeamOf, knownTeamSlugs } from '../teams'
import { escalationTarget, responseHoursFor } from './escalation-core'
import type { HandoffSummary } from './handoff-summary'
import { summarisePeriod } from './handoff-summary'
import { whoIsOnRotation, whoIsOnRotations, type OnRotation } from '../rotation'

// Read models for the escalation path: the item page's escalation region, the engineer's
// inbox, handoffs, the daily sync and the fairness view. Staff only, checked here.

const DAY_MS = 24 * 60 * 60 * 1000

export interface EscalationView extends Escalation {
  engineerName: string | null
  backupName: string | null
  escalatedByName: string
  answeredByName: string | null
}

export interface LoopReplyView extends LoopReply {
  threadTitle: string
  threadSlug: string
}

/** The item page's escalation region: who it would go to now, its escalations, the replies to send. */
export interface ItemEngineering {
  target: { engineerName: string; via: 'rotation' | 'override' | 'lead'; until: Date | null; responseHours: number } | null
  escalations: EscalationView[]
  drafts: LoopReplyView[]
  sent: LoopReplyView[]
}

const engineer = alias(users, 'engineer')
const backup = alias(users, 'backup')
const escalatedBy = alias(users, 'escalated_by')
const answeredBy = alias(users, 'answered_by')

export function escalationViews(ctx: Ctx) {
  return ctx.db
    .select({
      escalation: escalations,
      engineerName: engineer.displayName,
      backupName: backup.displayName,
      escalatedByName: escalatedBy.displayName,
      answeredByName: answeredBy.displayName,
    })
    .from(escalations)
    .leftJoin(engineer, eq(engineer.id, escalations.engineerId))
    .leftJoin(backup, eq(backup.id, escalations.backupId))
    .innerJoin(escalatedBy, eq(escalatedBy.id, escalations.escalatedById))
    .leftJoin(answeredBy, eq(answeredBy.id, escalations.answeredById))
}

export const toView = (row: { escalation: Escalation; engineerName: string | null; backupName: string | null; escalatedByName: string; answeredByName: string | null }): EscalationView => ({
  ...row.escalation,
  engineerName: row.engineerName,
  backupName: row.backupName,
  escalatedByName: row.escalatedByName,
  answeredByName: row.answeredByName,
})

export async function getItemEngineering(ctx: Ctx, item: { id: number; teamSlug: string; severity: Severity }): Promise<ItemEngineering> {
  requireStaff(ctx, 'see escalations')
  const [target, rows, loops] = await Promise.all([
    escalationTarget(ctx.db, item.teamSlug, ctx.now()),
    escalationViews(ctx).where(eq(escalations.itemId, item.id)).orderBy(asc(escalations.createdAt), asc(escalations.id)),
    ctx.db
      .select({ loop: loopReplies, threadTitle: threads.title, threadSlug: threads.slug })
      .from(loopReplies)
      .innerJoin(threads, eq(threads.id, loopReplies.threadId))
      .where(eq(loopReplies.itemId, item.id))
      .orderBy(asc(loopReplies.id)),
  ])
  const views = loops.map(({ loop, threadTitle, threadSlug }) => ({ ...loop, threadTitle, threadSlug }))
  return {
    target: target ? { engineerName: target.engineerName, via: target.via, until: target.until, responseHours: responseHoursFor(target.rotation, item.severity) } : null,
    escalations: rows.map(toView),
    drafts: views.filter((loop) => !loop.sentAt),
    sent: views.filter((loop) => loop.sentAt),
  }
}

export interface InboxEscalation extends EscalationView {
  item: { id: number; title: string; state: ItemState; severity: Severity; teamSlug: string; affectedCustomers: number; description: string; threadId: number | null }
  customer: { displayName: string; email: string; organisation: string | null; plan: string | null; mrrCents: number | null } | null
  thread: { id: number; slug: string; title: string; bodyHtml: string; authorName: string; createdAt: Date } | null
  replies: { id: number; authorName: string; authorRole: string; bodyHtml: string; createdAt: Date }[]
  notes: { authorName: string; bodyHtml: string; createdAt: Date }[]
  earlier: EscalationView[]
}

export interface EscalationInbox {
  /** This page's open escalations, oldest first. */
  escalations: InboxEscalation[]
  /** How many are waiting in all (every page). */
  waiting: number
  /** Where this page starts (an escalation id), when it is not the first. */
  from: number | null
  /** The escalation the next page starts at, when there is one. */
  next: number | null
  /** The latest published handoff of each team I am on rotation for (or have escalations from). */
  handoffs: (Handoff & { teamSlug: string; rotationName: string; engineerName: string | null })[]
  onRotation: (OnRotation & { teamSlug: string })[]
  recentlyAnswered: (EscalationView & { itemTitle: string })[]
}

/**
 * `/escalations/mine`: the open escalations that are mine (sent to me, or I was called in, or
 * I am on that team's rotation now), oldest first, each with everything needed to answer it
 * without switching tools: the reproduction, the customer, the thread and the notes.
 */
/** Open escalations per page of the inbox: each carries its whole thread, notes and reproduction (60 were 390 KiB). */
export const INBOX_PAGE_SIZE = 20

/**
 * The key of the escalation inbox as kept (src/web/staff-pages.ts), in one statement read before
 * the page: the staff page epoch and the revisions of the threads of every waiting escalation
 * (the inbox shows their question and replies; a reply there moves the thread's revision, not the
 * epoch). Which threads those are is itself in epoch tables (escalations, queue items).
 */
const inboxStamp = staffStampStatement(
  'staff_inbox_stamp',
  sql<string>`(select count(*) || '.' || coalesce(sum(t.revision), 0)
    from escalations e join queue_items i on i.id = e.item_id join threads t on t.id = i.thread_id where e.answered_at is null)`,
)

export function readInboxStamp(db: Db, alongside?: StampAlongside): Promise<StaffStamp> {
  return inboxStamp(db, {}, alongside)
}

/**
 * `page`: the page starting at escalation `from` (the first page without it) of `size`; without
 * `page`, every open escalation (what the replay's simulated engineers work through).
 */
export async function getMyEscalations(ctx: Ctx, page?: { from?: number | null; size: number }): Promise<EscalationInbox> {
  const actor = requireStaff(ctx, 'see escalations')
  const now = ctx.now()
  // Who is on every rotation, in one statement (once per rotation, 30 rotations took 31 round trips).
  const onRotation = [...(await whoIsOnRotations(ctx.db, now))]
    .filter(([, on]) => on.userId === actor.id)
    .map(([teamSlug, on]) => ({ ...on, teamSlug }))
  const myTeams = onRotation.map((entry) => entry.teamSlug)
  const mine = or(
    eq(escalations.engineerId, actor.id),
    eq(escalations.backupId, actor.id),
    myTeams.length ? inArray(escalations.itemId, ctx.db.select({ id: queueItems.id }).from(queueItems).where(inArray(queueItems.teamSlug, myTeams))) : undefined,
  )
  const waitingMine = and(isNull(escalations.answeredAt), mine)
  // Oldest first; a page starts at an escalation (keyset on created_at, id), so answering one on
  // page 1 does not shift page 2. A `from` that is not one of mine (answered meanwhile, edited) is ignored.
  const from = page?.from ? sql`(${escalations.createdAt}, ${escalations.id}) >= (select e.created_at, e.id from escalations e where e.id = ${page.from})` : undefined
  const [rows, [counted]] = await Promise.all([
    escalationViews(ctx)
      .where(and(waitingMine, from ? sql`(${from} is not false)` : undefined))
      .orderBy(asc(escalations.createdAt), asc(escalations.id))
      .limit(page ? page.size + 1 : Number.MAX_SAFE_INTEGER),
    page ? ctx.db.select({ n: sql<number>`count(*)::int` }).from(escalations).where(waitingMine) : Promise.resolve([null]),
  ])
  const shown = page ? rows.slice(0, page.size) : rows
  const next = page && rows.length > page.size ? rows[page.size]!.escalation.id : null
  const open = shown.map(toView)
  const itemIds = open.map((escalation) => escalation.itemId)
  const [items, earlier, recentlyAnswered] = await Promise.all([
    itemIds.length
      ? queryRows<{
          id: number
          title: string
          state: ItemState
          severity: Severity
          team_slug: string
          affected_customers: number
          description: string
          thread_id: number | null
          customer_name: string | null
          customer_email: string | null
          organisation: string | null
          plan: string | null
          mrr_cents: number | null
        }>(
          ctx.db,
          sql`select i.id, i.title, i.state, i.severity, i.team_slug, i.affected_customers, i.description, i.thread_id,
                u.display_name as customer_name, u.email as customer_email, o.name as organisation, o.plan, o.mrr_cents
              from queue_items i left join users u on u.id = i.requester_id
              left join organisations o on o.id = coalesce(i.organisation_id, u.organisation_id)
              where i.id in (${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)})`,
        )
      : [],
    itemIds.length ? escalationViews(ctx).where(and(inArray(escalations.itemId, itemIds), isNotNull(escalations.answeredAt))).orderBy(asc(escalations.createdAt)) : [],
    escalationViews(ctx)
      .where(and(eq(escalations.answeredById, actor.id), isNotNull(escalations.answeredAt)))
      .orderBy(desc(escalations.answeredAt))
      .limit(10),
  ])
  const threadIds = items.map((item) => item.thread_id).filter((id): id is number => id !== null)
  const [threadRows, replyRows, noteRows, titles] = await Promise.all([
    threadIds.length
      ? queryRows<{ id: number; slug: string; title: string; body_html: string; author_name: string; created_at: string }>(
          ctx.db,
          sql`select t.id, t.slug, t.title, t.body_html, u.display_name as author_name, t.created_at::text from threads t join users u on u.id = t.author_id
              where t.id in (${sql.join(threadIds.map((id) => sql`${id}`), sql`, `)})`,
        )
      : [],
    threadIds.length
      ? queryRows<{ id: number; thread_id: number; author_name: string; author_role: string; body_html: string; created_at: string }>(
          ctx.db,
          sql`select r.id, r.thread_id, u.display_name as author_name, u.role as author_role, r.body_html, r.created_at::text from replies r join users u on u.id = r.author_id
              where r.thread_id in (${sql.join(threadIds.map((id) => sql`${id}`), sql`, `)}) and r.hidden_at is null order by r.created_at, r.id`,
        )
      : [],
    itemIds.length
      ? queryRows<{ item_id: number | null; thread_id: number | null; author_name: string; body_html: string; created_at: string }>(
          ctx.db,
          sql`select n.item_id, n.thread_id, u.display_name as author_name, n.body_html, n.created_at::text from internal_notes n join users u on u.id = n.author_id
              where n.item_id in (${sql.join(itemIds.map((id) => sql`${id}`), sql`, `)})
                ${threadIds.length ? sql`or n.thread_id in (${sql.join(threadIds.map((id) => sql`${id}`), sql`, `)})` : sql``}
              order by n.created_at, n.id`,
        )
      : [],
    recentlyAnswered.length
      ? ctx.db
          .select({ id: queueItems.id, title: queueItems.title })
          .from(queueItems)
          .where(inArray(queueItems.id, recentlyAnswered.map((row) => row.escalation.itemId)))
      : [],
  ])
  const itemById = new Map(items.map((item) => [item.id, item]))
  const threadById = new Map(threadRows.map((thread) => [thread.id, thread]))
  const escalationsOut = open.map((escalation): InboxEscalation => {
    const item = itemById.get(escalation.itemId)!
    const thread = item.thread_id ? threadById.get(item.thread_id) : undefined
    return {
      ...escalation,
      item: {
        id: item.id,
        title: item.title,
        state: item.state,
        severity: item.severity,
        teamSlug: item.team_slug,
        affectedCustomers: item.affected_customers,
        description: item.description,
        threadId: item.thread_id,
      },
      customer: item.customer_name
        ? { displayName: item.customer_name, email: item.customer_email ?? '', organisation: item.organisation, plan: item.plan, mrrCents: item.mrr_cents }
        : null,
      thread: thread
        ? { id: thread.id, slug: thread.slug, title: thread.title, bodyHtml: thread.body_html, authorName: thread.author_name, createdAt: new Date(thread.created_at) }
        : null,
      replies: replyRows
        .filter((reply) => reply.thread_id === item.thread_id)
        .map((reply) => ({ id: reply.id, authorName: reply.author_name, authorRole: reply.author_role, bodyHtml: reply.body_html, createdAt: new Date(reply.created_at) })),
      notes: noteRows
        .filter((note) => note.item_id === item.id || (note.thread_id !== null && note.thread_id === item.thread_id))
        .map((note) => ({ authorName: note.author_name, bodyHtml: note.body_html, createdAt: new Date(note.created_at) })),
      earlier: earlier.map(toView).filter((row) => row.itemId === item.id),
    }
  })
  const handoffTeams = [...new Set([...myTeams, ...items.map((item) => item.team_slug)])]
  const titleById = new Map(titles.map((row) => [row.id, row.title]))
  return {
    escalations: escalationsOut,
    waiting: counted?.n ?? open.length,
    from: page?.from && open.length > 0 ? page.from : null,
    next,
    handoffs: await latestHandoffs(ctx, handoffTeams),
    onRotation,
    recentlyAnswered: recentlyAnswered.map(toView).map((row) => ({ ...row, itemTitle: titleById.get(row.itemId) ?? `#${row.itemId}` })),
  }
}

async function latestHandoffs(ctx: Ctx, teamSlugs: string[]): Promise<EscalationInbox['handoffs']> {
  if (teamSlugs.length === 0) return []
  const rows = await ctx.db
    .selectDistinctOn([rotations.teamSlug], { handoff: handoffs, teamSlug: rotations.teamSlug, rotationName: rotations.name, engineerName: users.displayName })
    .from(handoffs)
    .innerJoin(rotations, eq(rotations.id, handoffs.rotationId))
    .leftJoin(users, eq(users.id, handoffs.engineerId))
    .where(and(inArray(rotations.teamSlug, teamSlugs), isNotNull(handoffs.publishedAt)))
    .orderBy(rotations.teamSlug, desc(handoffs.periodEnd))
  return rows.map((row) => ({ ...row.handoff, teamSlug: row.teamSlug, rotationName: row.rotationName, engineerName: row.engineerName }))
}

/** The team a team page shows: the one asked for (`?team=`), else the viewer's own, else the first. */
async function pickTeam(ctx: Ctx, teamSlugs: string[], requested: string | undefined): Promise<string> {
  if (requested && teamSlugs.includes(requested)) return requested
  const own = ctx.actor ? await firstTeamOf(ctx.db, ctx.actor.id) : null
  return own && teamSlugs.includes(own) ? own : (teamSlugs[0] ?? '')
}

export interface HandoffList {
  teamSlug: string
  teams: string[]
  rotationName: string | null
  /** Drafts the viewer may finish: their own (the lead and admins see all the team's). */
  drafts: (Handoff & { engineerName: string | null })[]
  published: (Handoff & { engineerName: string | null })[]
  /** The shift in progress, when it has no handoff yet and the viewer may draft it now (theirs, or as lead / admin). */
  current: { shiftId: number; engineerName: string | null; startsAt: Date; endsAt: Date; mine: boolean } | null
}

/** A team's handoffs, newest first: what the next engineer reads before anything else. */
export async function getHandoffs(ctx: Ctx, teamSlug: string | undefined): Promise<HandoffList> {
  const actor = requireStaff(ctx, 'see handoffs')
  const teamSlugs = await knownTeamSlugs(ctx.db)
  const team = await pickTeam(ctx, teamSlugs, teamSlug)
  const [[rotation], [teamRow]] = await Promise.all([
    ctx.db.select().from(rotations).where(eq(rotations.teamSlug, team)),
    ctx.db.select({ leadId: teams.leadId }).from(teams).where(eq(teams.slug, team)),
  ])
  if (!rotation) return { teamSlug: team, teams: teamSlugs, rotationName: null, drafts: [], published: [], current: null }
  const now = ctx.now().toISOString()
  const [rows, [shift]] = await Promise.all([
    ctx.db
      .select({ handoff: handoffs, engineerName: users.displayName })
      .from(handoffs)
      .leftJoin(users, eq(users.id, handoffs.engineerId))
      .where(eq(handoffs.rotationId, rotation.id))
      .orderBy(desc(handoffs.periodEnd))
      .limit(100),
    queryRows<{ id: number; user_id: number; display_name: string | null; starts_at: string; ends_at: string }>(
      ctx.db,
      sql`select s.id, s.user_id, u.display_name, s.starts_at::text, s.ends_at::text
          from rotation_shifts s left join users u on u.id = s.user_id
          where s.rotation_id = ${rotation.id} and s.starts_at <= ${now}::timestamptz and s.ends_at > ${now}::timestamptz and s.user_id is not null
            and not exists (select 1 from handoffs h where h.shift_id = s.id)
          limit 1`,
    ),
  ])
  const all = rows.map((row) => ({ ...row.handoff, engineerName: row.engineerName }))
  const seesAllDrafts = isAdmin(actor) || teamRow?.leadId === actor.id
  const current =
    shift && (shift.user_id === actor.id || seesAllDrafts)
      ? { shiftId: shift.id, engineerName: shift.display_name, startsAt: new Date(shift.starts_at), endsAt: new Date(shift.ends_at), mine: shift.user_id === actor.id }
      : null
  return {
    teamSlug: team,
    teams: teamSlugs,
    rotationName: rotation.name,
    drafts: all.filter((handoff) => !handoff.publishedAt && (seesAllDrafts || handoff.engineerId === actor.id)),
    published: all.filter((handoff) => handoff.publishedAt),
    current,
  }
}

export async function getHandoff(ctx: Ctx, handoffId: number): Promise<Handoff & { engineerName: string | null; teamSlug: string; rotationName: string; summary: HandoffSummary }> {
  requireStaff(ctx, 'see handoffs')
  const [row] = await ctx.db
    .select({ handoff: handoffs, engineerName: users.displayName, teamSlug: rotations.teamSlug, rotationName: rotations.name })
    .from(handoffs)
    .innerJoin(rotations, eq(rotations.id, handoffs.rotationId))
    .leftJoin(users, eq(users.id, handoffs.engineerId))
    .where(eq(handoffs.id, handoffId))
  if (!row) throw new NotFoundError('That handoff')
  return { ...row.handoff, summary: row.handoff.summary as HandoffSummary, engineerName: row.engineerName, teamSlug: row.teamSlug, rotationName: row.rotationName }
}

export interface SyncView {
  teamSlug: string
  teams: string[]
  since: Date
  lastSync: { at: Date; byName: string | null } | null
  onRotation: OnRotation | null
  escalated: (EscalationView & { itemTitle: string })[]
  answered: (EscalationView & { itemTitle: string })[]
  breached: (EscalationView & { itemTitle: string })[]
  summary: HandoffSummary
}

/**
 * The daily sync: what was escalated, answered or breached since the team's last sync (or the
 * last day, the first time), so one short meeting replaces a day of pings.
 */
export async function getSyncView(ctx: Ctx, teamSlug: string | undefined): Promise<SyncView> {
  requireStaff(ctx, 'see the daily sync')
  const now = ctx.now()
  const teamSlugs = await knownTeamSlugs(ctx.db)
  const team = await pickTeam(ctx, teamSlugs, teamSlug)
  const [mark] = await ctx.db
    .select({ syncedAt: syncMarks.syncedAt, byName: users.displayName })
    .from(syncMarks)
    .leftJoin(users, eq(users.id, syncMarks.syncedById))
    .where(eq(syncMarks.teamSlug, team))
  const since = mark?.syncedAt ?? new Date(now.getTime() - DAY_MS)
  const ofTeam = inArray(escalations.itemId, ctx.db.select({ id: queueItems.id }).from(queueItems).where(eq(queueItems.teamSlug, team)))
  const after = (column: AnyPgColumn) => sql`${column} >= ${since.toISOString()}::timestamptz`
  const [escalated, answered, breached, onRotation, summary] = await Promise.all([
    escalationViews(ctx).where(and(ofTeam, after(escalations.createdAt))).orderBy(asc(escalations.createdAt)),
    escalationViews(ctx).where(and(ofTeam, after(escalations.answeredAt))).orderBy(asc(escalations.answeredAt)),
    escalationViews(ctx).where(and(ofTeam, after(escalations.breachNotifiedAt))).orderBy(asc(escalations.breachNotifiedAt)),
    whoIsOnRotation(ctx.db, team, now),
    summarisePeriod(ctx.db, team, since, now),
  ])
  const ids = [...new Set([...escalated, ...answered, ...breached].map((row) => row.escalation.itemId))]
  const titles = ids.length ? await ctx.db.select({ id: queueItems.id, title: queueItems.title }).from(queueItems).where(inArray(queueItems.id, ids)) : []
  const titleById = new Map(titles.map((row) => [row.id, row.title]))
  const withTitle = (rows: typeof escalated) => rows.map(toView).map((row) => ({ ...row, itemTitle: titleById.get(row.itemId) ?? `#${row.itemId}` }))
  return {
    teamSlug: team,
    teams: teamSlugs,
    since,
    lastSync: mark ? { at: mark.syncedAt, byName: mark.byName } : null,
    onRotation,
    escalated: withTitle(escalated),
    answered: withTitle(answered),
    breached: withTitle(breached),
    summary,
  }
}

export interface FairnessShift {
  shiftId: number
  engineerId: number | null
  engineerName: string | null
  startsAt: Date
  endsAt: Date
  escalationsReceived: number
  answeredInTime: number
  itemsHandled: number
  outOfHours: number
}

export interface FairnessPerson {
  engineerId: number
  engineerName: string
  shifts: number
  daysOnRotation: number
  escalationsReceived: number
  answeredInTime: number
  itemsHandled: number
  outOfHours: number
}

export interface FairnessView {
  teamSlug: string
  teams: string[]
  rotationName: string | null
  from: Date
  to: Date
  shifts: FairnessShift[]
  people: FairnessPerson[]
}

/**
 * Load per shift over the last quarter: escalations received and answered in time, items the
 * engineer handled (anything they did on an item during the shift), out-of-hours escalations;
 * and the same per person, so an unfair rotation shows.
 */
export async function getFairness(ctx: Ctx, teamSlug: string | undefined): Promise<FairnessView> {
  requireStaff(ctx, 'see rotation load')
  const now = ctx.now()
  const teamSlugs = await knownTeamSlugs(ctx.db)
  const team = await pickTeam(ctx, teamSlugs, teamSlug)
  const from = new Date(now.getTime() - 92 * DAY_MS)
  const [rotation] = await ctx.db.select().from(rotations).where(eq(rotations.teamSlug, team))
  if (!rotation) return { teamSlug: team, teams: teamSlugs, rotationName: null, from, to: now, shifts: [], people: [] }
  const rows = await queryRows<{
    id: number
    user_id: number | null
    display_name: string | null
    starts_at: string
    ends_at: string
    received: number
    in_time: number
    out_of_hours: number
    handled: number
  }>(
    ctx.db,
    sql`
      select s.id, s.user_id, u.display_name, s.starts_at::text, s.ends_at::text, e.received, e.in_time, e.out_of_hours, coalesce(h.handled, 0)::int as handled
      from rotation_shifts s
      left join users u on u.id = s.user_id
      cross join lateral (
        select count(*)::int as received,
          count(*) filter (where x.answered_at is not null and x.answered_at <= x.response_due_at)::int as in_time,
          count(*) filter (where x.out_of_hours)::int as out_of_hours
        from escalations x
        where x.rotation_id = s.rotation_id and x.created_at >= s.starts_at and x.created_at < s.ends_at) e
      left join lateral (
        select count(distinct ev.item_id)::int as handled from queue_item_events ev
        where ev.actor_id = s.user_id and ev.created_at >= s.starts_at and ev.created_at < s.ends_at) h on true
      where s.rotation_id = ${rotation.id} and s.starts_at < ${now.toISOString()}::timestamptz and s.ends_at > ${from.toISOString()}::timestamptz
      order by s.starts_at`,
  )
  const shifts: FairnessShift[] = rows.map((row) => ({
    shiftId: row.id,
    engineerId: row.user_id,
    engineerName: row.display_name,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
    escalationsReceived: row.received,
    answeredInTime: row.in_time,
    itemsHandled: row.handled,
    outOfHours: row.out_of_hours,
  }))
  const people = new Map<number, FairnessPerson>()
  for (const shift of shifts) {
    if (shift.engineerId === null) continue
    const person = people.get(shift.engineerId) ?? {
      engineerId: shift.engineerId,
      engineerName: shift.engineerName ?? '',
      shifts: 0,
      daysOnRotation: 0,
      escalationsReceived: 0,
      answeredInTime: 0,
      itemsHandled: 0,
      outOfHours: 0,
    }
    person.shifts += 1
    person.daysOnRotation += (Math.min(shift.endsAt.getTime(), now.getTime()) - Math.max(shift.startsAt.getTime(), from.getTime())) / DAY_MS
    person.escalationsReceived += shift.escalationsReceived
    person.answeredInTime += shift.answeredInTime
    person.itemsHandled += shift.itemsHandled
    person.outOfHours += shift.outOfHours
    people.set(shift.engineerId, person)
  }
  return {
    teamSlug: team,
    teams: teamSlugs,
    rotationName: rotation.name,
    from,
    to: now,
    shifts,
    people: [...people.values()].sort((a, b) => a.engineerName.localeCompare(b.engineerName)),
  }
}

/** On a thread page: the "fixed" reply its asker can confirm or dispute, if there is one waiting. */
export async function getFixConfirmation(ctx: Ctx, threadId: number): Promise<{ loopReplyId: number; replyId: number } | null> {
  if (!ctx.actor) return null
  const [row] = await ctx.db
    .select({ loopReplyId: loopReplies.id, replyId: loopReplies.replyId })
    .from(loopReplies)
    .innerJoin(threads, eq(threads.id, loopReplies.threadId))
    .where(
      and(
        eq(loopReplies.threadId, threadId),
        eq(loopReplies.kind, 'fixed'),
        isNotNull(loopReplies.sentAt),
        isNull(loopReplies.confirmedAt),
        eq(threads.authorId, ctx.actor.id),
      ),
    )
    .orderBy(desc(loopReplies.sentAt))
    .limit(1)
  return row?.replyId ? { loopReplyId: row.loopReplyId, replyId: row.replyId } : null
}

export interface FixLinkView {
  state: 'live' | 'used' | 'expired' | 'unknown'
  solved: boolean
  thread: { id: number; slug: string; title: string } | null
  /** The asker answered already (on the thread, or by the other link). */
  answered: 'solved' | 'still_broken' | null
}

/** What a fix mail's link would do, for its confirm page: reading it changes nothing. */
export async function getFixLink(ctx: Ctx, token: string): Promise<FixLinkView> {
  const read = await readMailToken(ctx.db, token, ['fix_solved', 'fix_still_broken'], ctx.now())
  if (read.state === 'unknown') return { state: 'unknown', solved: false, thread: null, answered: null }
  const link = read as Exclude<typeof read, { state: 'unknown' }>
  const [row] = await ctx.db
    .select({ id: threads.id, slug: threads.slug, title: threads.title, hiddenAt: threads.hiddenAt, confirmation: loopReplies.confirmation })
    .from(loopReplies)
    .innerJoin(threads, eq(threads.id, loopReplies.threadId))
    .where(eq(loopReplies.id, Number(link.data.loopReplyId)))
  return {
    state: link.state,
    solved: link.purpose === 'fix_solved',
    thread: row && !row.hiddenAt ? { id: row.id, slug: row.slug, title: row.title } : null,
    answered: (row?.confirmation as FixLinkView['answered']) ?? null,
  }
}
