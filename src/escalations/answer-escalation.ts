import { eq, sql } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import type { Db } from '../db/client'
import { escalations, loopReplies, queueItems, type Escalation, type ItemState, type QueueItem } from '../db/schema'
import { ConflictError, ValidationError } from '../errors'
import { notifyStaff } from '../notify'
import { canTransition, lockItem, moveItem, recomputePriorities, recordEvent } from '../queue'
import { parseInput } from '../validation'
import { assertMayAnswer, lockEscalation, loopReplyBody, loopThreadsOf, type LoopKind } from './escalation-core'
import { AnswerInput } from './schemas'
import { tellLateAskers } from './tell-late-askers'
import { emitWebhookEvent } from '../webhooks'

const OUTCOME_WORDS = {
  fixed: 'fixed',
  workaround: 'a workaround',
  needs_info: 'needs more information',
  duplicate: 'a duplicate',
  wont_fix: 'won’t fix now',
} as const

/**
 * The engineer's answer, with an outcome. Fixed, workaround and won't fix draft a public reply
 * on every thread that should hear it, for support to review and send; needs info and workaround
 * hand the item back to support; duplicate closes it into the other item, whose answer will then
 * reach these askers too. A tracker link on a workaround or won't fix sends the work to the backlog.
 */
export async function answerEscalation({ ctx, input }: VerbArgs): Promise<Escalation> {
  const actor = requireStaff(ctx, 'answer escalations')
  const data = parseInput(AnswerInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const escalation = await lockEscalation(db, data.escalationId)
    const item = await lockItem(db, escalation.itemId)
    await assertMayAnswer(db, actor, escalation, item.teamSlug, now)
    if (escalation.answeredAt) throw new ConflictError(`This escalation was already answered (${OUTCOME_WORDS[escalation.outcome!]}).`, 'outcome')
    const other = data.outcome === 'duplicate' ? await duplicateTarget(db, item, data.duplicateOfItemId!) : null

    const [answered] = await db
      .update(escalations)
      .set({
        outcome: data.outcome,
        answer: data.answer || null,
        trackerUrl: data.trackerUrl || null,
        release: data.release || null,
        duplicateOfItemId: other?.id ?? null,
        answeredAt: now,
        answeredById: actor.id,
      })
      .where(eq(escalations.id, escalation.id))
      .returning()
    await recordEvent(
      db,
      item.id,
      'escalation_answered',
      actor.id,
      {
        escalationId: escalation.id,
        outcome: data.outcome,
        inTime: now <= escalation.responseDueAt,
        ...(data.release ? { release: data.release } : {}),
        ...(data.trackerUrl ? { trackerUrl: data.trackerUrl } : {}),
        ...(other ? { duplicateOfItemId: other.id } : {}),
      },
      now,
    )

    if (data.trackerUrl && (data.outcome === 'workaround' || data.outcome === 'wont_fix')) {
      await db.update(queueItems).set({ backlogUrl: data.trackerUrl, backlogAt: now, updatedAt: now }).where(eq(queueItems.id, item.id))
      await recordEvent(db, item.id, 'sent_to_backlog', actor.id, { url: data.trackerUrl }, now)
    }

    let drafts = 0
    switch (data.outcome) {
      case 'fixed':
        await moveTo(db, item, 'fixed_pending_confirmation', actor.id, now)
        drafts = await draftLoopReplies(db, item, answered!, 'fixed', now)
        break
      case 'workaround':
      case 'wont_fix':
        // Support relays it: for won't fix, sending the reply ends the item as "heard – won't fix now".
        await moveTo(db, item, 'in_progress', actor.id, now)
        drafts = await draftLoopReplies(db, item, answered!, data.outcome, now)
        break
      case 'needs_info':
        await moveTo(db, item, 'in_progress', actor.id, now)
        break
      case 'duplicate':
        await closeInto(db, item, other!, actor.id, now)
        // Closed into an item whose fix went out already: these askers hear of it now, not never.
        await tellLateAskers({ ...ctx, db }, other!.id)
        break
    }
    if (data.outcome !== 'duplicate') await db.update(queueItems).set({ tier: 2, updatedAt: now }).where(eq(queueItems.id, item.id))

    const [fresh] = await db.select({ assigneeId: queueItems.assigneeId }).from(queueItems).where(eq(queueItems.id, item.id))
    const what =
      data.outcome === 'needs_info'
        ? `Engineering needs more information on “${item.title}”: ${data.answer}`
        : `Engineering answered “${item.title}”: ${OUTCOME_WORDS[data.outcome]}.${drafts ? ` ${drafts === 1 ? 'A reply is' : `${drafts} replies are`} drafted for you to review and send.` : ''}`
    await notifyStaff(db, [fresh?.assigneeId, escalation.escalatedById].filter((id) => id !== actor.id), 'escalation_answered', item.id, what, now)
    await recomputePriorities(db, now, [item.id])
    await emitWebhookEvent(db, 'escalation.answered', { itemId: item.id, escalationId: escalation.id, extra: { outcome: data.outcome } }, now)
    return answered!
  })
}

