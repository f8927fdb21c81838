import { eq } from 'drizzle-orm'
import { requireSignedIn } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { categories, threads } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { allowed, refuseEdit } from './policy'
import { renderPostBody } from './render-post-body'
import { EditThreadInput } from './schemas'
import { slugify } from './slug'
import { lockThread, setThreadTags, threadChanged } from './thread-state'
import { checkWriteAllowed, queueForReview, screenPost } from '../safety'
import { announceHeld, setPostVisibility } from './post-visibility'

/** Edits a question's title, body, category and tags; content changes get the edited mark. */
export async function editThread({ ctx, input }: VerbArgs): Promise<{ id: number; slug: string }> {
  const actor = requireSignedIn(ctx, 'edit posts')
  const data = parseInput(EditThreadInput, input)
  const body = renderPostBody(data.body, 'Question')
  const standing = await checkWriteAllowed(ctx, 'edit')
  return inTransaction(ctx, async ({ db }) => {
    const thread = await lockThread(db, data.threadId, actor)
    allowed(refuseEdit(actor, thread, thread))
    const screening = await screenPost(db, standing!, { kind: 'edit', title: data.title, markdown: data.body, html: body.html }, ctx.now(), ctx.mail?.publicUrl)
    const [category] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, data.categoryId))
    if (!category) throw new ValidationError({ categoryId: 'Choose one of the listed categories.' })
    const contentChanged = data.title !== thread.title || data.body !== thread.bodyMarkdown
    const slug = slugify(data.title)
    await db
      .update(threads)
      .set({
        title: data.title,
        slug,
        bodyMarkdown: data.body,
        bodyHtml: body.html,
        bodyText: body.text,
        categoryId: category.id,
        editedAt: contentChanged ? ctx.now() : thread.editedAt,
      })
      .where(eq(threads.id, thread.id))
    await setThreadTags(db, thread.id, data.tags)
    await threadChanged(db, thread.id, ctx.now())
    // An edit that adds what would have held a new post goes back to review, out of sight.
    const review = screening.hold ?? (screening.flag ? { reason: 'watched_word' as const, detail: screening.flag.detail } : null)
    if (review) await queueForReview(db, { threadId: thread.id, replyId: null, authorId: thread.authorId, ...review }, ctx.now())
    if (screening.hold && !thread.hiddenAt) await announceHeld(db, { threadId: thread.id, replyId: null }, screening.hold, ctx.now())
    if (screening.hold && !thread.hiddenAt) await setPostVisibility(db, { threadId: thread.id, replyId: null }, { hidden: true, reason: 'held', byId: null }, ctx.now())
    return { id: thread.id, slug }
  })
}
