import { and, eq, isNull, sql } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { postFlags, replies, threads } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { setPostVisibility } from '../forum'
import { requireSignedIn } from '../policy'
import { checkWriteAllowed, FlagPostInput, getSafetySettings, queueForReview, STAFF_TRUST, TRUST } from '../safety'
import { parseInput } from '../validation'

const REASON_WORDS = { spam: 'Spam', off_topic: 'Off-topic', abusive: 'Abusive', other: 'Something else' } as const

/**
 * A member flags a question or reply. The post goes to /review; once enough people of basic
 * trust or above (the admin's threshold), or one member of staff, have flagged it, it is hidden
 * ('flagged') until staff decide. Flagging a post twice changes nothing.
 */
export async function flagPost({ ctx, input }: VerbArgs<FlagPostInput>): Promise<{ threadId: number; replyId: number | null; hidden: boolean; already: boolean }> {
  const actor = requireSignedIn(ctx, 'flag posts')
  const data = parseInput(FlagPostInput, input)
  const standing = (await checkWriteAllowed(ctx, 'flag'))!
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const [thread] = await db.select().from(threads).where(eq(threads.id, data.threadId)).for('update')
    const [reply] = data.replyId ? await db.select().from(replies).where(and(eq(replies.id, data.replyId), eq(replies.threadId, data.threadId))) : [null]
    const post = data.replyId ? reply : thread
    // Flags are for what people can see: a hidden post is already in staff's hands.
    if (!thread || !post || thread.hiddenAt || post.hiddenAt) throw new NotFoundError(data.replyId ? 'That reply' : 'That thread')
    if (post.authorId === actor.id) throw new ForbiddenError("You can't flag your own post. Edit it instead.")
    const inserted = await db
      .insert(postFlags)
      .values({ threadId: thread.id, replyId: data.replyId, flaggerId: actor.id, reason: data.reason, note: data.note, flaggerTrust: standing.trust, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: postFlags.id })
    if (inserted.length === 0) return { threadId: thread.id, replyId: data.replyId, hidden: false, already: true }
    await queueForReview(
      db,
      { threadId: thread.id, replyId: data.replyId, authorId: post.authorId, reason: 'flagged', detail: `${REASON_WORDS[data.reason]}${data.note ? `: ${data.note}` : ''}` },
      now,
    )
    const [counted] = await db
      .select({ trusted: sql<number>`count(*) filter (where ${postFlags.flaggerTrust} >= ${TRUST.basic})::int`, staff: sql<number>`count(*) filter (where ${postFlags.flaggerTrust} >= ${STAFF_TRUST})::int` })
      .from(postFlags)
      .where(and(eq(postFlags.threadId, thread.id), data.replyId ? eq(postFlags.replyId, data.replyId) : isNull(postFlags.replyId), isNull(postFlags.resolvedAt)))
    const settings = await getSafetySettings(db)
    const hide = (counted?.staff ?? 0) > 0 || (counted?.trusted ?? 0) >= settings.flagsToHide
    if (hide) await setPostVisibility(db, { threadId: thread.id, replyId: data.replyId }, { hidden: true, reason: 'flagged', byId: null }, now)
    return { threadId: thread.id, replyId: data.replyId, hidden: hide, already: false }
  })
}
