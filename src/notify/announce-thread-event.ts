import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { notifyCustomers, notifyStaff, type CustomerNotice } from './notify-people'

// Who hears about what happens on a thread, decided in one place. The forum writes an outbox row
// with each reply and each accepted answer (in the transaction of the change); this runs when it
// is delivered, so a reply costs the poster nothing and a crash loses no notice.

import type { ThreadEventPayload as ThreadEvent } from '../outbox'

interface Audience {
  user_id: number
  role: string
  is_asker: boolean
}

interface ReplyFacts {
  thread_id: number
  title: string
  asker_id: number
  author_id: number
  author_name: string
  author_role: string
  hidden: boolean
  loop_reply: boolean
  /** Support replied from the item and, in the same step, set it waiting on the customer: a question for them. */
  asks_customer: boolean
  /** The open item of the thread and who works it (a customer's reply is theirs to answer). */
  item_id: number | null
  item_title: string | null
  assignee_id: number | null
}

/**
 * The thread's asker and everyone who follows it, less whoever caused the event and whoever
 * chose to stop following the thread. The audience is gathered first (asker, then followers) and
 * only those users read: joined on "asker or follower", the planner walked every user for each
 * event (59 ms a call with 1,936 users in the replay's soak, and it grows with the forum).
 */
async function threadAudience(db: Db, threadId: number, except: number[]): Promise<Audience[]> {
  return queryRows<Audience>(
    db,
    sql`
      select u.id as user_id, u.role, u.id = t.author_id as is_asker
      from threads t
      cross join lateral (
        select t.author_id as id
        union
        select s.user_id from subscriptions s where s.thread_id = t.id and s.subscribed
      ) audience
      join users u on u.id = audience.id
      where t.id = ${threadId} and t.hidden_at is null
        and not exists (select 1 from subscriptions s where s.thread_id = t.id and s.user_id = u.id and not s.subscribed)
        and u.id <> all(${`{${except.join(',')}}`}::int[])
      order by u.id`,
  )
}

/** Writes the notices of one thread event: one per person, however often delivery runs. */
export async function announceThreadEvent(db: Db, event: ThreadEvent, now: Date): Promise<number> {
  if (event.kind === 'reply') return announceReply(db, event.replyId, now)
  return announceAcceptedAnswer(db, event.threadId, event.replyId, now)
}

async function announceReply(db: Db, replyId: number, now: Date): Promise<number> {
  const [reply] = await queryRows<ReplyFacts>(
    db,
    sql`
      select r.thread_id, t.title, t.author_id as asker_id, r.author_id, u.display_name as author_name, u.role as author_role,
        (r.hidden_at is not null or t.hidden_at is not null) as hidden,
        exists (select 1 from loop_replies l where l.reply_id = r.id) as loop_reply,
        exists (
          select 1 from queue_item_events p join queue_item_events w on w.item_id = p.item_id
          where p.kind = 'public_reply' and p.data->>'replyId' = r.id::text
            and w.kind = 'state_changed' and w.data->>'to' = 'waiting_on_customer' and w.id > p.id
            and w.actor_id is not distinct from p.actor_id and w.created_at <= p.created_at + interval '1 minute'
        ) as asks_customer,
        i.id as item_id, i.title as item_title, i.assignee_id
      from replies r join threads t on t.id = r.thread_id join users u on u.id = r.author_id
      left join queue_items i on i.thread_id = t.id and i.state not in ('resolved', 'wont_fix')
      where r.id = ${replyId}`,
  )
  // A loop-closing reply is announced with the loop (its notice carries "this solved it").
  if (!reply || reply.hidden || reply.loop_reply) return 0
  const staff = reply.author_role !== 'member'
  // A customer's reply on an item someone works: the assignee hears it as work on the item (once,
  // even if they also follow the thread).
  const assignee = !staff && reply.item_id && reply.assignee_id ? reply.assignee_id : null
  if (assignee)
    await notifyStaff(db, [assignee], 'customer_reply', reply.item_id, `${reply.author_name} replied on “${reply.item_title ?? reply.title}”.`, now, {
      eventKey: `customer_reply:${replyId}`,
    })
  const audience = await threadAudience(db, reply.thread_id, assignee ? [reply.author_id, assignee] : [reply.author_id])
  // Support's question to the customer (the item now waits on them) reads as one; to followers it is a reply.
  const asks = staff && reply.asks_customer
  const notices: CustomerNotice[] = audience.map((person) => ({
    userId: person.user_id,
    threadId: reply.thread_id,
    message:
      asks && person.is_asker
        ? `Support needs more information from you about “${reply.title}”: please answer their question on the thread.`
        : staff
          ? `Support replied to ${person.is_asker ? 'your question ' : ''}“${reply.title}”.`
          : `${reply.author_name} replied to ${person.is_asker ? 'your question ' : ''}“${reply.title}”.`,
  }))
  const askerNotices = asks ? notices.filter((notice) => notice.userId === reply.asker_id) : []
  const others = asks ? notices.filter((notice) => notice.userId !== reply.asker_id) : notices
  const event = `reply:${replyId}`
  const asked = askerNotices.length ? await notifyCustomers(db, askerNotices, 'needs_info', now, event) : 0
  return asked + (await notifyCustomers(db, others, staff ? 'support_reply' : 'reply', now, event))
}

async function announceAcceptedAnswer(db: Db, threadId: number, replyId: number, now: Date): Promise<number> {
  const [facts] = await queryRows<{ title: string; asker_id: number; answerer_id: number; accepted_by_id: number | null; still_accepted: boolean }>(
    db,
    sql`
      select t.title, t.author_id as asker_id, r.author_id as answerer_id, t.accepted_by_id,
        t.accepted_reply_id is not distinct from r.id and t.hidden_at is null and r.hidden_at is null as still_accepted
      from threads t join replies r on r.id = ${replyId} and r.thread_id = t.id
      where t.id = ${threadId}`,
  )
  // Unmarked again before delivery: nothing to tell.
  if (!facts || !facts.still_accepted) return 0
  const except = facts.accepted_by_id ? [facts.accepted_by_id] : []
  const audience = await threadAudience(db, threadId, except)
  const notices: CustomerNotice[] = []
  if (facts.answerer_id !== facts.accepted_by_id)
    notices.push({ userId: facts.answerer_id, threadId, message: `Your answer to “${facts.title}” was accepted as the solution.` })
  for (const person of audience)
    notices.push({
      userId: person.user_id,
      threadId,
      message: person.is_asker ? `Your question “${facts.title}” has an accepted answer.` : `“${facts.title}” has an accepted answer.`,
    })
  return notifyCustomers(db, notices, 'accepted', now, `accepted:${threadId}:${replyId}`)
}
