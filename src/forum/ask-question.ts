import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { categories, threads } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { renderPostBody } from './render-post-body'
import { AskQuestionInput } from './schemas'
import { announceHeld } from './post-visibility'
import { slugify } from './slug'
import { setThreadTags, subscribeUnlessChosen, threadChanged } from './thread-state'
import { emitWebhookEvent } from '../webhooks'
import { checkWriteAllowed, promoteIfEarned, queueForReview, screenPost } from '../safety'

/**
 * A signed-in person asks a question and follows it. It is public at once, unless trust and
 * safety hold it for review ('held': hidden, announced when staff approve it) or refuse it.
 */
export async function askQuestion({ ctx, input }: VerbArgs): Promise<{ id: number; slug: string; held: boolean }> {
  const actor = requireSignedIn(ctx, 'ask a question')
  const data = parseInput(AskQuestionInput, input)
  const body = renderPostBody(data.body, 'Question')
  const standing = await checkWriteAllowed(ctx, 'ask')
  return inTransaction(ctx, async ({ db }) => {
    const [category] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, data.categoryId))
    if (!category) throw new ValidationError({ categoryId: 'Choose one of the listed categories.' })
    const now = ctx.now()
    const screening = await screenPost(db, standing!, { kind: 'question', title: data.title, markdown: data.body, html: body.html }, now, ctx.mail?.publicUrl)
    const slug = slugify(data.title)
    const [thread] = await db
      .insert(threads)
      .values({
        categoryId: category.id,
        authorId: actor.id,
        title: data.title,
        slug,
        bodyMarkdown: data.body,
        bodyHtml: body.html,
        bodyText: body.text,
        createdAt: now,
        lastActivityAt: now,
        visitorKey: data.visitorKey ?? null,
        ...(screening.hold ? { hiddenAt: now, hiddenReason: 'held' } : {}),
      })
      .returning({ id: threads.id })
    await setThreadTags(db, thread!.id, data.tags)
    await subscribeUnlessChosen(db, thread!.id, actor.id, now)
    await threadChanged(db, thread!.id, now)
    const review = screening.hold ?? (screening.flag ? { reason: 'watched_word' as const, detail: screening.flag.detail } : null)
    if (review) await queueForReview(db, { threadId: thread!.id, replyId: null, authorId: actor.id, ...review }, now)
    if (screening.hold) await announceHeld(db, { threadId: thread!.id, replyId: null }, screening.hold, now)
    if (screening.hold) return { id: thread!.id, slug, held: true }
    await emitWebhookEvent(db, 'thread.created', { threadId: thread!.id }, now)
    await promoteIfEarned(db, actor.id, now)
    return { id: thread!.id, slug, held: false }
  })
}
