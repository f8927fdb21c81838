import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueItems, queuePriorities, threadWatches, type SlaTarget } from '../db/schema'
import { notifyStaff } from '../notify'
import { recordEvent, routeItem } from './item-core'
import { recomputePriorities } from './recompute-priorities'
import { checkDueWatches, watchDueCondition } from './rules'
import { TARGET_LABELS } from './sla'
import { alertSlaBreach, emitWebhookEvent } from '../webhooks'

// The queue's clock, run every minute from the outbox: time-based rules, SLA warnings and
// breaches, routing of waiting items, and the set-wise priority recompute. Every step is
// idempotent, so a tick that runs twice (at-least-once delivery) changes nothing more.

interface DueSignal {
  id: number
  target: SlaTarget
  kind: 'warning' | 'breach'
  due_at: string
  assignee_id: number | null
  lead_id: number | null
  title: string
  assignee_on_duty: boolean | null
  team_slug: string
}

// Each open item's SLA deadlines (as `t`), and those passed by `at` and not yet signalled: shared
// by fireSlaSignals and the tick's probe, so the probe skips exactly when the step has nothing.
const SLA_DEADLINES = sql`
  queue_items i
  cross join lateral (values
    ('first_response', 'breach', case when i.first_response_at is null then i.first_response_due_at end),
    ('first_response', 'warning', case when i.first_response_at is null then i.first_response_warn_at end),
    ('next_response', 'breach', i.next_response_due_at),
    ('next_response', 'warning', i.next_response_warn_at),
    ('resolution', 'breach', i.resolution_due_at),
    ('resolution', 'warning', i.resolution_warn_at)) as t(target, kind, due_at)`
const slaSignalDue = (at: string) => sql`
  i.state not in ('resolved', 'wont_fix', 'waiting_on_customer')
  and t.due_at <= ${at}::timestamptz
  and not (t.target = any(case when t.kind = 'breach' then i.breached else i.warned end))
  and not (t.kind = 'warning' and t.target = any(i.breached))`

/** Fires each SLA warning and breach once: an event, an in-app notice, and (for breaches) escalation. */
export async function fireSlaSignals(db: Db, now: Date): Promise<number> {
  const at = now.toISOString()
  const due = await queryRows<DueSignal>(
    db,
    sql`
      select i.id, t.target, t.kind, t.due_at::text, i.assignee_id, tm.lead_id, i.title, p.on_duty as assignee_on_duty, i.team_slug
      from ${SLA_DEADLINES}
      left join teams tm on tm.slug = i.team_slug
      left join staff_profiles p on p.user_id = i.assignee_id
      where ${slaSignalDue(at)}
      order by i.id, t.kind
      limit 1000`,
  )
  for (const signal of due) {
    const label = TARGET_LABELS[signal.target]
    if (signal.kind === 'warning') {
      await db.execute(sql`update queue_items set warned = array_append(warned, ${signal.target}), updated_at = ${at}::timestamptz where id = ${signal.id}`)
      await recordEvent(db, signal.id, 'sla_warning', null, { target: signal.target, dueAt: new Date(signal.due_at).toISOString() }, now)
      await notifyStaff(db, [signal.assignee_id], 'sla_warning', signal.id, `The ${label} target of “${signal.title}” is due soon.`, now)
      await emitWebhookEvent(db, 'sla.warning', { itemId: signal.id, extra: { target: signal.target, dueAt: new Date(signal.due_at).toISOString() } }, now)
      continue
    }
    await db.execute(sql`
      update queue_items set breached = array_append(breached, ${signal.target}),
        warned = case when ${signal.target} = any(warned) then warned else array_append(warned, ${signal.target}) end,
        updated_at = ${at}::timestamptz
      where id = ${signal.id}`)
    await recordEvent(db, signal.id, 'sla_breached', null, { target: signal.target, dueAt: new Date(signal.due_at).toISOString() }, now)
    await notifyStaff(db, [signal.assignee_id, signal.lead_id], 'sla_breached', signal.id, `The ${label} target of “${signal.title}” was missed.`, now)
    await emitWebhookEvent(db, 'sla.breached', { itemId: signal.id, extra: { target: signal.target, dueAt: new Date(signal.due_at).toISOString() } }, now)
    await alertSlaBreach(db, signal.id, label, now)
    // Escalate: an item whose owner is away goes to someone on duty.
    if (!signal.assignee_id || signal.assignee_on_duty === false) {
      if (signal.assignee_id) {
        await db.update(queueItems).set({ assigneeId: null, updatedAt: now }).where(eq(queueItems.id, signal.id))
        await recordEvent(db, signal.id, 'unassigned', null, { from: signal.assignee_id, reason: 'SLA breached while the assignee was off duty' }, now)
      }
      // routeItem recomputes when it finds someone; an item left unassigned needs its sort key moved here.
      if ((await routeItem(db, signal.id, signal.team_slug, now)) === null && signal.assignee_id) await recomputePriorities(db, now, [signal.id])
    }
  }
  return due.length
}

