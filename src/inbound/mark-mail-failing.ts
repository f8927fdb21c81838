import { eq, sql } from 'drizzle-orm'
import { queryRows, type Db } from '../db/client'
import { users } from '../db/schema'
import type { Bounce } from './classify-inbound-mail'

/**
 * A permanent bounce of one of our mails marks its person's address as failing (shown on their
 * admin page). The report is matched to the mail we sent by the Message-ID it quotes, else by its
 * recipient; either way only while the person still has the address that bounced (a changed
 * address clears the mark and must not get it back from an old bounce).
 */
export async function markMailFailing(db: Db, bounce: Bounce, now: Date): Promise<number | null> {
  if (bounce.messageIds.length === 0 && bounce.recipients.length === 0) return null
  const reason = `Mail bounced${bounce.recipients[0] ? ` from ${bounce.recipients[0]}` : ''}: ${bounce.diagnostic}`.slice(0, 500)
  const byMessage = bounce.messageIds.length ? sql`m.message_id in (${sql.join(bounce.messageIds.map((id) => sql`${id}`), sql`, `)})` : sql`false`
  const byRecipient = bounce.recipients.length ? sql`u.email in (${sql.join(bounce.recipients.map((address) => sql`${address}`), sql`, `)})` : sql`false`
  const [person] = await queryRows<{ id: number }>(
    db,
    sql`
      select u.id from users u join mail_messages m on m.user_id = u.id
      where (${byMessage} or ${byRecipient}) and strpos(lower(m.to_address), u.email) > 0
      order by (${byMessage}) desc, m.created_at desc limit 1`,
  )
  if (!person) return null
  if (bounce.permanent) await db.update(users).set({ mailFailingAt: now, mailFailingReason: reason }).where(eq(users.id, person.id))
  return person.id
}
