import { desc, eq, sql } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows } from '../db/client'
import { notifications } from '../db/schema'

/** The viewer's latest notifications: staff's point at items, customers' at their threads. */
export async function listNotifications(ctx: Ctx) {
  const actor = requireSignedIn(ctx, 'see notifications')
  return ctx.db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      itemId: notifications.itemId,
      thread: sql<{ id: number; slug: string } | null>`(select json_build_object('id', t.id, 'slug', t.slug) from threads t where t.id = ${notifications.threadId} and t.hidden_at is null)`,
      message: notifications.message,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(eq(notifications.userId, actor.id))
    .orderBy(desc(notifications.createdAt))
    .limit(50)
}

export async function countUnreadNotifications(ctx: Ctx): Promise<number> {
  if (!ctx.actor) return 0
  const [row] = await queryRows<{ n: number }>(
    ctx.db,
    sql`select count(*)::int as n from notifications where user_id = ${ctx.actor!.id} and read_at is null`,
  )
  return row?.n ?? 0
}

