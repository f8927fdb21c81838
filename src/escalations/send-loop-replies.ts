import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { escalations, loopReplies, queueItems, type LoopReply } from '../db/schema'
import { ConflictError, ValidationError } from '../errors'
import { postReply } from '../forum'
import { notifyCustomers, type CustomerNotice } from '../notify'
import { canTransition, lockItem, moveItem, recordEvent } from '../queue'
import { parseInput } from '../validation'
import { loopThreadsOf, trackerLinkLine } from './escalation-core'
import { SendLoopRepliesInput } from './schemas'
import { emitWebhookEvent } from '../webhooks'

/**
 * Support sends the drafted replies (as reviewed, edited or not) with one click: each becomes a
 * public reply on its thread; the askers, subscribers and affected customers are notified, each
 * person once however many of the threads they are on. A fix now waits for the customers'
 * confirmation; a won't-fix answer ends the item as heard.
 */
export async function sendLoopReplies({ ctx, input }: VerbArgs): Promise<{ sent: number; notified: number }> {
  const actor = requireStaff(ctx, 'send replies to customers')
  const data = parseInput(SendLoopRepliesInput, input)
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = ctx.now()
    const item = await lockItem(db, data.itemId)
    const drafts = await db
      .select()
      .from(loopReplies)
      .where(and(eq(loopReplies.itemId, item.id), isNull(loopReplies.sentAt)))
      .orderBy(asc(loopReplies.id))
      .for('update')
    if (drafts.length === 0) throw new ConflictError('There is nothing to send: these replies were already sent.')
    // A thread marked as a duplicate after the engineer answered gets the same reply, so its asker
    // hears on their own thread (with the fix mail's links) like every other asker.
    const threads = drafts[0]!.escalationId !== null ? await loopThreadsOf(db, item) : []
    if (threads.length > 0) {
      const joined = await db
        .insert(loopReplies)
        .values(
          threads.map((thread) => ({
            itemId: item.id,
            escalationId: drafts[0]!.escalationId,
            threadId: thread.threadId,
            kind: drafts[0]!.kind,
            body: drafts[0]!.body,
            createdAt: now,
          })),
        )
        .onConflictDoNothing()
        .returning()
      drafts.push(...joined)
    }
    const edited = new Map(data.drafts.map((draft) => [draft.id, draft.body]))
    const unknown = data.drafts.find((draft) => !drafts.some((row) => row.id === draft.id))
    if (unknown) throw new ConflictError('One of these replies was already sent or removed; reload the page to see where things stand.')

    const [escalation] = drafts[0]!.escalationId ? await db.select().from(escalations).where(eq(escalations.id, drafts[0]!.escalationId)) : []
    const kind = drafts[0]!.kind
    const trackerLine = data.publishTrackerLink && escalation?.trackerUrl ? trackerLinkLine(kind, escalation.trackerUrl) : null
    const notices: (CustomerNotice & { own: boolean })[] = []
    for (const draft of drafts) {
      const written = edited.get(draft.id) ?? draft.body
      if (written.trim().length < 10) throw new ValidationError({ [`body-${draft.id}`]: 'A reply to customers needs at least 10 characters.' })
      const body = trackerLine && !written.includes(escalation!.trackerUrl!) ? `${written.trimEnd()}\n\n${trackerLine}` : written
      const reply = await postReply({ ctx: tx, input: { threadId: draft.threadId, body } })
      await db.update(loopReplies).set({ body, sentAt: now, sentById: actor.id, replyId: reply.id }).where(eq(loopReplies.id, draft.id))
      notices.push(...(await threadAudienceNotices(db, item.id, draft, escalation?.release ?? null, actor.id)))
    }
    // One event, one notice per person: an asker of a duplicate who is also an affected customer
    // of the kept thread hears once, on their own thread (their notices come first).
    notices.sort((a, b) => Number(b.own) - Number(a.own))
    const notified = await notifyCustomers(db, notices, `loop_${kind}`, now, `loop:${drafts[0]!.id}`)
    await recordEvent(db, item.id, 'loop_closed', actor.id, { kind, threads: drafts.length, notified, ...(trackerLine ? { trackerLinkPublished: true } : {}) }, now)
    if (kind === 'fixed')
      await emitWebhookEvent(
        db,
        'fix.announced',
        { itemId: item.id, escalationId: escalation?.id ?? null, extra: { release: escalation?.release ?? null, threadIds: drafts.map((draft) => draft.threadId), customersNotified: notified } },
        now,
      )

    if (kind === 'fixed' && item.state === 'fixed_pending_confirmation')
      // The customers were told just now: their time to confirm starts here.
      await db.update(queueItems).set({ fixedAt: now, updatedAt: now }).where(eq(queueItems.id, item.id))
    const next = kind === 'wont_fix' ? 'wont_fix' : kind === 'workaround' ? 'waiting_on_customer' : null
    if (next && item.state !== next && canTransition(item.state, next))
      await moveItem(
        db,
        item,
        { to: next, actorId: actor.id, reason: kind === 'wont_fix' ? 'The explanation was sent to the customers.' : 'The workaround was sent to the customers.' },
        now,
      )
    return { sent: drafts.length, notified }
  })
}

/** The thread's asker and subscribers, and (on the item's own thread) every affected customer. */
export async function threadAudienceNotices(db: Db, itemId: number, draft: Pick<LoopReply, 'threadId' | 'kind'>, release: string | null, actorId: number): Promise<(CustomerNotice & { own: boolean })[]> {
  const people = await queryRows<{ user_id: number; title: string; own: boolean }>(
    db,
    sql`
      select distinct x.user_id, t.title, x.user_id = t.author_id as own from threads t
      cross join lateral (
        select t.author_id as user_id
        union select s.user_id from subscriptions s where s.thread_id = t.id and s.subscribed
        union select c.user_id from queue_item_customers c join queue_items i on i.id = c.item_id
          where c.item_id = ${itemId} and i.thread_id = t.id
      ) x
      join users u on u.id = x.user_id and u.role = 'member'
      where t.id = ${draft.threadId} and x.user_id <> ${actorId}
        -- someone who unsubscribed from this thread chose not to hear about it
        and not exists (select 1 from subscriptions s where s.thread_id = t.id and s.user_id = x.user_id and not s.subscribed)`,
  )
  const message = (title: string) =>
    draft.kind === 'fixed'
      ? `Fixed${release ? ` in ${release}` : ''}: “${title}”. Let us know if it solved it for you.`
      : draft.kind === 'workaround'
        ? `A workaround for “${title}” from the team.`
        : `The team answered “${title}”.`
  return people.map((person) => ({ userId: person.user_id, threadId: draft.threadId, message: message(person.title), own: person.own }))
}
