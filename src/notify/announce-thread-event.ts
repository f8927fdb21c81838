import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { notifyCustomers, type CustomerNotice } from './notify-people'

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
}

/**
 * The thread's asker and everyone who follows it, less whoever caused the event and whoever
 * chose to stop following the thread.
 */
async function threadAudience(db: Db, threadId: number, except: number[]): Promise<Audience[]> {
  return queryRows<Audience>(
    db,
    sql`
      select u.id as user_id, u.role, u.id = t.author_id as is_asker
      from threads t
      join users u on u.id = t.author_id
        or u.id in (select s.user_id from subscriptions s where s.thread_id = t.id and s.subscribed)
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
        exists (select 1 from loop_replies l where l.reply_id = r.id) as loop_reply
      from replies r join threads t on t.id = r.thread_id join users u on u.id = r.author_id
      where r.id = ${replyId}`,
  )
  // A loop-closing reply is announced with the loop (its notice carries "this solved it").
  if (!reply || reply.hidden || reply.loop_reply) return 0
  const staff = reply.author_role !== 'member'
  const audience = await threadAudience(db, reply.thread_id, [reply.author_id])
  const notices: CustomerNotice[] = audience.map((person) => ({
    userId: person.user_id,
    threadId: reply.thread_id,
    message: staff
      ? `Support replied to ${person.is_asker ? 'your question ' : ''}“${reply.title}”.`
      : `${reply.author_name} replied to ${person.is_asker ? 'your question ' : ''}“${reply.title}”.`,
  }))
  return notifyCustomers(db, notices, staff ? 'support_reply' : 'reply', now, `reply:${replyId}`)
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
