import { sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { queryRows } from '../db/client'
import type { FlagReason, ReviewReason } from '../db/schema'
import { requireSignedIn, requireStaff } from '../policy'
import { trustName } from '../safety'
import { NotFoundError } from '../errors'

export const REVIEW_PAGE_SIZE = 50

export interface ReviewFlag {
  reason: FlagReason
  note: string
  by: string
  trust: string
}

export interface ReviewEntry {
  id: number
  reason: ReviewReason
  detail: string
  createdAt: Date
  threadId: number
  replyId: number | null
  title: string
  slug: string
  /** Sanitised when the post was written (src/forum/markdown.ts). */
  bodyHtml: string
  hidden: boolean
  hiddenReason: string | null
  author: { id: number; name: string; trust: string; since: Date; posts: number }
  flags: ReviewFlag[]
}

export interface ReviewQueue {
  entries: ReviewEntry[]
  total: number
}

interface Row {
  id: number
  reason: ReviewReason
  detail: string
  created_at: string | Date
  thread_id: number
  reply_id: number | null
  title: string
  slug: string
  body_html: string
  hidden: boolean
  hidden_reason: string | null
  author_id: number
  author_name: string
  author_trust: number
  author_since: string | Date
  author_posts: number
  flags: { reason: FlagReason; note: string; by: string; trust: number }[] | null
  total: number
}

/** /review: what waits for staff, oldest first, with each post, its author and its flags, in one round trip. */
export async function getReviewQueue(ctx: Ctx): Promise<ReviewQueue> {
  requireStaff(ctx, 'review posts')
  const rows = await queryRows<Row>(
    ctx.db,
    sql`select ri.id, ri.reason, ri.detail, ri.created_at, ri.thread_id, ri.reply_id, t.title, t.slug,
               coalesce(r.body_html, t.body_html) as body_html,
               (case when ri.reply_id is null then t.hidden_at else r.hidden_at end) is not null as hidden,
               case when ri.reply_id is null then t.hidden_reason else r.hidden_reason end as hidden_reason,
               a.id as author_id, a.display_name as author_name, a.trust_level as author_trust, a.created_at as author_since,
               ((select count(*) from threads x where x.author_id = a.id) + (select count(*) from replies y where y.author_id = a.id))::int as author_posts,
               (select json_agg(json_build_object('reason', f.reason, 'note', f.note, 'by', u.display_name, 'trust', f.flagger_trust) order by f.created_at)
                  from post_flags f join users u on u.id = f.flagger_id
                 where f.thread_id = ri.thread_id and f.reply_id is not distinct from ri.reply_id and f.resolved_at is null) as flags,
               count(*) over ()::int as total
          from review_items ri
          join threads t on t.id = ri.thread_id
          left join replies r on r.id = ri.reply_id
          join users a on a.id = ri.author_id
         where ri.status = 'pending'
         order by ri.created_at, ri.id
         limit ${REVIEW_PAGE_SIZE}`,
  )
  return {
    total: rows[0]?.total ?? 0,
    entries: rows.map((row) => ({
      id: row.id,
      reason: row.reason,
      detail: row.detail,
      createdAt: new Date(row.created_at),
      threadId: row.thread_id,
      replyId: row.reply_id,
      title: row.title,
      slug: row.slug,
      bodyHtml: row.body_html,
      hidden: row.hidden,
      hiddenReason: row.hidden_reason,
      author: { id: row.author_id, name: row.author_name, trust: trustName(row.author_trust), since: new Date(row.author_since), posts: row.author_posts },
      flags: (row.flags ?? []).map((flag) => ({ reason: flag.reason, note: flag.note, by: flag.by, trust: trustName(flag.trust) })),
    })),
  }
}

/** How many posts wait in /review (for the staff menu). */
export async function countPendingReviews(ctx: Ctx): Promise<number> {
  requireStaff(ctx, 'review posts')
  const [row] = await queryRows<{ count: number }>(ctx.db, sql`select count(*)::int as count from review_items where status = 'pending'`)
  return row?.count ?? 0
}

export interface FlagTarget {
  threadId: number
  replyId: number | null
  title: string
  slug: string
  excerpt: string
  authorName: string
}

/** The post a person is about to flag (only what they can see, and never their own). */
export async function getFlagTarget(ctx: Ctx, post: { threadId?: number; replyId?: number }): Promise<FlagTarget> {
  requireSignedIn(ctx, 'flag posts')
  const [row] = await queryRows<{ thread_id: number; reply_id: number | null; title: string; slug: string; body_text: string; author_name: string }>(
    ctx.db,
    post.replyId
      ? sql`select t.id as thread_id, r.id as reply_id, t.title, t.slug, r.body_text, u.display_name as author_name
              from replies r join threads t on t.id = r.thread_id join users u on u.id = r.author_id
             where r.id = ${post.replyId} and r.hidden_at is null and t.hidden_at is null`
      : sql`select t.id as thread_id, null::int as reply_id, t.title, t.slug, t.body_text, u.display_name as author_name
              from threads t join users u on u.id = t.author_id
             where t.id = ${post.threadId ?? 0} and t.hidden_at is null`,
  )
  if (!row) throw new NotFoundError(post.replyId ? 'That reply' : 'That thread')
  const excerpt = row.body_text.length > 300 ? `${row.body_text.slice(0, 300)}…` : row.body_text
  return { threadId: row.thread_id, replyId: row.reply_id, title: row.title, slug: row.slug, excerpt, authorName: row.author_name }
}
