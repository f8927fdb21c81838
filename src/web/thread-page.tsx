import type { Context } from 'hono'
import { emptyForm, type FormState } from '../../views/components'
import { createHash } from 'node:crypto'
import { QuestionBody, ReplyBody, ThreadPage, threadJsonLd, type SharedThreadHtml, type StaffForms } from '../../views/forum/thread'
import { getThreadPage, REPLY_LIMITS, type ThreadHeaderRow, type ThreadPageData } from '../forum'
import { getCsatPrompt } from '../csat'
import { getFixConfirmation } from '../escalations'
import { getResponseExpectation, getSupportStatus, getThreadNotes, supportStatusOf, threadSupportItemColumn } from '../queue'
import { chrome } from './chrome'
import type { FormStatus } from './forms'
import type { AppEnv } from './types'

// The thread page is rendered by the forum's routes and, when a staff tool on it refuses its
// input, by the queue's: both come here, so a refused form always comes back on the same page.

/** The thread page with the support queue's view of it (status; for staff the item and notes). */
export async function threadPageView(
  c: Context<AppEnv>,
  data: ThreadPageData,
  replyForm: FormState,
  options: { csrfToken?: string; replyPreviewHtml?: string; staffForms?: Partial<StaffForms>; csatForm?: FormState } = {},
) {
  const ctx = c.var.ctx
  const [support, expectation, staffNotes, fixConfirmation, csatPrompt] = await Promise.all([
    // Read in the header's round trip when the page was loaded with readThreadPage.
    data.alongside !== undefined ? supportStatusOf(ctx, data.alongside) : getSupportStatus(ctx, data.thread.id),
    data.viewer.isAuthor ? getResponseExpectation(ctx) : Promise.resolve(null),
    data.viewer.isStaff ? getThreadNotes(ctx, data.thread.id) : Promise.resolve(null),
    data.viewer.isAuthor ? getFixConfirmation(ctx, data.thread.id) : Promise.resolve(null),
    // "Did this solve your problem?" for the asker (never for staff, never on the anonymous page).
    data.viewer.isAuthor ? getCsatPrompt(ctx, data.thread.id) : Promise.resolve(null),
  ])
  const page = options.csrfToken ? { ...chrome(c), csrfToken: options.csrfToken } : chrome(c)
  return (
    <ThreadPage
      shared={sharedThreadHtml(c, data)}
      chrome={page}
      data={data}
      replyForm={replyForm}
      replyPreviewHtml={options.replyPreviewHtml}
      replyMaxLength={REPLY_LIMITS.max}
      support={support}
      expectation={expectation}
      staffNotes={staffNotes}
      fixConfirmation={fixConfirmation}
      // A refused rating comes back with its message even when nothing is left to rate (rated twice).
      csatForm={csatPrompt || options.csatForm ? (options.csatForm ?? emptyForm()) : null}
      csatThanks={data.viewer.isAuthor && !csatPrompt && c.req.query('rated') === '1'}
      staffForms={options.staffForms}
    />
  )
}

/**
 * The thread page's data with the queue item's status read in the thread header's statement
 * (one round trip fewer for every thread page; threadPageView reads it from there).
 */
export function readThreadPage(
  c: Context<AppEnv>,
  threadId: number,
  options: { after?: string | null; headerRow?: ThreadHeaderRow | null } = {},
): Promise<ThreadPageData> {
  return getThreadPage(c.var.ctx, threadId, { ...options, alongside: threadSupportItemColumn })
}

/** The thread page, with a refused form (the reply, or one of the staff tools) and its status. */
export async function renderThread(
  c: Context<AppEnv>,
  threadId: number,
  options: { replyForm?: FormState; status?: FormStatus; replyPreviewHtml?: string; staffForms?: Partial<StaffForms>; csatForm?: FormState } = {},
) {
  const data = await readThreadPage(c, threadId, { after: c.req.query('after') })
  const view = await threadPageView(c, data, options.replyForm ?? emptyForm(), {
    replyPreviewHtml: options.replyPreviewHtml,
    staffForms: options.staffForms,
    csatForm: options.csatForm,
  })
  return c.html(view, options.status ?? 200)
}

/**
 * The page's shared parts from the kept fragments (see SharedThreadHtml), keyed by everything
 * they are rendered from: the question by the thread's revision (every change to the thread
 * moves it) and author; a reply by its id, body, edit time, hidden reason and author; the
 * structured data by the revision and which replies this viewer's page holds. A cache supplies
 * HTML only for the replies this viewer's query returned, so what a viewer may see is decided
 * by the query, never by the cache.
 */
function sharedThreadHtml(c: Context<AppEnv>, data: ThreadPageData): SharedThreadHtml {
  const { fragments } = c.var.deps.pageCache
  const now = c.var.ctx.now()
  const { thread } = data
  const author = (person: { id: number; displayName: string; role: string }) => `${person.id}:${person.role}:${person.displayName}`
  return {
    question: fragments.render(`thread-question:${thread.id}:${thread.revision}:${author(thread.author)}`, () =>
      String(<QuestionBody thread={thread} now={now} />),
    ),
    replies: new Map(
      data.replies.map((reply) => [
        reply.id,
        fragments.render(
          `reply:${reply.id}:${reply.editedAt?.getTime() ?? 0}:${reply.hiddenReason ?? ''}:${author(reply.author)}:${createHash('sha1').update(reply.bodyHtml).digest('base64url')}`,
          () => String(<ReplyBody reply={reply} now={now} />),
        ),
      ]),
    ),
    jsonLd: thread.hidden
      ? null
      : fragments.render(`thread-jsonld:${thread.id}:${thread.revision}:${data.replies.map((reply) => `${reply.id}${reply.hidden ? 'h' : ''}`).join(',')}:${data.accepted?.id ?? ''}`, () =>
          threadJsonLd(data, c.var.deps.env.publicUrl),
        ),
  }
}
