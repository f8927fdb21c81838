import { and, eq, isNull, lte, or, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueItems, threadWatches, type ItemSignals } from '../db/schema'
import { addBusinessMinutes } from './business-hours'
import { assessBugSignals } from './bug-signals'
import { createItem, loadPolicies, loadRequester, loadThreadFacts, lockOpenItemOfThread, recordEvent, syncAffectedCustomers, type ThreadFacts } from './item-core'
import { QUEUE_CONFIG } from './queue-config'
import { recomputePriorities } from './recompute-priorities'
import { applyThreadActivity } from './sla-clock'
import { matchPolicy, snapshotOf } from './sla'

// The rules that turn threads into queue items. They run from the outbox whenever a thread
// changes (bug signal, me too) and from the periodic tick (unanswered, no staff reply), and they
// are idempotent: one open item per thread, and later signals update it rather than duplicate it.

async function distinctCustomers(db: Db, threadId: number): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`
      select count(distinct x.user_id)::int as n from (
        select m.user_id from me_toos m where m.thread_id = ${threadId}
        union select d.author_id from threads d where d.duplicate_of_id = ${threadId}
        union select m.user_id from me_toos m join threads d on d.id = m.thread_id where d.duplicate_of_id = ${threadId}
      ) x join users u on u.id = x.user_id and u.role = 'member'`,
  )
  return row?.n ?? 0
}

/** Creates an item for a thread from a rule, unless the asker is staff (staff questions are not customer load). */
async function openItemFor(db: Db, thread: ThreadFacts, rule: string, kind: 'question' | 'bug', signals: ItemSignals, now: Date) {
  const requester = await loadRequester(db, thread.authorId)
  if (requester && requester.role !== 'member') return null
  return createItem(
    db,
    {
      threadId: thread.id,
      source: 'forum',
      title: thread.title,
      description: '',
      kind,
      severity: 'normal',
      teamSlug: thread.team,
      requesterId: thread.authorId,
      signals,
      rule,
      createdById: null,
    },
    now,
  )
}

/** Starts watching a new thread for the time-based rules (once: the watch row is the memory). */
async function watchThread(db: Db, thread: ThreadFacts): Promise<void> {
  const requester = await loadRequester(db, thread.authorId)
  if (!requester || requester.role !== 'member') return
  const policy = matchPolicy(await loadPolicies(db), { plan: requester.plan, kind: 'question', severity: 'normal' })
  const sla = snapshotOf(policy)
  const window = thread.unansweredWindowMinutes ?? QUEUE_CONFIG.unansweredWindowMinutes
  await db
    .insert(threadWatches)
    .values({
      threadId: thread.id,
      unansweredDueAt: addBusinessMinutes(thread.createdAt, window, sla.calendar),
      unansweredWindowMinutes: window,
      // Only customers with an SLA of their own are promised a staff reply in time.
      staffReplyDueAt: policy ? addBusinessMinutes(thread.createdAt, sla.firstResponseMinutes, sla.calendar) : null,
      staffReplyTargetMinutes: policy ? sla.firstResponseMinutes : null,
    })
    .onConflictDoNothing()
}

