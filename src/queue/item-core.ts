import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { isStaff } from '../policy'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import {
  businessCalendars,
  categories,
  organisations,
  queueItemCustomers,
  queueItemEvents,
  queueItems,
  queuePriorities,
  slaPolicies,
  staffProfiles,
  threads,
  users,
  type ItemKind,
  type ItemSignals,
  type ItemSource,
  type Plan,
  type PriorityFactors,
  type QueueItem,
  type QueuePriority,
  type Role,
  type Severity,
  type SlaSnapshot,
} from '../db/schema'
import { notifyStaff } from '../notify'
import { matchPolicy, snapshotOf, dueTimes, type PolicyWithCalendar } from './sla'
import { recomputePriorities } from './recompute-priorities'
import { emitWebhookEvent } from '../webhooks'

// What the queue's verbs and rules share. Everything runs inside the caller's transaction.

/** Events that change what a thread's public status shows, so its cached page must go. */
const PUBLIC_EVENTS = new Set(['created', 'state_changed', 'merged'])

export async function recordEvent(
  db: Db,
  itemId: number,
  kind: string,
  actorId: number | null,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await db.insert(queueItemEvents).values({ itemId, kind, actorId, data, createdAt: now })
  if (PUBLIC_EVENTS.has(kind))
    await db.execute(sql`update threads set revision = revision + 1 where id = (select thread_id from queue_items where id = ${itemId})`)
}

export async function loadPolicies(db: Db): Promise<PolicyWithCalendar[]> {
  const rows = await db
    .select({ policy: slaPolicies, calendar: businessCalendars })
    .from(slaPolicies)
    .leftJoin(businessCalendars, eq(businessCalendars.id, slaPolicies.calendarId))
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.id))
  return rows.map(({ policy, calendar }) => ({
    ...policy,
    calendar: calendar ? { timezone: calendar.timezone, windows: calendar.windows, holidays: calendar.holidays } : null,
  }))
}

export interface Requester {
  id: number
  role: Role
  organisationId: number | null
  plan: Plan
}

export async function loadRequester(db: Db, userId: number | null): Promise<Requester | null> {
  if (!userId) return null
  const [row] = await db
    .select({ id: users.id, role: users.role, organisationId: users.organisationId, plan: organisations.plan })
    .from(users)
    .leftJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
  return row ? { ...row, plan: row.plan ?? 'free' } : null
}

/** The SLA a customer of this plan would get for an ordinary question: what the ask page promises. */
export async function slaForPlan(db: Db, plan: Plan, kind: ItemKind = 'question', severity: Severity = 'normal'): Promise<SlaSnapshot> {
  return snapshotOf(matchPolicy(await loadPolicies(db), { plan, kind, severity }))
}

/** An item with its priority (class, score and the factors behind them, its "why"). */
export interface ItemWithPriority extends QueueItem {
  priorityClass: number
  priorityScore: number
  priorityFactors: PriorityFactors | null
}

export function priorityOf(row: QueuePriority | null): Pick<ItemWithPriority, 'priorityClass' | 'priorityScore' | 'priorityFactors'> {
  if (!row) return { priorityClass: 4, priorityScore: 0, priorityFactors: null }
  return {
    priorityClass: row.priorityClass,
    priorityScore: row.score,
    priorityFactors: {
      classReason: row.reason,
      urgency: row.urgency,
      breached: row.breached,
      affectedCustomers: row.affectedCustomers,
      plan: row.plan,
      mrr: row.mrr,
      votes: row.votes,
      views: row.views,
      age: row.age,
    },
  }
}

export async function loadItemWithPriority(db: Db, itemId: number): Promise<ItemWithPriority | null> {
  const [row] = await db
    .select({ item: queueItems, priority: queuePriorities })
    .from(queueItems)
    .leftJoin(queuePriorities, eq(queuePriorities.itemId, queueItems.id))
    .where(eq(queueItems.id, itemId))
  return row ? { ...row.item, ...priorityOf(row.priority) } : null
}

