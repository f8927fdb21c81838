import { and, desc, eq, isNull, lte, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { queueItems, threadWatches, type ItemSignals, type QueueItem } from '../db/schema'
import { addBusinessMinutes } from './business-hours'
import { assessBugSignals } from './bug-signals'
import { createItem, loadPolicies, loadRequester, loadThreadFacts, lockOpenItemOfThread, recordEvent, syncAffectedCustomers, type ThreadFacts } from './item-core'
import { moveItem } from './move-item'
import { QUEUE_CONFIG } from './queue-config'
import { recomputePriorities } from './recompute-priorities'
import { reopenEvidenceOf, type ReopenEvidence } from './reopen-evidence'
import { applyThreadActivity } from './sla-clock'
import { isOpen } from './transitions'
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
  const unansweredDueAt = addBusinessMinutes(thread.createdAt, window, sla.calendar)
  // Only customers with an SLA of their own are promised a staff reply in time.
  const staffReplyDueAt = policy ? addBusinessMinutes(thread.createdAt, sla.firstResponseMinutes, sla.calendar) : null
  await db
    .insert(threadWatches)
    .values({
      threadId: thread.id,
      unansweredDueAt,
      unansweredWindowMinutes: window,
      staffReplyDueAt,
      staffReplyTargetMinutes: policy ? sla.firstResponseMinutes : null,
      nextCheckAt: staffReplyDueAt && staffReplyDueAt < unansweredDueAt ? staffReplyDueAt : unansweredDueAt,
    })
    .onConflictDoNothing()
}

/**
 * Runs every event-driven rule for one thread. The thread's item history decides: a thread with
 * an open item updates it; a thread whose item closed hears only of new customers (me too, a
 * duplicate) here, while replies are judged one by one (`evaluateReply`); only a thread that
 * never had an item is read by the bug classifier and the me-too rule.
 */
export async function evaluateThread(db: Db, threadId: number, now: Date): Promise<void> {
  const facts = await loadThreadFacts(db, threadId)
  if (!facts || facts.hidden) return
  // A duplicate's askers count on the kept thread's item.
  const thread = facts.duplicateOfId ? await loadThreadFacts(db, facts.duplicateOfId) : facts
  if (!thread || thread.hidden) return
  if (!facts.duplicateOfId) await watchThread(db, thread)
  const merged = facts.duplicateOfId ? await mergeDuplicateItem(db, facts, thread, now) : false

  const item = await lockOpenItemOfThread(db, thread.id)
  if (item) return updateOpenItem(db, item, thread, now)

  const previous = await lockLatestItemOfThread(db, thread.id)
  // Closed into an item still open elsewhere: the work goes on there.
  if (previous && isOpen(previous.state)) return
  if (previous) {
    const newcomers = await newCustomersOf(db, previous, thread.id)
    if (newcomers.length > 0)
      await reopenOrFollow(db, previous, thread, { reason: 'me too', evidence: `${newcomers.length} new ${newcomers.length === 1 ? 'customer' : 'customers'}`, userIds: newcomers }, now)
    return
  }

  const bug = assessBugSignals(thread.title, thread.bodyMarkdown)
  const isBug = bug.score >= QUEUE_CONFIG.bugThreshold
  const customers = await distinctCustomers(db, thread.id)
  const meToo = customers >= QUEUE_CONFIG.meTooThreshold
  if (merged) await openItemFor(db, thread, 'merged duplicate', isBug ? 'bug' : 'question', isBug ? { bug } : {}, now)
  else if (isBug) await openItemFor(db, thread, 'bug signal', 'bug', { bug }, now)
  else if (meToo) await openItemFor(db, thread, 'me too', 'question', { meToo: { customers } }, now)
}