/** Runs every event-driven rule for one thread. */
export async function evaluateThread(db: Db, threadId: number, now: Date): Promise<void> {
  const facts = await loadThreadFacts(db, threadId)
  if (!facts || facts.hidden) return
  // A duplicate's askers count on the kept thread's item.
  const thread = facts.duplicateOfId ? await loadThreadFacts(db, facts.duplicateOfId) : facts
  if (!thread || thread.hidden) return
  if (!facts.duplicateOfId) await watchThread(db, thread)
  const merged = facts.duplicateOfId ? await mergeDuplicateItem(db, facts, thread, now) : false

  const bug = assessBugSignals(thread.title, thread.bodyMarkdown)
  const isBug = bug.score >= QUEUE_CONFIG.bugThreshold
  const customers = await distinctCustomers(db, thread.id)
  const meToo = customers >= QUEUE_CONFIG.meTooThreshold

  const item = await lockOpenItemOfThread(db, thread.id)
  if (!item) {
    if (merged) await openItemFor(db, thread, 'merged duplicate', isBug ? 'bug' : 'question', isBug ? { bug } : {}, now)
    else if (isBug) await openItemFor(db, thread, 'bug signal', 'bug', { bug }, now)
    else if (meToo) await openItemFor(db, thread, 'me too', 'question', { meToo: { customers } }, now)
    return
  }

  // Later signals update the item and join its history.
  const signals: ItemSignals = { ...item.signals }
  if (isBug && (!item.signals.bug || item.signals.bug.score !== bug.score)) {
    signals.bug = bug
    await recordEvent(db, item.id, 'rule_fired', null, { rule: 'bug signal', score: bug.score, signals: bug.signals.map((s) => s.name) }, now)
  }
  if (meToo && (!item.signals.meToo || item.signals.meToo.customers < customers)) {
    signals.meToo = { customers }
    if (!item.signals.meToo) await recordEvent(db, item.id, 'rule_fired', null, { rule: 'me too', customers }, now)
  }
  if (signals !== item.signals) await db.update(queueItems).set({ signals, updatedAt: now }).where(eq(queueItems.id, item.id))
  await syncAffectedCustomers(db, item, now)
  await applyThreadActivity(db, item, now)
  await recomputePriorities(db, now, [item.id])
}

/**
 * A thread just marked as a duplicate closes its own open item: the work continues on the kept
 * thread's item, which gains the duplicate's askers. Returns whether there was one to close.
 */
async function mergeDuplicateItem(db: Db, duplicate: ThreadFacts, kept: ThreadFacts, now: Date): Promise<boolean> {
  const item = await lockOpenItemOfThread(db, duplicate.id)
  if (!item) return false
  await db.update(queueItems).set({ state: 'resolved', resolvedAt: now, updatedAt: now }).where(eq(queueItems.id, item.id))
  await recordEvent(db, item.id, 'merged', null, { intoThreadId: kept.id, from: item.state }, now)
  return true
}

/**
 * The time-based rules: threads whose unanswered window or staff-reply target passed with no
 * answer become items. Each watch is settled once its due times are behind it.
 */
export async function checkDueWatches(db: Db, now: Date): Promise<number> {
  const due = await db
    .select()
    .from(threadWatches)
    .where(and(isNull(threadWatches.settledAt), or(lte(threadWatches.unansweredDueAt, now), lte(threadWatches.staffReplyDueAt, now))))
    .limit(500)
  let created = 0
  for (const watch of due) {
    const thread = await loadThreadFacts(db, watch.threadId)
    const open = thread && !thread.hidden ? await lockOpenItemOfThread(db, watch.threadId) : null
    const before = created
    if (thread && !thread.hidden && !thread.duplicateOfId && !open) {
      if (watch.unansweredDueAt <= now && !thread.answeredAt) {
        const item = await openItemFor(db, thread, 'unanswered', 'question', { unanswered: { windowMinutes: watch.unansweredWindowMinutes, since: thread.createdAt.toISOString() } }, now)
        if (item) created++
      } else if (watch.staffReplyDueAt && watch.staffReplyDueAt <= now) {
        const [staffReply] = await queryRows<{ id: number }>(
          db,
          sql`select r.id from replies r join users u on u.id = r.author_id where r.thread_id = ${thread.id} and r.hidden_at is null and u.role <> 'member' limit 1`,
        )
        if (!staffReply) {
          const item = await openItemFor(
            db,
            thread,
            'no staff reply',
            'question',
            { noStaffReply: { targetMinutes: watch.staffReplyTargetMinutes ?? 0, since: thread.createdAt.toISOString() } },
            now,
          )
          if (item) created++
        }
      }
    }
    // Settled once both due times passed, or once the thread has (or just got) an item: a watch
    // never opens a second item after the first is resolved.
    const settled = (watch.unansweredDueAt <= now && (!watch.staffReplyDueAt || watch.staffReplyDueAt <= now)) || !!open || created > before
    if (settled || !thread) await db.update(threadWatches).set({ settledAt: now }).where(eq(threadWatches.threadId, watch.threadId))
  }
  return created
}
