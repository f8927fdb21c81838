import { Hono, type Context } from 'hono'
import { AskPage } from '../../../views/forum/ask'
import { CategoriesPage, ProfilePage, TagsPage } from '../../../views/forum/browse'
import { EditReplyPage, EditThreadPage } from '../../../views/forum/edit'
import { PreviewBody } from '../../../views/forum/editor'
import {
  MeTooForm,
  RepliesHeading,
  ReplyArticle,
  ReplyComposer,
  ReplyVoteForm,
  SubscriptionForm,
  ThreadMain,
  ThreadVoteForm,
} from '../../../views/forum/thread'
import { ThreadListPageView, ThreadListRegion, type ThreadListRegionProps } from '../../../views/forum/thread-list'
import { emptyForm, type FormState } from '../../../views/components'
import { threadPath } from '../../../views/format'
import { QuestionFigurePage } from '../../../views/forum/question-figure'
import {
  askQuestion,
  listQuestionsBehindFigure,
  BODY_LIMITS,
  editReply,
  editThread,
  getAskFormData,
  getCategoryBySlug,
  getReplyForEdit,
  getReplyView,
  getThreadForEdit,
  getThreadHeader,
  getListStamp,
  getPublicThreadStamp,
  getThreadPage,
  getUserProfile,
  listCategories,
  listPopularTags,
  listThreads,
  MAX_TAGS,
  postReply,
  renderMarkdown,
  REPLY_LIMITS,
  setAcceptedReply,
  setMeToo,
  setReplyHidden,
  setReplyVote,
  setSubscription,
  setThreadHidden,
  setThreadLocked,
  setThreadVote,
  threadFilters,
  TITLE_LIMITS,
  readThreadHeaderRow,
  type ListScope,
  type ListStamp,
  type ThreadFilter,
  type ThreadHeaderRow,
} from '../../forum'
import type { Ctx } from '../../ctx'
import { parseId } from '../../validation'
import { takePrefetched, type SessionCompanion } from '../session'
import { findSimilarQuestions, recordSearchClick } from '../../search'
import { getSetupChecklist } from '../../setup'
import type { Category } from '../../db/schema'
import { getResponseExpectation, threadSupportItemColumn } from '../../queue'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus, type FormValues } from '../forms'
import { isHtmx } from '../htmx'
import { idParam } from '../params'
import type { AppEnv } from '../types'
import { visitorKey } from '../visitor'
import { readThreadPage, renderThread, threadPageView } from '../thread-page'
import { CSRF_SLOT, sendPublicPage } from '../page-cache'
import { NotFoundError } from '../../errors'
import { recordThreadRead } from '../../safety'
import { checkFormGuard, formGuard } from '../form-guard'

export const forumRoutes = new Hono<AppEnv>()

const QUESTION_LIMITS = { titleMin: TITLE_LIMITS.min, titleMax: TITLE_LIMITS.max, bodyMax: BODY_LIMITS.max, maxTags: MAX_TAGS }

const wantsPreview = (values: FormValues) => values.intent === 'preview'
const previewOf = (values: FormValues) => renderMarkdown((values.body ?? '').slice(0, BODY_LIMITS.max * 2)).html

function filterOf(c: Context<AppEnv>, fallback: ThreadFilter = 'latest'): ThreadFilter {
  const requested = c.req.query('filter')
  return (threadFilters as readonly string[]).includes(requested ?? '') ? (requested as ThreadFilter) : fallback
}

// --- Lists ---------------------------------------------------------------

/** A list page besides the layout: kept together under the list's stamp (getListStamp). */
interface ListParts {
  heading: string
  intro?: string
  canonical: string
  feed?: { title: string; href: string }
  /** ThreadListRegion rendered: rows, tabs, pager and categories, the same for every viewer. */
  regionHtml: string
}

/** What a list shows, read and rendered when no kept rendering is current. */
type ListContent = Omit<ThreadListRegionProps, 'now' | 'categories' | 'filter' | 'isLaterPage'> & {
  categories: Category[]
  canonical: string
  feed?: ListParts['feed']
}