/** Changes state when the move is allowed from where the item is now (support may have moved it meanwhile). */
async function moveTo(db: Db, item: QueueItem, to: ItemState, actorId: number, now: Date): Promise<void> {
  if (item.state !== to && canTransition(item.state, to)) await moveItem(db, item, { to, actorId, reason: 'Engineering answered the escalation.', announcedByCaller: true }, now)
}

async function duplicateTarget(db: Db, item: QueueItem, otherId: number): Promise<QueueItem> {
  if (otherId === item.id) throw new ValidationError({ duplicateOfItemId: 'An item cannot be a duplicate of itself: give the number of the other item.' })
  const [other] = await db.select().from(queueItems).where(eq(queueItems.id, otherId))
  if (!other) throw new ValidationError({ duplicateOfItemId: `There is no item #${otherId}.` })
  if (other.mergedIntoItemId) throw new ValidationError({ duplicateOfItemId: `Item #${otherId} was itself closed into #${other.mergedIntoItemId}: give that one.` })
  return other
}

/** Closes the item into the other one: its customers join the other item, and its threads will hear that item's answer. */
async function closeInto(db: Db, item: QueueItem, other: QueueItem, actorId: number, now: Date): Promise<void> {
  await db.update(queueItems).set({ mergedIntoItemId: other.id }).where(eq(queueItems.id, item.id))
  await moveItem(db, item, { to: 'resolved', actorId, reason: `A duplicate of #${other.id}.`, detail: { intoItemId: other.id }, announcedByCaller: true }, now)
  await recordEvent(db, item.id, 'merged', actorId, { intoItemId: other.id }, now)
  await db.execute(sql`
    insert into queue_item_customers (item_id, user_id, reason, added_at)
    select ${other.id}, c.user_id, 'duplicate', ${now.toISOString()}::timestamptz from queue_item_customers c where c.item_id = ${item.id}
    on conflict do nothing`)
  await db.execute(sql`
    update queue_items set affected_customers = greatest(1, (select count(*) from queue_item_customers where item_id = ${other.id}))
    where id = ${other.id}`)
  await recordEvent(db, other.id, 'duplicate_merged', actorId, { fromItemId: item.id, title: item.title }, now)
  await recomputePriorities(db, now, [other.id])
}

async function draftLoopReplies(db: Db, item: QueueItem, escalation: Escalation, kind: LoopKind, now: Date): Promise<number> {
  const threads = await loopThreadsOf(db, item)
  if (threads.length === 0) return 0
  const body = loopReplyBody(kind, { answer: escalation.answer ?? '', release: escalation.release ?? '' })
  const rows = await db
    .insert(loopReplies)
    .values(threads.map((thread) => ({ itemId: item.id, escalationId: escalation.id, threadId: thread.threadId, kind, body, createdAt: now })))
    .onConflictDoNothing()
    .returning({ id: loopReplies.id })
  return rows.length
}
