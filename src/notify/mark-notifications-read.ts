import { and, eq, isNull } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import type { VerbArgs } from '../ctx'
import { notifications } from '../db/schema'

/** Marks all of the actor's notifications as read. */
export async function markNotificationsRead({ ctx }: VerbArgs): Promise<number> {
  const actor = requireSignedIn(ctx, 'read notifications')
  const rows = await ctx.db
    .update(notifications)
    .set({ readAt: ctx.now() })
    .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id })
  return rows.length
}
