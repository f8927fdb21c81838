import { eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { escalations, handoffs, queueItems } from '../db/schema'
import { notifyStaff } from '../notify'
import { ESCALATION_TICK, LOOP_TELL_LATE_ASKERS, recurringHandler, scheduleRecurring, type LateAskersPayload, type OutboxHandlers } from '../outbox'
import { moveItem, recordEvent } from '../queue'
import { nextOnRotation, ROTATION_CONFIG, whoIsOnRotation } from '../rotation'
import { summarisePeriod } from './handoff-summary'
import { tellLateAskersOfThread } from './tell-late-askers'
import { alertEscalationBreach } from '../webhooks'

// The escalation path's clock, run every few minutes from the outbox. Each step is idempotent: a
// breach is flagged once, a shift gets one handoff, an item resolves once.

// Each step's condition, shared with the tick's probe (dueSteps) so it skips exactly when the step
// would find nothing.
const breachDue = (now: Date) => sql`e.answered_at is null and e.breach_notified_at is null and e.response_due_at <= ${now.toISOString()}::timestamptz`
const ENDED_SHIFTS = sql`rotation_shifts s join rotations r on r.id = s.rotation_id`
const handoffDue = (now: Date) => sql`
  s.ends_at <= ${now.toISOString()}::timestamptz and s.ends_at > ${now.toISOString()}::timestamptz - interval '7 days'
  and s.starts_at >= r.created_at
  and not exists (select 1 from handoffs h where h.shift_id = s.id)`
const FIXED_ITEMS = sql`queue_items i left join rotations r on r.team_slug = i.team_slug`
const autoResolveDue = (now: Date) => sql`
  i.state = 'fixed_pending_confirmation' and i.fixed_at is not null
  and i.fixed_at <= ${now.toISOString()}::timestamptz - make_interval(days => coalesce(r.confirm_wait_days, ${ROTATION_CONFIG.autoResolveFixedAfterDays}))
  -- replies still waiting to be sent: the customers were not told yet
  and not exists (select 1 from loop_replies l where l.item_id = i.id and l.sent_at is null)`

/**
 * Escalations past their response target: the item shows the breach, and the next person on the
 * rotation (whoever is on now if the shift changed, else the next shift's engineer, else the
 * team's lead) is called in, with the lead and the original engineer told.
 */
export async function flagEscalationBreaches(db: Db, now: Date): Promise<number> {
  const due = await queryRows<{ id: number; item_id: number; engineer_id: number | null; rotation_id: number | null; team_slug: string; title: string; lead_id: number | null; response_due_at: string }>(
    db,
    sql`
      select e.id, e.item_id, e.engineer_id, e.rotation_id, i.team_slug, i.title, t.lead_id, e.response_due_at::text
      from escalations e join queue_items i on i.id = e.item_id left join teams t on t.slug = i.team_slug
      where ${breachDue(now)}
      order by e.response_due_at
      limit 200
      for update of e skip locked`,
  )
  for (const escalation of due) {
    const onNow = await whoIsOnRotation(db, escalation.team_slug, now)
    const backupId =
      (onNow?.userId && onNow.userId !== escalation.engineer_id ? onNow.userId : null) ??
      (escalation.rotation_id ? await nextOnRotation(db, escalation.rotation_id, now, escalation.engineer_id) : null) ??
      (escalation.lead_id !== escalation.engineer_id ? escalation.lead_id : null)
    await db.update(escalations).set({ breachNotifiedAt: now, backupId }).where(eq(escalations.id, escalation.id))
    await recordEvent(db, escalation.item_id, 'escalation_breached', null, { escalationId: escalation.id, dueAt: new Date(escalation.response_due_at).toISOString(), backupId }, now)
    const message = `The escalation “${escalation.title}” passed its response target without an answer.`
    await notifyStaff(db, [backupId], 'escalation_breached', escalation.item_id, `${message} You are called in: please answer it.`, now)
    await notifyStaff(db, [escalation.engineer_id, escalation.lead_id].filter((id) => id !== backupId), 'escalation_breached', escalation.item_id, message, now)
    await alertEscalationBreach(db, escalation.id, backupId, now)
  }
  return due.length
}

/**
 * A handoff draft for every shift that ended (within the last week) without one, summarised
 * from the data; the outgoing engineer adds what the team should prioritise and publishes it.
 */
export async function draftHandoffs(db: Db, now: Date): Promise<number> {
  const ended = await queryRows<{ id: number; rotation_id: number; user_id: number | null; starts_at: string; ends_at: string; team_slug: string; name: string }>(
    db,
    sql`
      select s.id, s.rotation_id, s.user_id, s.starts_at::text, s.ends_at::text, r.team_slug, r.name
      from ${ENDED_SHIFTS}
      where ${handoffDue(now)}
      order by s.ends_at
      limit 100`,
  )
  for (const shift of ended) {
    const periodStart = new Date(shift.starts_at)
    const periodEnd = new Date(shift.ends_at)
    const summary = await summarisePeriod(db, shift.team_slug, periodStart, periodEnd)
    const [row] = await db
      .insert(handoffs)
      .values({ rotationId: shift.rotation_id, shiftId: shift.id, engineerId: shift.user_id, periodStart, periodEnd, summary, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: handoffs.id })
    if (row && shift.user_id)
      await notifyStaff(db, [shift.user_id], 'handoff_drafted', null, `Your ${shift.name} handoff is drafted: add what the team should prioritise and publish it.`, now)
  }
  return ended.length
}

/** Fixed items nobody confirmed within the team's wait resolve themselves, saying so. */
export async function autoResolveFixed(db: Db, now: Date): Promise<number> {
  const stale = await queryRows<{ id: number; wait_days: number }>(
    db,
    sql`
      select i.id, coalesce(r.confirm_wait_days, ${ROTATION_CONFIG.autoResolveFixedAfterDays})::int as wait_days
      from ${FIXED_ITEMS}
      where ${autoResolveDue(now)}
      limit 500`,
  )
  for (const row of stale) {
    const [item] = await db.select().from(queueItems).where(eq(queueItems.id, row.id)).for('update')
    if (!item || item.state !== 'fixed_pending_confirmation') continue
    await moveItem(db, item, { to: 'resolved', actorId: null, reason: `No answer from the customer ${row.wait_days} days after the fix: resolved automatically.` }, now)
    await recordEvent(db, item.id, 'auto_resolved', null, { afterDays: row.wait_days }, now)
  }
  return stale.length
}

export interface EscalationTickSummary {
  escalationBreaches: number
  handoffsDrafted: number
  autoResolved: number
}

/**
 * Which steps have work, in one read: most runs none has, and each step is its own transaction
 * (begin, read, commit), so a quiet run was nine round trips and is now one.
 */
async function dueSteps(db: Db, now: Date): Promise<{ breaches: boolean; handoffs: boolean; resolves: boolean }> {
  const [row] = await queryRows<{ breaches: boolean; handoffs: boolean; resolves: boolean }>(
    db,
    sql`
      select exists (select 1 from escalations e join queue_items i on i.id = e.item_id where ${breachDue(now)}) as breaches,
        exists (select 1 from ${ENDED_SHIFTS} where ${handoffDue(now)}) as handoffs,
        exists (select 1 from ${FIXED_ITEMS} where ${autoResolveDue(now)}) as resolves`,
  )
  return row ?? { breaches: true, handoffs: true, resolves: true }
}

export async function runEscalationTick(db: Db, now: Date): Promise<EscalationTickSummary> {
  const due = await dueSteps(db, now)
  const escalationBreaches = due.breaches ? await db.transaction((tx) => flagEscalationBreaches(tx as unknown as Db, now)) : 0
  const handoffsDrafted = due.handoffs ? await db.transaction((tx) => draftHandoffs(tx as unknown as Db, now)) : 0
  const autoResolved = due.resolves ? await db.transaction((tx) => autoResolveFixed(tx as unknown as Db, now)) : 0
  return { escalationBreaches, handoffsDrafted, autoResolved }
}

export const ESCALATION_TICK_EVERY_MS = 5 * 60_000

/** Makes sure the recurring escalation tick is scheduled (idempotent: one row, keyed). */
export async function scheduleEscalationTick(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, ESCALATION_TICK, now)
}

export function escalationHandlers(): OutboxHandlers {
  return {
    [ESCALATION_TICK]: recurringHandler(ESCALATION_TICK, ESCALATION_TICK_EVERY_MS, async ({ db, now, logger }) => {
      const summary = await runEscalationTick(db, now)
      if (Object.values(summary).some(Boolean)) logger.info(summary, 'escalation tick')
    }),
    [LOOP_TELL_LATE_ASKERS]: (payload, context) => tellLateAskersOfThread(payload as LateAskersPayload, context),
  }
}