/** Later signals update the open item and join its history; the thread's replies settle its clock. */
async function updateOpenItem(db: Db, item: QueueItem, thread: ThreadFacts, now: Date): Promise<void> {
  const bug = assessBugSignals(thread.title, thread.bodyMarkdown)
  const isBug = bug.score >= QUEUE_CONFIG.bugThreshold
  const customers = await distinctCustomers(db, thread.id)
  const meToo = customers >= QUEUE_CONFIG.meTooThreshold
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
  const { customerRepliedWhileWaiting } = await applyThreadActivity(db, item, now)
  if (customerRepliedWhileWaiting) {
    const [fresh] = await db.select().from(queueItems).where(eq(queueItems.id, item.id))
    await moveItem(db, fresh!, { to: 'in_progress', actorId: null, reason: 'The customer replied.' }, now)
  }
  await recomputePriorities(db, now, [item.id])
}

/**
 * A customer's reply on a thread whose item is closed: new evidence ("still broken", a defect
 * report of its own) brings the item back; thanks and "works now" do not. Staff replies, loop
 * replies and replies on threads with an open item or none are the thread rules' business.
 */
export async function evaluateReply(db: Db, replyId: number, now: Date): Promise<void> {
  const [reply] = await queryRows<{ thread_id: number; author_id: number; role: string; body_markdown: string; hidden: boolean }>(
    db,
    sql`select r.thread_id, r.author_id, u.role, r.body_markdown, r.hidden_at is not null as hidden
        from replies r join users u on u.id = r.author_id where r.id = ${replyId}`,
  )
  if (!reply || reply.hidden || reply.role !== 'member') return
  const facts = await loadThreadFacts(db, reply.thread_id)
  const thread = facts?.duplicateOfId ? await loadThreadFacts(db, facts.duplicateOfId) : facts
  if (!thread || thread.hidden) return
  if (await lockOpenItemOfThread(db, thread.id)) return
  const previous = await lockLatestItemOfThread(db, thread.id)
  if (!previous || isOpen(previous.state)) return
  const evidence = reopenEvidenceOf(reply.body_markdown)
  if (!evidence) return
  await reopenOrFollow(db, previous, thread, { ...evidence, replyId, userIds: [reply.author_id] }, now)
}

interface NewEvidence extends ReopenEvidence {
  /** The reply that brought it, when a reply did. */
  replyId?: number
  /** The customers behind it. */
  userIds: number[]
}

type ReopenReason = NewEvidence['reason'] | 'me too'

/**
 * Brings a closed item back with the evidence that it is not solved: the same item if it closed
 * within the reopen window (an event names the reply or the customers that reopened it), else a
 * new item that links to the old one.
 */
async function reopenOrFollow(db: Db, closed: QueueItem, thread: ThreadFacts, evidence: Omit<NewEvidence, 'reason'> & { reason: ReopenReason }, now: Date): Promise<void> {
  const detail = { reason: evidence.reason, evidence: evidence.evidence, ...(evidence.replyId ? { replyId: evidence.replyId } : {}), customers: evidence.userIds }
  const windowStart = new Date(now.getTime() - QUEUE_CONFIG.reopenWindowDays * 24 * 60 * 60 * 1000)
  if (closed.resolvedAt && closed.resolvedAt >= windowStart) {
    await recordEvent(db, closed.id, 'reopened', null, detail, now)
    const reopened = await moveItem(db, closed, { to: 'in_progress', actorId: null, reason: reopenWords(evidence.reason), detail }, now)
    await syncAffectedCustomers(db, reopened, now)
    await applyThreadActivity(db, reopened, now)
    return
  }
  const requester = await loadRequester(db, thread.authorId)
  if (requester && requester.role !== 'member') return
  const item = await openItemFor(
    db,
    thread,
    'reopened later',
    closed.kind === 'bug' || evidence.reason === 'bug signal' ? 'bug' : 'question',
    { follows: { itemId: closed.id, ...detail } },
    now,
  )
  if (item) await recordEvent(db, closed.id, 'followed_up', null, { byItemId: item.id, ...detail }, now)
}

