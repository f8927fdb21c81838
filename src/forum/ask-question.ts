import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { categories, threads } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { renderPostBody } from './render-post-body'
import { AskQuestionInput } from './schemas'
import { slugify } from './slug'
import { setThreadTags, subscribeUnlessChosen, threadChanged } from './thread-state'
import { emitWebhookEvent } from '../webhooks'

/** A signed-in person asks a question; it is public at once and they follow it. */
export async function askQuestion({ ctx, input }: VerbArgs): Promise<{ id: number; slug: string }> {
  const actor = requireSignedIn(ctx, 'ask a question')
  const data = parseInput(AskQuestionInput, input)
  const body = renderPostBody(data.body, 'Question')
  return inTransaction(ctx, async ({ db }) => {
    const [category] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, data.categoryId))
    if (!category) throw new ValidationError({ categoryId: 'Choose one of the listed categories.' })
    const now = ctx.now()
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
      })
      .returning({ id: threads.id })
    await setThreadTags(db, thread!.id, data.tags)
    await subscribeUnlessChosen(db, thread!.id, actor.id, now)
    await threadChanged(db, thread!.id, now)
    await emitWebhookEvent(db, 'thread.created', { threadId: thread!.id }, now)
    return { id: thread!.id, slug }
  })
}