/** Open items nobody holds (routeWaitingItems; the tick's probe asks whether any is). */
const waitingCondition = () => and(isNull(queueItems.assigneeId), sql`${queueItems.state} not in ('resolved', 'wont_fix')`)

/** Gives waiting items to whoever is on duty with room, best first, team by team. */
export async function routeWaitingItems(db: Db, now: Date): Promise<number> {
  const waiting = await db
    .select({ id: queueItems.id, teamSlug: queueItems.teamSlug })
    .from(queueItems)
    .leftJoin(queuePriorities, eq(queuePriorities.itemId, queueItems.id))
    .where(waitingCondition())
    .orderBy(sql`coalesce(${queuePriorities.priorityClass}, 4)`, desc(queuePriorities.score), asc(queueItems.id))
    .limit(500)
  const full = new Set<string>()
  let routed = 0
  for (const item of waiting) {
    if (full.has(item.teamSlug)) continue
    if (await routeItem(db, item.id, item.teamSlug, now)) routed++
    else full.add(item.teamSlug)
  }
  return routed
}

export interface TickSummary {
  itemsCreated: number
  slaSignals: number
  routed: number
  prioritiesUpdated: number
}

/**
 * Which of the tick's steps have anything to do, in one read: most minutes none has, and each
 * step is its own transaction (begin, read, commit), so a quiet tick was ten round trips; now it is
 * this one and the priority recompute. Each flag asks the step's own condition (shared above),
 * except routing, which also needs someone on duty (routeItem picks only from them).
 */
async function dueSteps(db: Db, now: Date): Promise<{ watches: boolean; signals: boolean; routing: boolean }> {
  const at = now.toISOString()
  const watches = db.select({ one: sql`1` }).from(threadWatches).where(watchDueCondition(now))
  const waiting = db.select({ one: sql`1` }).from(queueItems).where(waitingCondition())
  const [row] = await queryRows<{ watches: boolean; signals: boolean; routing: boolean }>(
    db,
    sql`
      select exists (${watches}) as watches,
        exists (select 1 from ${SLA_DEADLINES} where ${slaSignalDue(at)}) as signals,
        exists (${waiting}) and exists (select 1 from staff_profiles where on_duty) as routing`,
  )
  return row ?? { watches: true, signals: true, routing: true }
}

export async function runQueueTick(db: Db, now: Date): Promise<TickSummary> {
  const due = await dueSteps(db, now)
  const itemsCreated = due.watches ? await db.transaction((tx) => checkDueWatches(tx as unknown as Db, now)) : 0
  // An item a step just opened or unassigned is work for the steps after it, as when every step ran.
  const slaSignals = due.signals || itemsCreated > 0 ? await db.transaction((tx) => fireSlaSignals(tx as unknown as Db, now)) : 0
  const routed = due.routing || itemsCreated > 0 || slaSignals > 0 ? await db.transaction((tx) => routeWaitingItems(tx as unknown as Db, now)) : 0
  const { updated } = await recomputePriorities(db, now)
  return { itemsCreated, slaSignals, routed, prioritiesUpdated: updated }
}