/**
 * A list page (home, unanswered, solved, a category, a tag). One statement (the list's stamp)
 * says whether a kept rendering is current. Anonymous visitors get the whole page kept (with
 * an ETag, see sendPublicPage); members the kept list region inside a layout rendered for them.
 * A change to any thread on the page, to which threads are on it, an author's name or a
 * category is another stamp, so nothing kept is ever stale; nothing personal is ever kept.
 */
async function serveList(c: Context<AppEnv>, scope: ListScope, filter: ThreadFilter, load: (scopeId: number) => Promise<ListContent>) {
  const ctx = c.var.ctx
  const before = c.req.query('before')
  const stamp = takePrefetched<ListStamp>(c, listKey(filter, scope, before)) ?? (await c.var.deps.pageCache.stamps.read(`list:${filter}:${JSON.stringify(scope)}:${before ?? ''}`, () => getListStamp(ctx, { filter, scope, cursor: before })))
  if (scope.kind !== 'all' && stamp.scopeId === null) throw new NotFoundError(scope.kind === 'category' ? 'That category' : 'That tag')
  const scopeId = stamp.scopeId ?? 0
  const { fragments } = c.var.deps.pageCache
  const partsKey = `list:${filter}:${JSON.stringify(scope)}:${before ?? ''}:${stamp.version}`
  const listParts = async (): Promise<ListParts> => {
    const kept = fragments.get(partsKey)
    if (kept !== undefined) {
      const newline = kept.indexOf('\n')
      return { ...(JSON.parse(kept.slice(0, newline)) as Omit<ListParts, 'regionHtml'>), regionHtml: kept.slice(newline + 1) }
    }
    const { canonical, feed, ...content } = await load(scopeId)
    const regionHtml = String(
      <ThreadListRegion
        {...content}
        filter={filter}
        isLaterPage={!!before}
        categories={content.categories.map(({ slug, name, description }) => ({ slug, name, description }))}
        now={ctx.now()}
      />,
    )
    const meta = { heading: content.heading, intro: content.intro, canonical, feed }
    fragments.set(partsKey, `${JSON.stringify(meta)}\n${regionHtml}`)
    return { ...meta, regionHtml }
  }
  if (!c.var.actor) {
    const url = new URL(c.req.url)
    return sendPublicPage(c, `list:${url.pathname}${url.search}`, stamp.version, async () =>
      // No token: a visitor's list has no form to post, so the page is the same bytes for everyone.
      String(<ThreadListPageView chrome={{ ...chrome(c), csrfToken: '' }} {...await listParts()} />),
    )
  }
  const [parts, checklist] = await Promise.all([listParts(), scope.kind === 'all' ? getSetupChecklist(ctx) : null])
  return c.html(<ThreadListPageView chrome={chrome(c)} {...parts} checklist={checklist} />)
}

/** What a list's stamp is read for: the same for every viewer (see listSessionCompanion). */
const listKey = (filter: ThreadFilter, scope: ListScope, before: string | undefined) => `list:${filter}:${JSON.stringify(scope)}:${before ?? ''}`

const HOME_FILTERS: Record<string, ThreadFilter> = { '/': 'latest', '/unanswered': 'unanswered', '/solved': 'solved' }

function decodedSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

/** Which list (filter and scope) a GET asks for, as the list routes below read it; null for any other page. */
function listOf(c: Context<AppEnv>): { filter: ThreadFilter; scope: ListScope } | null {
  const path = c.req.path
  const home = HOME_FILTERS[path]
  if (home) return { filter: home, scope: { kind: 'all' } }
  const match = /^\/(c|tags)\/([^/]+)$/.exec(path)
  const name = match ? decodedSegment(match[2]!) : null
  if (!match || name === null) return null
  return { filter: filterOf(c), scope: match[1] === 'c' ? { kind: 'category', slug: name } : { kind: 'tag', name: name.toLowerCase() } }
}

/**
 * A signed-in member's list page reads its stamp and the session in one statement (a visitor's
 * reads the stamp alone): the stamp is the same for every viewer, so it is read as a visitor's.
 */