export interface NewItem {
  threadId: number | null
  source: ItemSource
  title: string
  description: string
  kind: ItemKind
  severity: Severity
  teamSlug: string
  requesterId: number | null
  organisationId?: number | null
  signals: ItemSignals
  /** Which rule made it (bug signal, me too, unanswered, no staff reply, manual). */
  rule: string
  createdById: number | null
  tier?: 1 | 2 | 3
}

/**
 * Creates an item with its SLA snapshot and due times, affected customers, routing and
 * priority, and the events saying so.
 */
export async function createItem(db: Db, input: NewItem, now: Date): Promise<ItemWithPriority> {
  const requester = await loadRequester(db, input.requesterId)
  const organisationId = input.organisationId !== undefined ? input.organisationId : (requester?.organisationId ?? null)
  let plan: Plan = requester?.plan ?? 'free'
  if (organisationId && organisationId !== requester?.organisationId) {
    const [organisation] = await db.select({ plan: organisations.plan }).from(organisations).where(eq(organisations.id, organisationId))
    plan = organisation?.plan ?? plan
  }
  const sla = snapshotOf(matchPolicy(await loadPolicies(db), { plan, kind: input.kind, severity: input.severity }))
  const first = dueTimes(now, sla.firstResponseMinutes, 0, sla.calendar)
  const resolution = dueTimes(now, sla.resolutionMinutes, 0, sla.calendar)
  const [item] = await db
    .insert(queueItems)
    .values({
      threadId: input.threadId,
      source: input.source,
      title: input.title,
      description: input.description,
      kind: input.kind,
      severity: input.severity,
      tier: input.tier ?? 1,
      teamSlug: input.teamSlug,
      requesterId: input.requesterId,
      organisationId,
      signals: input.signals,
      sla,
      firstResponseDueAt: first.dueAt,
      firstResponseWarnAt: first.warnAt,
      resolutionDueAt: resolution.dueAt,
      resolutionWarnAt: resolution.warnAt,
      lastCustomerActivityAt: now,
      createdAt: now,
      createdById: input.createdById,
      updatedAt: now,
    })
    .returning()
  if (input.requesterId)
    await db.insert(queueItemCustomers).values({ itemId: item!.id, userId: input.requesterId, reason: 'asker', addedAt: now }).onConflictDoNothing()
  await recordEvent(
    db,
    item!.id,
    'created',
    input.createdById,
    { rule: input.rule, source: input.source, kind: input.kind, severity: input.severity, team: input.teamSlug, sla: sla.policyName, signals: input.signals },
    now,
  )
  if (input.threadId) await syncAffectedCustomers(db, item!, now)
  await recomputePriorities(db, now, [item!.id])
  await routeItem(db, item!.id, input.teamSlug, now)
  await emitWebhookEvent(db, 'item.created', { itemId: item!.id, threadId: input.threadId, extra: { source: input.source } }, now)
  return (await loadItemWithPriority(db, item!.id))!
}

/**
 * Assigns an item to the least-loaded support engineer of its team who is on duty and under
 * their cap (ties: whoever has waited longest since their last item). Nobody available: the
 * item waits unassigned, at the top of the team's queue.
 */
export async function routeItem(db: Db, itemId: number, teamSlug: string, now: Date): Promise<number | null> {
  const [candidate] = await queryRows<{ user_id: number; load: number }>(
    db,
    sql`
      select p.user_id, load.n as load
      from staff_profiles p
      join team_members m on m.user_id = p.user_id and m.team_slug = ${teamSlug}
      join users u on u.id = p.user_id and u.role = 'support'
      cross join lateral (
        select count(*)::int as n from queue_items i
        where i.assignee_id = p.user_id and i.state not in ('resolved', 'wont_fix')) load
      where p.on_duty and load.n < p.item_cap
      order by load.n, p.last_assigned_at asc nulls first, p.user_id
      limit 1
      for update of p`,
  )
  if (!candidate) return null
  await db.update(queueItems).set({ assigneeId: candidate.user_id, updatedAt: now }).where(eq(queueItems.id, itemId))
  // The board's sort key (unassigned first) follows the assignee at once.
  await recomputePriorities(db, now, [itemId])
  await db.update(staffProfiles).set({ lastAssignedAt: now }).where(eq(staffProfiles.userId, candidate.user_id))
  await recordEvent(db, itemId, 'assigned', null, { assigneeId: candidate.user_id, by: 'routing', load: candidate.load }, now)
  await notifyStaff(db, [candidate.user_id], 'assigned', itemId, 'A new item was routed to you.', now)
  await emitWebhookEvent(db, 'item.assigned', { itemId, extra: { by: 'routing', previousAssigneeId: null } }, now)
  return candidate.user_id
}

