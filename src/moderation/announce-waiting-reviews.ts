import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { notifyStaff } from '../notify'


/** Who is told: support staff (the moderators here) and admins. Engineers review nothing in daily work. */
const TOLD_ROLES = ['support', 'admin'] as const

/** How many titles a notice names; the rest are a count. */
const TITLES_NAMED = 3

interface Waiting {
  id: number
  reason: string
  title: string
}

/**
 * Tells support and admins, once per batch, about /review entries whose post is out of sight now
 * (held by the filters, or hidden by flags) and that nobody was told of yet: one in-app notice
 * each (mailed through the notifications' outbox, as their mail preferences say). Entries still
 * public (one flag, a watched word that only flags) wait in the header count until they are
 * hidden. Idempotent: the entries are marked in the same transaction, and the notice's event key
 * names them, so a second delivery tells nobody twice.
 */
export async function announceWaitingReviews(db: Db, now: Date): Promise<number> {
  const waiting = await queryRows<Waiting>(
    db,
    sql`select ri.id, ri.reason, t.title
          from review_items ri
          join threads t on t.id = ri.thread_id
          left join replies r on r.id = ri.reply_id
         where ri.status = 'pending' and ri.staff_notified_at is null
           and (case when ri.reply_id is null then t.hidden_at else r.hidden_at end) is not null
         order by ri.id
           for update of ri skip locked`,
  )
  if (waiting.length === 0) return 0
  const ids = waiting.map((entry) => entry.id)
  await db.execute(sql`update review_items set staff_notified_at = ${now.toISOString()}::timestamptz where id = any(${`{${ids.join(',')}}`}::int[])`)
  const recipients = await queryRows<{ id: number }>(
    db,
    sql`select id from users where role in (${sql.join(TOLD_ROLES.map((role) => sql`${role}`), sql`, `)}) and deleted_at is null order by id`,
  )
  const flagged = waiting.filter((entry) => entry.reason === 'flagged').length
  const held = waiting.length - flagged
  const parts = [held ? `${held} held by the filters` : '', flagged ? `${flagged} hidden by members’ flags` : ''].filter(Boolean).join(' and ')
  const titles = [...new Set(waiting.map((entry) => entry.title))]
  const named = titles.slice(0, TITLES_NAMED).map((title) => `“${title.length > 80 ? `${title.slice(0, 79)}…` : title}”`)
  const more = titles.length > TITLES_NAMED ? ` and ${titles.length - TITLES_NAMED} more` : ''
  const message = `${waiting.length === 1 ? '1 post waits' : `${waiting.length} posts wait`} for review (${parts}): ${named.join(', ')}${more}.`
  await notifyStaff(
    db,
    recipients.map((person) => person.id),
    'review_waiting',
    null,
    message,
    now,
    { eventKey: `review_waiting:${ids[0]}-${ids[ids.length - 1]}` },
  )
  return waiting.length
}