const listSessionCompanion: SessionCompanion = {
  match(c) {
    const list = listOf(c)
    if (!list) return null
    const before = c.req.query('before')
    return {
      key: listKey(list.filter, list.scope, before),
      async read(db, viewer) {
        const visitor: Ctx = { actor: null, db, now: () => new Date(viewer.params.now), requestId: c.var.requestId }
        const { alongside, ...stamp } = await getListStamp(visitor, { ...list, cursor: before, alongside: viewer })
        return { session: alongside, value: stamp }
      },
    }
  },
}

/**
 * A signed-in member's thread page (its first page, not opened from search) reads the thread's
 * header with the viewer's votes, watch and read in the session's statement; the replies follow.
 */
const threadSessionCompanion: SessionCompanion = {
  match(c) {
    const match = /^\/t\/(\d+)(?:\/([^/]*))?$/.exec(c.req.path)
    const threadId = match ? parseId(match[1]) : null
    if (!match || threadId === null || match[2] === 'edit' || match[2] === 'flag' || c.req.query('from') !== undefined || c.req.query('after') !== undefined) return null
    return {
      key: `thread:${threadId}`,
      async read(db, viewer) {
        const { row, viewerColumn } = await readThreadHeaderRow(db, threadId, { alongside: threadSupportItemColumn, viewer })
        return { session: viewerColumn, value: row }
      },
    }
  },
}

/** The forum's pages that read the session in their own statement (see SessionCompanion). */
export const forumSessionCompanions: readonly SessionCompanion[] = [listSessionCompanion, threadSessionCompanion]

const HOME_HEADINGS: Record<ThreadFilter, string> = {
  latest: 'Latest questions',
  unanswered: 'Unanswered questions',
  solved: 'Solved questions',
}

function homeList(c: Context<AppEnv>, filter: ThreadFilter) {
  return serveList(c, { kind: 'all' }, filter, async () => {
    const [page, categories] = await Promise.all([listThreads(c.var.ctx, { filter, cursor: c.req.query('before') }), listCategories(c.var.ctx)])
    const env = c.var.deps.env
    return {
      heading: HOME_HEADINGS[filter],
      basePath: '/',
      page,
      categories,
      canonical: `${env.publicUrl}${filter === 'latest' ? '/' : `/${filter}`}`,
    }
  })
}

forumRoutes.get('/', (c) => homeList(c, 'latest'))
forumRoutes.get('/unanswered', (c) => homeList(c, 'unanswered'))
forumRoutes.get('/solved', (c) => homeList(c, 'solved'))

forumRoutes.get('/c/:slug', (c) => {
  const slug = c.req.param('slug')
  const filter = filterOf(c)
  return serveList(c, { kind: 'category', slug }, filter, async (categoryId) => {
    const ctx = c.var.ctx
    const [page, categories] = await Promise.all([listThreads(ctx, { filter, categoryId, cursor: c.req.query('before') }), listCategories(ctx)])
    const category = categories.find((each) => each.id === categoryId) ?? (await getCategoryBySlug(ctx, slug))
    return {
      heading: category.name,
      intro: category.description || undefined,
      basePath: `/c/${category.slug}`,
      page,
      categories,
      canonical: `${c.var.deps.env.publicUrl}/c/${category.slug}`,
      feed: { title: `${category.name}: latest questions`, href: `/c/${category.slug}/feed.atom` },
    }
  })
})

/** The forum questions behind the scoreboard's accepted-solution figure (staff). */
forumRoutes.get('/staff/questions', async (c) => {
  const query = { team: c.req.query('team'), from: c.req.query('from'), to: c.req.query('to'), outcome: c.req.query('outcome'), before: c.req.query('before') }
  const list = await listQuestionsBehindFigure(c.var.ctx, query)
  return c.html(<QuestionFigurePage chrome={chrome(c)} list={list} query={query} />, Object.keys(list.errors).length > 0 ? 422 : 200)
})

forumRoutes.get('/categories', async (c) => {
  return c.html(<CategoriesPage chrome={chrome(c)} categories={await listCategories(c.var.ctx)} />)
})

forumRoutes.get('/tags', async (c) => {
  return c.html(<TagsPage chrome={chrome(c)} tags={await listPopularTags(c.var.ctx)} />)
})

