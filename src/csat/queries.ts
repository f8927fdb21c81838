import { sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { queryRows } from '../db/client'
import { readMailToken, type MailTokenState } from '../mail-preferences'
import { isStaff, requireStaff } from '../policy'

export interface CsatLinkView {
  state: MailTokenState
  /** Rated already (by this link or on the thread): the link has nothing left to do. */
  rated: boolean
  /** What was resolved, in the asker's words (their question's title), and where it is. */
  title: string | null
  thread: { id: number; slug: string } | null
}

/** Where a CSAT mail's link stands, for its page (reading it changes nothing). */
export async function getCsatLink(ctx: Ctx, token: string): Promise<CsatLinkView> {
  const read = await readMailToken(ctx.db, token, ['csat'], ctx.now())
  if (read.state === 'unknown') return { state: 'unknown', rated: false, title: null, thread: null }
  const link = read as Exclude<typeof read, { state: 'unknown' }>
  const requestId = Number(link.data.csatRequestId)
  const [row] = Number.isInteger(requestId)
    ? await queryRows<{ title: string; thread_id: number | null; slug: string | null; hidden: boolean; rated: boolean }>(
        ctx.db,
        sql`
          select coalesce(t.title, i.title) as title, t.id as thread_id, t.slug, t.hidden_at is not null as hidden,
            exists (select 1 from csat_ratings r where r.request_id = q.id) as rated
          from csat_requests q
          join queue_items i on i.id = q.item_id
          left join threads t on t.id = q.thread_id
          where q.id = ${requestId} and q.user_id = ${link.userId}`,
      )
    : []
  if (!row) return { state: 'unknown', rated: false, title: null, thread: null }
  return {
    state: link.state,
    rated: row.rated,
    title: row.title,
    thread: row.thread_id && row.slug && !row.hidden ? { id: row.thread_id, slug: row.slug } : null,
  }
}

/** For the asker on their thread page: the newest request they have not answered or put away. */
export async function getCsatPrompt(ctx: Ctx, threadId: number): Promise<{ requestId: number } | null> {
  if (!ctx.actor || isStaff(ctx.actor)) return null
  const [row] = await queryRows<{ id: number }>(
    ctx.db,
    sql`
      select q.id from csat_requests q
      where q.thread_id = ${threadId} and q.user_id = ${ctx.actor.id} and q.dismissed_at is null
        and not exists (select 1 from csat_ratings r where r.request_id = q.id)
      order by q.asked_at desc, q.id desc
      limit 1`,
  )
  return row ? { requestId: row.id } : null
}

export interface ItemCsat {
  askedAt: Date
  askedName: string
  rating: { value: number; comment: string | null; ratedAt: Date } | null
}

/**
 * Staff only: whether the item's asker was asked, and their rating with its comment. The comment
 * is read nowhere else (no public page, mail, customer webhook or API).
 */
export async function getItemCsat(ctx: Ctx, itemId: number): Promise<ItemCsat | null> {
  requireStaff(ctx, 'see customer satisfaction ratings')
  const [row] = await queryRows<{ asked_at: string; asked_name: string; rating: number | null; comment: string | null; rated_at: string | null }>(
    ctx.db,
    sql`
      select q.asked_at::text, u.display_name as asked_name, r.rating, r.comment, r.rated_at::text
      from csat_requests q
      join users u on u.id = q.user_id
      left join csat_ratings r on r.request_id = q.id
      where q.item_id = ${itemId}`,
  )
  if (!row) return null
  return {
    askedAt: new Date(row.asked_at),
    askedName: row.asked_name,
    rating: row.rating ? { value: row.rating, comment: row.comment, ratedAt: new Date(row.rated_at!) } : null,
  }
}
