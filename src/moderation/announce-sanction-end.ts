import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import type { SanctionKind } from '../db/schema'
import { sanctionInForceSql } from '../safety'
import { emitWebhookEvent } from '../webhooks'

export interface EndedSanction {
  id: number
  userId: number
  kind: SanctionKind
  startsAt: Date
  endsAt: Date | null
}

/**
 * user.unsuspended / user.unsilenced for a sanction that has just ended, in the caller's
 * transaction: `lifted` by staff (who: internal endpoints only, as for the sanction itself) or
 * `expired`. Nothing when another sanction of the same kind still holds the person (its own end
 * will say so). The event's id names the sanction, so whoever notices the end first sends it and
 * any later notice (a retry, a lift after the timer ran out) writes nothing.
 */
export async function announceSanctionEnd(
  db: Db,
  sanction: EndedSanction,
  ended: { how: 'lifted'; by: { id: number; name: string } } | { how: 'expired' },
  now: Date,
): Promise<string | null> {
  const [person] = await queryRows<{ name: string; still: unknown }>(
    db,
    sql`select u.display_name as name, ${sanctionInForceSql(sql`u.id`, sanction.kind, now)} as still from users u where u.id = ${sanction.userId}`,
  )
  if (!person || person.still) return null
  const endedAt = ended.how === 'expired' && sanction.endsAt ? sanction.endsAt : now
  return emitWebhookEvent(
    db,
    sanction.kind === 'suspend' ? 'user.unsuspended' : 'user.unsilenced',
    {
      extra: {
        user: { id: sanction.userId, name: person.name },
        sanction: { id: sanction.id, startsAt: sanction.startsAt.toISOString(), endsAt: sanction.endsAt?.toISOString() ?? null, endedAt: endedAt.toISOString(), ended: ended.how },
      },
      ...(ended.how === 'lifted' ? { internal: { by: ended.by } } : {}),
    },
    now,
    { eventId: `msg_sanction_${sanction.id}_ended` },
  )
}

/**
 * The sanction's timer (an outbox row due at its end): announces that it ran out, unless staff
 * lifted it first (the lift announced it). The row lock orders this against a lift in progress.
 */
export async function announceSanctionExpiry(db: Db, sanctionId: number, now: Date): Promise<string | null> {
  const [row] = await queryRows<{ id: number; user_id: number; kind: SanctionKind; starts_at: string; ends_at: string | null; lifted: boolean }>(
    db,
    sql`select id, user_id, kind, starts_at::text, ends_at::text, lifted_at is not null as lifted from account_sanctions where id = ${sanctionId} for update`,
  )
  if (!row || row.lifted || !row.ends_at || new Date(row.ends_at).getTime() > now.getTime()) return null
  return announceSanctionEnd(
    db,
    { id: row.id, userId: row.user_id, kind: row.kind, startsAt: new Date(row.starts_at), endsAt: new Date(row.ends_at) },
    { how: 'expired' },
    now,
  )
}
