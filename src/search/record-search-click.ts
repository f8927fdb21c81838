import { and, eq, gte, inArray } from 'drizzle-orm'
import type { VerbArgs } from '../ctx'
import { searchEvents, threads } from '../db/schema'
import { SearchClickInput } from './schemas'

const CLICK_WINDOW_MS = 24 * 60 * 60 * 1000

/**
 * Notes that a visitor opened a thread from their search or similar-question list, and
 * whether it was solved then: the raw material of the deflection figure. A click that does
 * not match the visitor's own recent search is ignored rather than refused: it is analytics.
 */
export async function recordSearchClick({ ctx, input }: VerbArgs): Promise<boolean> {
  const parsed = SearchClickInput.safeParse(input)
  if (!parsed.success) return false
  const data = parsed.data
  const now = ctx.now()
  const [source] = await ctx.db
    .select({ id: searchEvents.id })
    .from(searchEvents)
    .where(
      and(
        eq(searchEvents.id, data.eventId),
        eq(searchEvents.visitorKey, data.visitorKey),
        inArray(searchEvents.kind, ['search', 'similar']),
        gte(searchEvents.createdAt, new Date(now.getTime() - CLICK_WINDOW_MS)),
      ),
    )
  if (!source) return false
  const [thread] = await ctx.db
    .select({ solved: threads.acceptedReplyId })
    .from(threads)
    .where(eq(threads.id, data.threadId))
  if (!thread) return false
  await ctx.db.insert(searchEvents).values({
    kind: 'click',
    searchEventId: source.id,
    threadId: data.threadId,
    solved: thread.solved !== null,
    visitorKey: data.visitorKey,
    userId: ctx.actor?.id ?? null,
    createdAt: now,
  })
  return true
}