forumRoutes.get('/tags/:tag', (c) => {
  const name = c.req.param('tag').toLowerCase()
  const filter = filterOf(c)
  return serveList(c, { kind: 'tag', name }, filter, async (tagId) => {
    const ctx = c.var.ctx
    const [page, categories] = await Promise.all([listThreads(ctx, { filter, tagId, cursor: c.req.query('before') }), listCategories(ctx)])
    return {
      heading: `Tagged “${name}”`,
      basePath: `/tags/${encodeURIComponent(name)}`,
      page,
      categories,
      canonical: `${c.var.deps.env.publicUrl}/tags/${encodeURIComponent(name)}`,
    }
  })
})

forumRoutes.get('/u/:id', async (c) => {
  const before = c.req.query('before')
  const profile = await getUserProfile(c.var.ctx, idParam(c, 'id', 'That person'), before)
  return c.html(<ProfilePage chrome={chrome(c)} profile={profile} isLaterPage={!!before} />)
})

// --- Thread page -----------------------------------------------------------

async function showThread(c: Context<AppEnv>) {
  const ctx = c.var.ctx
  const threadId = idParam(c, 'id', 'That thread')
  const from = c.req.query('from')
  if (from !== undefined) {
    // Opened from search results or similar questions: note it, then show the clean URL.
    const { thread } = await getThreadHeader(ctx, threadId)
    await recordSearchClick({ ctx, input: { eventId: from, threadId, visitorKey: visitorKey(c) } })
    return c.redirect(threadPath(thread), 302)
  }
  if (!c.var.actor && !c.req.query('after')) return showPublicThread(c, threadId)
  const data = await readThreadPage(c, threadId, { after: c.req.query('after'), headerRow: takePrefetched<ThreadHeaderRow | null>(c, `thread:${threadId}`) })
  // Reading is what first earns a new account trust (src/safety/trust-levels.ts); only the
  // first read counts, so a thread already read costs no write.
  if (c.var.actor && !data.viewer.readBefore) await recordThreadRead(ctx, data.thread.id)
  if (c.req.param('slug') !== data.thread.slug) return c.redirect(`${threadPath(data.thread)}${new URL(c.req.url).search}`, 301)
  return c.html(await threadPageView(c, data, emptyForm()))
}

/** Anonymous visitors get a page rendered once per thread revision (see page-cache.ts). */
async function showPublicThread(c: Context<AppEnv>, threadId: number) {
  const ctx = c.var.ctx
  const stamp = await getPublicThreadStamp(ctx, threadId)
  if (!stamp) return renderThread(c, threadId)
  if (c.req.param('slug') !== stamp.slug) return c.redirect(threadPath({ id: threadId, slug: stamp.slug }), 301)
  return sendPublicPage(c, `thread:${threadId}`, stamp.revision, async () => {
    const data = await readThreadPage(c, threadId)
    return (await threadPageView(c, data, emptyForm(), { csrfToken: CSRF_SLOT })).toString()
  })
}

forumRoutes.post('/t/:id/replies', async (c) => {
  const ctx = c.var.ctx
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  const composer = async (form: FormState, status: FormStatus, previewHtml?: string) => {
    if (!isHtmx(c)) return renderThread(c, threadId, { replyForm: form, status, replyPreviewHtml: previewHtml })
    const { thread, viewer } = await getThreadHeader(ctx, threadId)
    c.header('HX-Retarget', '#reply-form')
    c.header('HX-Reswap', 'outerHTML')
    return c.html(
      <ReplyComposer chrome={chrome(c)} thread={thread} viewer={viewer} form={form} previewHtml={previewHtml} maxLength={REPLY_LIMITS.max} />,
      status,
    )
  }
  if (wantsPreview(values)) return composer(emptyForm(values), 200, previewOf(values))
  return submitForm(
    c,
    values,
    () => postReply({ ctx, input: { ...values, threadId } }),
    async (reply) => {
      if (!isHtmx(c)) return c.redirect(`/t/${threadId}#reply-${reply.id}`, 303)
      const { reply: view, thread, viewer } = await getReplyView(ctx, reply.id)
      const page = chrome(c)
      return c.html(
        <>
          <li>
            <ReplyArticle chrome={page} reply={view} thread={thread} viewer={viewer} />
          </li>
          <RepliesHeading thread={thread} oob />
          <ReplyComposer chrome={page} thread={thread} viewer={viewer} form={emptyForm()} maxLength={REPLY_LIMITS.max} oob />
        </>,
        201,
      )
    },
    (failure) => composer(failure.state, failure.status),
  )
})