function reopenWords(reason: ReopenReason): string {
  switch (reason) {
    case 'still broken':
      return 'A customer says it is still broken.'
    case 'bug signal':
      return 'A customer replied with a new defect report.'
    case 'me too':
      return 'More customers have the same problem.'
  }
}

/** Members who joined the thread's problem (me too, a duplicate) and are not yet among the item's customers. */
async function newCustomersOf(db: Db, item: QueueItem, threadId: number): Promise<number[]> {
  const rows = await queryRows<{ user_id: number }>(
    db,
    sql`
      select x.user_id from (
        select m.user_id from me_toos m where m.thread_id = ${threadId}
        union select d.author_id from threads d where d.duplicate_of_id = ${threadId} and d.hidden_at is null
        union select m.user_id from me_toos m join threads d on d.id = m.thread_id where d.duplicate_of_id = ${threadId}
      ) x join users u on u.id = x.user_id and u.role = 'member'
      where not exists (select 1 from queue_item_customers c where c.item_id = ${item.id} and c.user_id = x.user_id)
      order by x.user_id`,
  )
  return rows.map((row) => row.user_id)
}

/**
 * The thread's latest item, locked, when none is open; an item closed into another stands for
 * that one (its answer is where the work went, and it may still be open).
 */
async function lockLatestItemOfThread(db: Db, threadId: number): Promise<QueueItem | null> {
  const [latest] = await db.select().from(queueItems).where(eq(queueItems.threadId, threadId)).orderBy(desc(queueItems.createdAt), desc(queueItems.id)).limit(1).for('update')
  if (!latest?.mergedIntoItemId) return latest ?? null
  const [into] = await db.select().from(queueItems).where(eq(queueItems.id, latest.mergedIntoItemId)).for('update')
  return into ?? latest
}

/**
 * A thread just marked as a duplicate closes its own open item: the work continues on the kept
 * thread's item, which gains the duplicate's askers. Returns whether there was one to close.
 */
async function mergeDuplicateItem(db: Db, duplicate: ThreadFacts, kept: ThreadFacts, now: Date): Promise<boolean> {
  const item = await lockOpenItemOfThread(db, duplicate.id)
  if (!item) return false
  await moveItem(db, item, { to: 'resolved', actorId: null, reason: 'Its thread was marked as a duplicate.', detail: { intoThreadId: kept.id } }, now)
  await recordEvent(db, item.id, 'merged', null, { intoThreadId: kept.id, from: item.state }, now)
  return true
}

/**
 * The time-based rules: threads whose unanswered window or staff-reply target passed with no
 * answer become items. Each watch is settled once its due times are behind it.
 */
/** Watches the queue tick must read now (checkDueWatches; the tick's probe asks whether any is). */
export const watchDueCondition = (now: Date) => and(isNull(threadWatches.settledAt), lte(threadWatches.nextCheckAt, now))

export async function checkDueWatches(db: Db, now: Date): Promise<number> {
  const due = await db
    .select()
    .from(threadWatches)
    .where(watchDueCondition(now))
    .orderBy(threadWatches.nextCheckAt)
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
    if (settled || !thread) {
      await db.update(threadWatches).set({ settledAt: now }).where(eq(threadWatches.threadId, watch.threadId))
      continue
    }
    // Not settled: wait for the next due time still ahead. Only while the unanswered rule is still
    // undecided (its window passed, the thread unanswered, yet no item: hidden, a duplicate) is the
    // watch read again at the next tick, as before.
    const unansweredUndecided = watch.unansweredDueAt <= now && !thread.answeredAt
    const ahead = [watch.unansweredDueAt, watch.staffReplyDueAt].filter((due): due is Date => due !== null && due > now)
    if (!unansweredUndecided && ahead.length > 0) {
      const nextCheckAt = new Date(Math.min(...ahead.map((due) => due.getTime())))
      await db.update(threadWatches).set({ nextCheckAt }).where(eq(threadWatches.threadId, watch.threadId))
    }
  }
  return created
}