/**
 * Brings the item's affected customers up to date from its thread: the asker, people who said
 * "me too", and askers of threads marked as duplicates of it.
 */
export async function syncAffectedCustomers(db: Db, item: Pick<QueueItem, 'id' | 'threadId'>, now: Date): Promise<number> {
  if (!item.threadId) return 0
  const added = await queryRows<{ reason: string }>(
    db,
    sql`
      insert into queue_item_customers (item_id, user_id, reason, added_at)
      select ${item.id}, x.user_id, x.reason, ${now.toISOString()}::timestamptz from (
        select m.user_id, 'me_too' as reason from me_toos m where m.thread_id = ${item.threadId}
        union
        select d.author_id, 'duplicate' from threads d where d.duplicate_of_id = ${item.threadId}
        union
        select m.user_id, 'me_too' from me_toos m join threads d on d.id = m.thread_id where d.duplicate_of_id = ${item.threadId}
      ) x
      join users u on u.id = x.user_id and u.role = 'member'
      on conflict do nothing
      returning reason`,
  )
  const [{ count } = { count: 0 }] = await queryRows<{ count: number }>(
    db,
    sql`update queue_items set affected_customers = greatest(1, (select count(*) from queue_item_customers where item_id = ${item.id}))
        where id = ${item.id} returning affected_customers as count`,
  )
  if (added.length > 0) {
    const byReason = added.reduce<Record<string, number>>((acc, row) => ({ ...acc, [row.reason]: (acc[row.reason] ?? 0) + 1 }), {})
    await recordEvent(db, item.id, 'customers_added', null, { added: byReason, total: count }, now)
  }
  return added.length
}

export async function isStaffUser(db: Db, userId: number): Promise<boolean> {
  const [row] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId))
  return !!row && isStaff(row)
}

/** The open item of a thread, locked for update, if there is one. */
export async function lockOpenItemOfThread(db: Db, threadId: number): Promise<QueueItem | null> {
  const [item] = await db
    .select()
    .from(queueItems)
    .where(and(eq(queueItems.threadId, threadId), sql`${queueItems.state} not in ('resolved', 'wont_fix')`))
    .for('update')
  return item ?? null
}

export interface ThreadFacts {
  id: number
  title: string
  /** The Markdown as written: line structure (stack traces, log lines) matters to the rules. */
  bodyMarkdown: string
  authorId: number
  createdAt: Date
  hidden: boolean
  duplicateOfId: number | null
  answeredAt: Date | null
  team: string
  unansweredWindowMinutes: number | null
}

export async function loadThreadFacts(db: Db, threadId: number): Promise<ThreadFacts | null> {
  const [row] = await db
    .select({
      id: threads.id,
      title: threads.title,
      bodyMarkdown: threads.bodyMarkdown,
      authorId: threads.authorId,
      createdAt: threads.createdAt,
      hiddenAt: threads.hiddenAt,
      duplicateOfId: threads.duplicateOfId,
      answeredAt: threads.answeredAt,
      team: categories.team,
      unansweredWindowMinutes: categories.unansweredWindowMinutes,
    })
    .from(threads)
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .where(eq(threads.id, threadId))
  if (!row) return null
  const { hiddenAt, ...facts } = row
  return { ...facts, hidden: hiddenAt !== null }
}

export async function staffIdsOf(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set()
  const rows = await db.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, ids))
  return new Set(rows.filter((row) => isStaff(row)).map((row) => row.id))
}