// --- One-click actions: each posts the state it wants, so repeating it changes nothing ----

forumRoutes.post('/t/:id/vote', async (c) => {
  const ctx = c.var.ctx
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  await setThreadVote({ ctx, input: { threadId, on: values.on } })
  if (!isHtmx(c)) return c.redirect(`/t/${threadId}`, 303)
  const { thread, viewer } = await getThreadHeader(ctx, threadId)
  return c.html(<ThreadVoteForm chrome={chrome(c)} thread={thread} viewer={viewer} />)
})

forumRoutes.post('/r/:id/vote', async (c) => {
  const ctx = c.var.ctx
  const replyId = idParam(c, 'id', 'That reply')
  const values = await readForm(c)
  const result = await setReplyVote({ ctx, input: { replyId, on: values.on } })
  if (!isHtmx(c)) return c.redirect(`/t/${result.threadId}#reply-${replyId}`, 303)
  const { reply, viewer } = await getReplyView(ctx, replyId)
  return c.html(<ReplyVoteForm chrome={chrome(c)} reply={reply} viewer={viewer} />)
})

forumRoutes.post('/t/:id/me-too', async (c) => {
  const ctx = c.var.ctx
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  await setMeToo({ ctx, input: { threadId, on: values.on } })
  if (!isHtmx(c)) return c.redirect(`/t/${threadId}`, 303)
  const { thread, viewer } = await getThreadHeader(ctx, threadId)
  return c.html(<MeTooForm chrome={chrome(c)} thread={thread} viewer={viewer} />)
})

forumRoutes.post('/t/:id/subscription', async (c) => {
  const ctx = c.var.ctx
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  await setSubscription({ ctx, input: { threadId, on: values.on } })
  if (!isHtmx(c)) return c.redirect(`/t/${threadId}`, 303)
  const { thread, viewer } = await getThreadHeader(ctx, threadId)
  return c.html(<SubscriptionForm chrome={chrome(c)} thread={thread} viewer={viewer} />)
})

forumRoutes.post('/r/:id/accept', async (c) => {
  const ctx = c.var.ctx
  const replyId = idParam(c, 'id', 'That reply')
  const values = await readForm(c)
  const result = await setAcceptedReply({ ctx, input: { replyId, on: values.on } })
  if (!isHtmx(c)) return c.redirect(`/t/${result.threadId}#reply-${replyId}`, 303)
  const data = await getThreadPage(ctx, result.threadId)
  return c.html(<ThreadMain chrome={chrome(c)} data={data} />)
})

forumRoutes.post('/t/:id/lock', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  await setThreadLocked({ ctx: c.var.ctx, input: { threadId, on: values.on } })
  return c.redirect(`/t/${threadId}`, 303)
})

forumRoutes.post('/t/:id/hide', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  await setThreadHidden({ ctx: c.var.ctx, input: { threadId, on: values.on } })
  return c.redirect(`/t/${threadId}`, 303)
})

forumRoutes.post('/r/:id/hide', async (c) => {
  const replyId = idParam(c, 'id', 'That reply')
  const values = await readForm(c)
  const result = await setReplyHidden({ ctx: c.var.ctx, input: { replyId, on: values.on } })
  return c.redirect(`/t/${result.threadId}#reply-${replyId}`, 303)
})

// --- Asking, previewing and editing -------------------------------------------

forumRoutes.post('/preview', async (c) => {
  const values = await readForm(c)
  return c.html(<PreviewBody html={previewOf(values)} />)
})

