import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { csatRequests } from '../db/schema'
import { notifyCustomers } from '../notify'
import { recordEvent } from '../queue'

interface ResolvedItem {
  id: number
  state: string
  title: string
  kind: 'question' | 'bug' | 'incident' | 'feature_request' | 'billing'
  team_slug: string
  thread_id: number | null
  thread_title: string | null
  thread_hidden: boolean
  resolved_at: Date | string | null
  merged_into_item_id: number | null
  asker_id: number | null
  asker_role: string | null
  engineer_id: number | null
}

/**
 * Asks the asker of a resolved item, once, "Did this solve your problem?": an in-app notice (and
 * the prompt on their thread page) and, through notify/, a mail with a signed rating link. Runs
 * from the outbox (CSAT_ASK) an hour after the item resolved. Asks nothing when the item is no
 * longer resolved, was closed into another item (nothing was solved for its asker yet), has no
 * asker, or its asker is staff; the unique item_id makes a second delivery a no-op.
 */
export async function askForRating(db: Db, itemId: number, now: Date): Promise<number | null> {
  const [item] = await queryRows<ResolvedItem>(
    db,
    sql`
      select i.id, i.state, i.title, i.kind, i.team_slug, i.thread_id, t.title as thread_title,
        coalesce(t.hidden_at is not null, false) as thread_hidden, i.resolved_at, i.merged_into_item_id,
        u.id as asker_id, u.role as asker_role,
        -- the staff member credited with the resolution: the assignee, else a staff resolver
        coalesce(i.assignee_id, (select r.id from users r where r.id = i.resolved_by_id and r.role <> 'member')) as engineer_id
      from queue_items i
      left join threads t on t.id = i.thread_id
      left join users u on u.id = coalesce(i.requester_id, t.author_id)
      where i.id = ${itemId}
      for update of i`,
  )
  if (!item || item.state !== 'resolved' || item.merged_into_item_id || !item.asker_id || item.asker_role !== 'member' || !item.resolved_at) return null
  const [request] = await db
    .insert(csatRequests)
    .values({
      itemId: item.id,
      userId: item.asker_id,
      threadId: item.thread_id,
      teamSlug: item.team_slug,
      itemKind: item.kind,
      engineerId: item.engineer_id,
      resolvedAt: new Date(item.resolved_at),
      askedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: csatRequests.id })
  if (!request) return null
  const title = item.thread_title ?? item.title
  await notifyCustomers(
    db,
    [{ userId: item.asker_id, threadId: item.thread_hidden ? null : item.thread_id, message: `Did we solve your problem with “${title}”? Rate it from 1 to 5.` }],
    'csat_request',
    now,
    `csat:${request.id}`,
  )
  await recordEvent(db, item.id, 'csat_requested', null, { csatRequestId: request.id }, now)
  return request.id
}
