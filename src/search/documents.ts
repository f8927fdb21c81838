import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'

/** A thread as an external search engine stores it: text by importance, plus filter fields. */
export interface ThreadDocument {
  id: number
  title: string
  body: string
  accepted: string
  replies: string
  categoryId: number
  tags: string[]
  solved: boolean
  answered: boolean
  /** Unix seconds, so engines can filter and sort by it. */
  createdAt: number
  upvotes: number
}

/**
 * Documents for the visible threads among `threadIds`, and the ids that must leave the index
 * (hidden or gone), read in one query.
 */
export async function loadThreadDocuments(db: Db, threadIds: number[]): Promise<{ documents: ThreadDocument[]; removed: number[] }> {
  if (threadIds.length === 0) return { documents: [], removed: [] }
  const rows = await queryRows<{
    id: number
    title: string
    body: string
    accepted: string | null
    replies: string | null
    category_id: number
    tags: string[] | null
    solved: boolean
    answered: boolean
    created_at: number
    upvotes: number
  }>(
    db,
    sql`
      select t.id, t.title, left(t.body_text, 4000) as body, left(a.body_text, 2000) as accepted,
        (select left(string_agg(r.body_text, ' ' order by r.upvote_count desc, r.created_at), 3000)
         from (select body_text, upvote_count, created_at from replies r
               where r.thread_id = t.id and r.hidden_at is null and r.id is distinct from t.accepted_reply_id
               order by r.upvote_count desc, r.created_at limit 10) r) as replies,
        t.category_id,
        (select array_agg(tg.name order by tg.name) from thread_tags tt join tags tg on tg.id = tt.tag_id where tt.thread_id = t.id) as tags,
        t.accepted_reply_id is not null as solved, t.answered_at is not null as answered,
        extract(epoch from t.created_at)::float8 as created_at, t.upvote_count as upvotes
      from threads t
      left join replies a on a.id = t.accepted_reply_id and a.hidden_at is null
      where t.id = any(array[${sql.join(threadIds.map((id) => sql`${id}`), sql`, `)}]::int[]) and t.hidden_at is null`,
  )
  const documents = rows.map((row) => ({
    id: row.id,
    title: row.title,
    body: row.body,
    accepted: row.accepted ?? '',
    replies: row.replies ?? '',
    categoryId: row.category_id,
    tags: row.tags ?? [],
    solved: row.solved,
    answered: row.answered,
    createdAt: Math.floor(row.created_at),
    upvotes: row.upvotes,
  }))
  const visible = new Set(documents.map((document) => document.id))
  return { documents, removed: threadIds.filter((id) => !visible.has(id)) }
}