async function askPage(c: Context<AppEnv>, form: FormState, status: FormStatus = 200, previewHtml?: string) {
  const ctx = c.var.ctx
  // Re-rendering a refused form needs only public data, so an expired session keeps its text;
  // the similar questions are shown here too, for people without JavaScript.
  const [categories, similar, expectation] = await Promise.all([
    listCategories(ctx),
    findSimilarQuestions({ ctx, input: { title: form.values.title ?? '', body: form.values.body ?? '', limit: '5', record: false } }).catch(
      () => null,
    ),
    getResponseExpectation(ctx),
  ])
  return c.html(
    <AskPage
      chrome={chrome(c)}
      categories={categories}
      form={form}
      previewHtml={previewHtml}
      similar={similar}
      expectation={expectation}
      limits={QUESTION_LIMITS}
      guard={await formGuard(c, 'ask')}
    />,
    status,
  )
}

forumRoutes.get('/ask', async (c) => {
  const [{ categories }, expectation] = await Promise.all([getAskFormData(c.var.ctx), getResponseExpectation(c.var.ctx)])
  const form = emptyForm({ categoryId: c.req.query('category') ?? '', title: c.req.query('title') ?? '' })
  return c.html(
    <AskPage chrome={chrome(c)} categories={categories} form={form} similar={null} expectation={expectation} limits={QUESTION_LIMITS} guard={await formGuard(c, 'ask')} />,
  )
})

forumRoutes.post('/ask', async (c) => {
  const values = await readForm(c)
  if (wantsPreview(values)) return askPage(c, emptyForm(values), 200, previewOf(values))
  return submitForm(
    c,
    values,
    async () => {
      await checkFormGuard(c, 'ask', values)
      return askQuestion({ ctx: c.var.ctx, input: { ...values, visitorKey: visitorKey(c) } })
    },
    (thread) => c.redirect(threadPath(thread), 303),
    (failure) => askPage(c, failure.state, failure.status),
  )
})

async function editThreadPage(c: Context<AppEnv>, threadId: number, form: FormState | null, status: FormStatus = 200, previewHtml?: string) {
  const ctx = c.var.ctx
  const [current, categories] = await Promise.all([getThreadForEdit(ctx, threadId), listCategories(ctx)])
  const state = form ?? emptyForm({ title: current.title, body: current.body, categoryId: String(current.categoryId), tags: current.tags })
  return c.html(
    <EditThreadPage
      chrome={chrome(c)}
      threadId={threadId}
      threadPath={threadPath(current)}
      categories={categories}
      form={state}
      previewHtml={previewHtml}
      limits={QUESTION_LIMITS}
    />,
    status,
  )
}

forumRoutes.get('/t/:id/edit', (c) => editThreadPage(c, idParam(c, 'id', 'That thread'), null))

forumRoutes.post('/t/:id/edit', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  if (wantsPreview(values)) return editThreadPage(c, threadId, emptyForm(values), 200, previewOf(values))
  return submitForm(
    c,
    values,
    () => editThread({ ctx: c.var.ctx, input: { ...values, threadId } }),
    (thread) => c.redirect(threadPath(thread), 303),
    (failure) => editThreadPage(c, threadId, failure.state, failure.status),
  )
})

async function editReplyPage(c: Context<AppEnv>, replyId: number, form: FormState | null, status: FormStatus = 200, previewHtml?: string) {
  const current = await getReplyForEdit(c.var.ctx, replyId)
  return c.html(
    <EditReplyPage
      chrome={chrome(c)}
      replyId={replyId}
      thread={current.thread}
      form={form ?? emptyForm({ body: current.body })}
      previewHtml={previewHtml}
      maxLength={REPLY_LIMITS.max}
    />,
    status,
  )
}

forumRoutes.get('/r/:id/edit', (c) => editReplyPage(c, idParam(c, 'id', 'That reply'), null))

forumRoutes.post('/r/:id/edit', async (c) => {
  const replyId = idParam(c, 'id', 'That reply')
  const values = await readForm(c)
  if (wantsPreview(values)) return editReplyPage(c, replyId, emptyForm(values), 200, previewOf(values))
  return submitForm(
    c,
    values,
    () => editReply({ ctx: c.var.ctx, input: { ...values, replyId } }),
    (reply) => c.redirect(`/t/${reply.threadId}#reply-${reply.id}`, 303),
    (failure) => editReplyPage(c, replyId, failure.state, failure.status),
  )
})

// Last, so that /t/:id/edit is not taken for a slug.
forumRoutes.get('/t/:id', showThread)
forumRoutes.get('/t/:id/:slug', showThread)
