import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { replyPath, tagPath, threadPath } from '../../../views/format'
import { NotFoundError } from '../../errors'
import {
  askQuestion,
  getCategoryBySlug,
  getReplyView,
  getTagByName,
  getThreadPage,
  listCategories,
  listPopularTags,
  listThreads,
  postReply,
  type ReplyView,
} from '../../forum'
import { addInternalNote, assignItem, changeItemState, fileItem, getBoardRows, getItemPage, replyToItem, updateItemDetails } from '../../queue'
import { findSimilarQuestions, searchForum } from '../../search'
import { getOnRotationNow } from '../../rotation'
import { listNotifications } from '../../notify'
import { checkWriteAllowed } from '../../safety'
import type { AppEnv } from '../types'
import { visitorKey } from '../visitor'
import { decodeApiCursor, encodeApiCursor, isBoardCursor, linkNext } from './cursor'
import { apiAuth, apiRateLimit, idempotent, scope, type ApiEnv } from './middleware'
import { fieldErrors, ProblemError } from './problem'
import * as S from './schemas'
import { directoryRouteDefinitions, registerDirectoryRoutes } from './directory-routes'
import { engineeringRouteDefinitions, registerEngineeringRoutes } from './engineering-routes'
import { AUTH_ERRORS, BAD_BODY, COMMON_ERRORS, hideFromNonStaff, IN_PROGRESS, iso, isoOrNull, forbiddenResponse, json, problemResponse, PUBLIC, SIGNED_IN, withApiFields } from './openapi-parts'
import { apiScopes, itemStates } from '../../db/schema'

const str = (value: string | number | undefined) => (value === undefined ? undefined : String(value))

// ---- routes ---------------------------------------------------------------------------------

export const listThreadsRoute = createRoute({
  method: 'get',
  path: '/threads',
  tags: ['Threads'],
  summary: 'List threads',
  description:
    'Visible threads, newest first (by creation, so a client paging through sees each thread once while others post). Keyset-paginated: follow `next_cursor` or the `Link: rel="next"` header.',
  security: PUBLIC,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:read', { anonymous: true })] as const,
  request: {
    query: z.object({
      category: z.string().max(100).optional().openapi({ description: 'Category slug.', example: 'billing' }),
      tag: z.string().max(100).optional().openapi({ description: 'Tag name.', example: 'export' }),
      state: z.enum(['unanswered', 'solved']).optional().openapi({ description: 'Only threads without an answer, or with an accepted one.' }),
      sort: z.enum(['latest']).optional().openapi({ description: 'Newest first (the only order).' }),
      cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
      limit: S.Limit,
    }),
  },
  responses: { 200: json(S.ThreadList, 'A page of threads.'), ...AUTH_ERRORS, 404: problemResponse('Unknown category or tag.'), ...COMMON_ERRORS },
})

export const getThreadRoute = createRoute({
  method: 'get',
  path: '/threads/{id}',
  tags: ['Threads'],
  summary: 'Read a thread with its replies and accepted answer',
  description: 'Up to 100 replies, oldest first; `next_replies_cursor` pages on. Hidden threads and replies do not exist here (404).',
  security: PUBLIC,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:read', { anonymous: true })] as const,
  request: {
    params: z.object({ id: S.ThreadId }),
    query: z.object({ replies_cursor: z.string().max(200).optional().openapi({ description: 'The `next_replies_cursor` of the previous page.' }) }),
  },
  responses: { 200: json(S.Thread, 'The thread.'), ...AUTH_ERRORS, 404: problemResponse('No such thread (or hidden).'), ...COMMON_ERRORS },
})

/** A post trust and safety held for a moderator: created, but not public (and so not in the API) until approved. */
const HELD_DETAIL = "Your post is waiting for a moderator's approval; it will appear once approved."
const HeldForReview = z
  .object({
    id: z.number().int(),
    status: z.literal('held_for_review'),
    detail: z.string(),
  })
  .openapi('HeldForReview')

export const createThreadRoute = createRoute({
  method: 'post',
  path: '/threads',
  tags: ['Threads'],
  summary: 'Ask a question (create a thread)',
  description: 'Needs a token with `threads:write` or a session (with the X-CSRF-Token header). Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:write', { anonymous: false }), idempotent()] as const,
  request: {
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.CreateThreadBody } } },
  },
  responses: {
    201: { ...json(S.Thread, 'Created; Location points at the thread in the API.'), headers: z.object({ Location: z.string() }) },
    202: json(HeldForReview, "Accepted but held for a moderator's approval (a new account's links, a watched word, approval of first posts); it appears once approved."),
    ...BAD_BODY,
    ...AUTH_ERRORS,
    403: forbiddenResponse('The token lacks `threads:write`, the account may not post (e.g. suspended), or a session request came without the CSRF header.'),
    ...IN_PROGRESS,
    ...COMMON_ERRORS,
  },
})

export const createReplyRoute = createRoute({
  method: 'post',
  path: '/threads/{id}/replies',
  tags: ['Threads'],
  summary: 'Reply to a thread',
  description: 'Needs a token with `threads:write` or a session (with the X-CSRF-Token header). Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:write', { anonymous: false }), idempotent()] as const,
  request: {
    params: z.object({ id: S.ThreadId }),
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.CreateReplyBody } } },
  },
  responses: {
    201: json(S.CreatedReply, 'The new reply.'),
    202: json(HeldForReview, "Accepted but held for a moderator's approval; it appears once approved."),
    ...BAD_BODY,
    ...AUTH_ERRORS,
    403: forbiddenResponse('The token lacks `threads:write`, the account may not reply, or a session request came without the CSRF header.'),
    404: problemResponse('No such thread (or hidden).'),
    409: problemResponse('The thread is locked, or a request with this Idempotency-Key is still running.'),
    ...COMMON_ERRORS,
  },
})

export const listCategoriesRoute = createRoute({
  method: 'get',
  path: '/categories',
  tags: ['Categories and tags'],
  summary: 'List categories',
  security: PUBLIC,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:read', { anonymous: true })] as const,
  responses: { 200: json(S.CategoryList, 'All categories, in display order.'), ...AUTH_ERRORS, 429: COMMON_ERRORS[429] },
})

export const listTagsRoute = createRoute({
  method: 'get',
  path: '/tags',
  tags: ['Categories and tags'],
  summary: 'List tags by use',
  security: PUBLIC,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:read', { anonymous: true })] as const,
  request: { query: z.object({ limit: S.Limit }) },
  responses: { 200: json(S.TagList, 'The most used tags on visible threads.'), ...AUTH_ERRORS, ...COMMON_ERRORS },
})

export const searchRoute = createRoute({
  method: 'get',
  path: '/search',
  tags: ['Search'],
  summary: 'Search threads',
  description: 'The forum search (same syntax and filters as /search), 20 results a page.',
  security: PUBLIC,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:read', { anonymous: true })] as const,
  request: {
    query: z.object({
      q: z.string().max(1000).openapi({ description: 'The query.', example: 'export csv' }),
      category: z.string().max(100).optional(),
      tag: z.string().max(100).optional(),
      state: z.enum(['solved', 'unsolved']).optional(),
      page: z.coerce.number({ error: 'page must be a whole number from 1 to 100.' }).int().min(1).max(100).optional(),
    }),
  },
  responses: { 200: json(S.SearchResults, 'Results, best first.'), ...AUTH_ERRORS, ...COMMON_ERRORS },
})

export const similarRoute = createRoute({
  method: 'get',
  path: '/similar',
  tags: ['Search'],
  summary: 'Questions similar to a draft',
  description: 'The ask page’s "maybe already answered" ranking, for help widgets and support inboxes. Visible threads only.',
  security: PUBLIC,
  middleware: [apiAuth(), apiRateLimit(), scope('threads:read', { anonymous: true })] as const,
  request: {
    query: z.object({
      title: z.string().optional().openapi({ description: 'The draft title (required, up to 300 characters).' }),
      body: z.string().optional().openapi({ description: 'The draft body.' }),
      limit: z.string().optional().openapi({ description: 'How many, 1 to 10 (default 5).' }),
    }),
  },
  responses: { 200: json(S.SimilarResults, 'Similar questions, best first.'), ...AUTH_ERRORS, ...COMMON_ERRORS },
})

export const createItemRoute = createRoute({
  method: 'post',
  path: '/items',
  tags: ['Queue'],
  summary: 'File a queue item',
  description: 'From another tool (email bridge, chat, CRM). Needs a staff token with `items:write` (or a staff session). Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:write', { anonymous: false }), idempotent()] as const,
  request: {
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.CreateItemBody } } },
  },
  responses: {
    201: json(S.CreatedItem, 'The filed item, with its priority and first-response target.'),
    ...BAD_BODY,
    ...AUTH_ERRORS,
    403: forbiddenResponse('The caller is not staff, or the token lacks the scope.'),
    ...IN_PROGRESS,
    ...COMMON_ERRORS,
  },
})

export const listItemsRoute = createRoute({
  method: 'get',
  path: '/items',
  tags: ['Queue'],
  summary: 'List queue items (the board)',
  description:
    'The support board’s rows with its filters and order: priority class, unassigned first, score (highest first), then number. 50 a page; follow `next_cursor` or the `Link: rel="next"` header. Needs a staff token with `items:read` (or a staff session).',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:read', { anonymous: false })] as const,
  request: {
    query: z.object({
      team: z.string().max(40).optional().openapi({ description: 'Team slug.', example: 'platform' }),
      assignee: z
        .string()
        .regex(/^(mine|unassigned|\d{1,10})$/, { error: 'assignee is mine, unassigned, or a person’s id.' })
        .optional()
        .openapi({ description: '`mine`, `unassigned`, or a staff member’s id.' }),
      state: z
        .enum(['open', 'closed', ...itemStates], { error: `state is open, closed, or one of: ${itemStates.join(', ')}.` })
        .optional()
        .openapi({ description: '`open` (the default), `closed`, or one state.' }),
      priority: z
        .enum(['P0', 'P1', 'P2', 'P3', 'P4'], { error: 'priority is P0 to P4.' })
        .optional()
        .openapi({ description: 'One priority class.' }),
      risk: z.enum(['breached', 'soon'], { error: 'risk is breached or soon.' }).optional().openapi({ description: 'Breached, or due within the hour.' }),
      cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
    }),
  },
  responses: { 200: json(S.ItemList, 'A page of the board.'), ...AUTH_ERRORS, 403: forbiddenResponse('The caller is not staff, or the token lacks the scope.'), ...COMMON_ERRORS },
})

export const getItemRoute = createRoute({
  method: 'get',
  path: '/items/{id}',
  tags: ['Queue'],
  summary: 'Read a queue item with its timeline and priority',
  description:
    'The item, its timeline, and why it has its priority (class reason and score factors). Internal notes only for a staff token that also has `notes:read` (or a staff session). Needs `items:read`; for anyone but staff the item does not exist (404).',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:read', { anonymous: false })] as const,
  request: { params: z.object({ id: S.ItemId }) },
  responses: { 200: json(S.Item, 'The item.'), ...AUTH_ERRORS, 404: problemResponse('No such item, or the caller is not staff.'), ...COMMON_ERRORS },
})

const ITEM_NOT_FOUND = { 404: problemResponse('No such item, or the caller is not staff.') } as const

export const changeItemStateRoute = createRoute({
  method: 'post',
  path: '/items/{id}/state',
  tags: ['Queue'],
  summary: 'Move an item to another state',
  description: 'Along the allowed transitions (see `next_states`), through the queue’s single writer, as on the item page. Needs `items:write`. Answers the item as GET /items/{id} does.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:write', { anonymous: false })] as const,
  request: { params: z.object({ id: S.ItemId }), body: { required: true, content: { 'application/json': { schema: S.ChangeItemStateBody } } } },
  responses: {
    200: json(S.Item, 'The item in its new state.'),
    ...BAD_BODY,
    ...AUTH_ERRORS,
    ...ITEM_NOT_FOUND,
    409: problemResponse('The item cannot move to that state from the one it is in.'),
    ...COMMON_ERRORS,
  },
})

export const assignItemRoute = createRoute({
  method: 'post',
  path: '/items/{id}/assign',
  tags: ['Queue'],
  summary: 'Assign an item (or unassign it)',
  description: 'To a staff member, to the token’s owner (`"me"`), or to nobody (null). Needs `items:write`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:write', { anonymous: false })] as const,
  request: { params: z.object({ id: S.ItemId }), body: { required: true, content: { 'application/json': { schema: S.AssignItemBody } } } },
  responses: { 200: json(S.Item, 'The item.'), ...BAD_BODY, ...AUTH_ERRORS, ...ITEM_NOT_FOUND, ...COMMON_ERRORS },
})

export const createItemNoteRoute = createRoute({
  method: 'post',
  path: '/items/{id}/notes',
  tags: ['Queue'],
  summary: 'Add an internal note to an item',
  description: 'Staff only; customers never see it. Needs `notes:write`. Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('notes:write', { anonymous: false }), idempotent()] as const,
  request: {
    params: z.object({ id: S.ItemId }),
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.CreateNoteBody } } },
  },
  responses: { 201: json(S.CreatedNote, 'The note.'), ...BAD_BODY, ...AUTH_ERRORS, ...ITEM_NOT_FOUND, ...IN_PROGRESS, ...COMMON_ERRORS },
})

export const createItemReplyRoute = createRoute({
  method: 'post',
  path: '/items/{id}/replies',
  tags: ['Queue'],
  summary: 'Reply publicly on the item’s thread',
  description:
    'The staff reply of the item page: posted on the item’s thread, the response clock settled, and the item optionally moved on (`then`). Needs `items:write`. Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:write', { anonymous: false }), idempotent()] as const,
  request: {
    params: z.object({ id: S.ItemId }),
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.CreateItemReplyBody } } },
  },
  responses: {
    201: json(S.CreatedItemReply, 'The reply.'),
    ...BAD_BODY,
    ...AUTH_ERRORS,
    ...ITEM_NOT_FOUND,
    409: problemResponse('The item has no thread (filed from outside the forum), `then` is not allowed from its state, or a request with this Idempotency-Key is still running.'),
    ...COMMON_ERRORS,
  },
})

export const updateItemRoute = createRoute({
  method: 'patch',
  path: '/items/{id}',
  tags: ['Queue'],
  summary: 'Triage an item: kind, severity, tier, team',
  description: 'Fields left out keep their value; each change is a timeline event and the priority is recomputed. Needs `items:write`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('items:write', { anonymous: false })] as const,
  request: { params: z.object({ id: S.ItemId }), body: { required: true, content: { 'application/json': { schema: S.UpdateItemBody } } } },
  responses: { 200: json(S.Item, 'The item.'), ...BAD_BODY, ...AUTH_ERRORS, ...ITEM_NOT_FOUND, ...COMMON_ERRORS },
})

export const onRotationNowRoute = createRoute({
  method: 'get',
  path: '/rotations/{team}/on-now',
  tags: ['Rotations'],
  summary: 'Who is on rotation now for a team',
  description: 'The engineer on the team’s rotation at this instant (an override first, else the planned shift), until when, and who is next. Needs a staff token with `rotations:read`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('rotations:read', { anonymous: false })] as const,
  request: { params: z.object({ team: S.TeamSlug }) },
  responses: { 200: json(S.OnRotationNow, 'Who is on now.'), ...AUTH_ERRORS, 404: problemResponse('No rotation for that team, or the caller is not staff.'), ...COMMON_ERRORS },
})

export const listNotificationsRoute = createRoute({
  method: 'get',
  path: '/notifications',
  tags: ['Notifications'],
  summary: 'The caller’s notifications',
  description: 'The token owner’s 50 most recent notices, newest first, read or not (reading them here does not mark them read). Needs `notifications:read`; any role.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('notifications:read', { anonymous: false })] as const,
  responses: { 200: json(S.NotificationList, 'The notices.'), ...AUTH_ERRORS, 429: COMMON_ERRORS[429] },
})

export const apiRouteDefinitions = [
  listThreadsRoute,
  getThreadRoute,
  createThreadRoute,
  createReplyRoute,
  listCategoriesRoute,
  listTagsRoute,
  searchRoute,
  similarRoute,
  createItemRoute,
  listItemsRoute,
  getItemRoute,
  changeItemStateRoute,
  assignItemRoute,
  createItemNoteRoute,
  createItemReplyRoute,
  updateItemRoute,
  onRotationNowRoute,
  listNotificationsRoute,
  ...engineeringRouteDefinitions,
  ...directoryRouteDefinitions,
] as const

// ---- the app --------------------------------------------------------------------------------

export function createApiApp(): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    // Invalid requests: one message per field, as problem+json; the handler never runs.
    defaultHook: (result, c) => {
      if (!result.success) throw new ProblemError({ status: 422, detail: Object.values(fieldErrors(result.error)).join(' '), errors: fieldErrors(result.error) })
    },
  })
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: `An API token (\`wire_...\`) from /account/tokens; scopes per resource: ${apiScopes.join(', ')}.`,
  })
  api.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'session',
    description: 'The signed-in session, for same-origin use (`__Host-session` over HTTPS). Unsafe methods also need the X-CSRF-Token header.',
  })

  // Per route (in each definition's middleware), not api.use(): mounted at /api/v1, a use()
  // would also run for the other handlers there (the inbound mail webhook).

  const origin = (c: { var: ApiEnv['Variables'] }) => c.var.deps.env.publicUrl

  api.openapi(listThreadsRoute, async (c) => {
    const query = c.req.valid('query')
    const limit = query.limit ?? 30
    const cursor = decodeApiCursor(query.cursor)
    if (cursor === undefined) throw new ProblemError({ status: 422, detail: 'That cursor is not one this API gave out.', errors: { cursor: 'Invalid cursor.' } })
    const ctx = c.var.ctx
    const categoryId = query.category ? (await getCategoryBySlug(ctx, query.category)).id : undefined
    const tagId = query.tag ? (await getTagByName(ctx, query.tag)).id : undefined
    const page = await listThreads(ctx, { filter: query.state, categoryId, tagId, cursor, limit, order: 'created' })
    const base = origin(c)
    const nextCursor = page.nextCursor ? encodeApiCursor(page.nextCursor) : null
    if (nextCursor) c.header('Link', linkNext(c.req.url, base, 'cursor', nextCursor))
    return c.json(
      {
        data: page.items.map((t) => ({
          id: t.id,
          title: t.title,
          slug: t.slug,
          url: `${base}${threadPath(t)}`,
          excerpt: t.excerpt,
          category: t.category,
          author: { id: t.author.id, display_name: t.author.displayName, role: t.author.role },
          tags: t.tags,
          reply_count: t.replyCount,
          upvote_count: t.upvoteCount,
          solved: t.solved,
          created_at: iso(t.createdAt),
          last_activity_at: iso(t.lastActivityAt),
        })),
        next_cursor: nextCursor,
      },
      200,
    )
  })

  api.openapi(getThreadRoute, async (c) => {
    const { id } = c.req.valid('param')
    const after = decodeApiCursor(c.req.valid('query').replies_cursor)
    if (after === undefined) throw new ProblemError({ status: 422, detail: 'That cursor is not one this API gave out.', errors: { replies_cursor: 'Invalid cursor.' } })
    const body = await threadBody(c, id, after)
    if (body.next_replies_cursor) c.header('Link', linkNext(c.req.url, origin(c), 'replies_cursor', body.next_replies_cursor))
    return c.json(body, 200)
  })

  api.openapi(createThreadRoute, async (c) => {
    const input = c.req.valid('json')
    const ctx = c.var.ctx
    const category = await getCategoryBySlug(ctx, input.category).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null
      throw error
    })
    if (!category) throw new ProblemError({ status: 422, detail: 'There is no category with that slug.', errors: { category: 'There is no category with that slug.' } })
    const created = await askQuestion({
      ctx,
      input: { title: input.title, body: input.body, categoryId: String(category.id), tags: (input.tags ?? []).join(','), visitorKey: visitorKey(c as unknown as Context<AppEnv>) },
    })
    if (created.held) return c.json({ id: created.id, status: 'held_for_review' as const, detail: HELD_DETAIL }, 202)
    c.header('Location', `${origin(c)}/api/v1/threads/${created.id}`)
    return c.json(await threadBody(c, created.id, null), 201)
  })

  api.openapi(createReplyRoute, async (c) => {
    const { id } = c.req.valid('param')
    const ctx = c.var.ctx
    // Hidden threads do not exist for the API, whoever asks.
    const { thread } = await getThreadPage(ctx, id)
    if (thread.hidden) throw new NotFoundError('That thread')
    const reply = await postReply({ ctx, input: { threadId: id, body: c.req.valid('json').body } })
    if (reply.held) return c.json({ id: reply.id, status: 'held_for_review' as const, detail: HELD_DETAIL }, 202)
    const view = await getReplyView(ctx, reply.id)
    return c.json({ ...replyBody(view.reply, view.thread.acceptedReplyId), url: `${origin(c)}${threadPath(view.thread)}#reply-${reply.id}` }, 201)
  })

  api.openapi(listCategoriesRoute, async (c) => {
    const categories = await listCategories(c.var.ctx)
    const base = origin(c)
    return c.json({ data: categories.map((k) => ({ id: k.id, slug: k.slug, name: k.name, description: k.description, url: `${base}/c/${k.slug}` })) }, 200)
  })

  api.openapi(listTagsRoute, async (c) => {
    const tags = await listPopularTags(c.var.ctx, c.req.valid('query').limit ?? 100)
    const base = origin(c)
    return c.json({ data: tags.map((tag) => ({ name: tag.name, thread_count: Number(tag.count), url: `${base}${tagPath(tag.name)}` })) }, 200)
  })

  api.openapi(searchRoute, async (c) => {
    const query = c.req.valid('query')
    await checkWriteAllowed(c.var.ctx, 'search')
    const page = await searchForum({
      ctx: c.var.ctx,
      input: {
        raw: { q: query.q, category: query.category, tag: query.tag, state: query.state, page: query.page ? String(query.page) : undefined },
        visitorKey: visitorKey(c as unknown as Context<AppEnv>),
        record: false,
      },
    })
    const base = origin(c)
    return c.json(
      {
        data: page.results.map(({ thread, title, snippet }) => ({
          id: thread.id,
          title: title.map((part) => part.text).join(''),
          url: `${base}${threadPath(thread)}`,
          snippet: snippet.map((part) => part.text).join(''),
          solved: thread.solved,
          category: thread.category,
          last_activity_at: iso(thread.lastActivityAt),
        })),
        total: page.total,
        page: page.params.page,
        page_count: page.pageCount,
        corrected_query: page.correctedText ?? null,
      },
      200,
    )
  })

  api.openapi(similarRoute, async (c) => {
    const query = c.req.valid('query')
    await checkWriteAllowed(c.var.ctx, 'similar')
    const similar = await findSimilarQuestions({ ctx: c.var.ctx, input: { title: query.title, body: query.body, limit: query.limit } })
    const base = origin(c)
    return c.json(
      {
        results: similar.items.map(({ thread, score }) => ({
          id: thread.id,
          title: thread.title,
          url: `${base}${threadPath(thread)}`,
          score: Math.round(score * 10_000) / 10_000,
          solved: thread.solved,
          acceptedAnswerExcerpt: thread.acceptedExcerpt,
        })),
      },
      200,
    )
  })

  api.openapi(createItemRoute, async (c) => {
    const body = c.req.valid('json')
    const item = await fileItem({
      ctx: c.var.ctx,
      input: {
        source: str(body.source) ?? 'api',
        title: str(body.title),
        description: str(body.description),
        requesterEmail: str(body.requester_email) ?? '',
        organisationId: str(body.organisation_id) ?? '',
        kind: str(body.kind) ?? 'question',
        severity: str(body.severity) ?? 'normal',
        teamSlug: str(body.team),
      },
    })
    return c.json(
      {
        id: item.id,
        url: `${origin(c)}/queue/items/${item.id}`,
        state: item.state,
        kind: item.kind,
        severity: item.severity,
        team: item.teamSlug,
        priority: `P${item.priorityClass}`,
        assignee_id: item.assigneeId,
        first_response_due_at: item.firstResponseDueAt?.toISOString() ?? null,
      },
      201,
    )
  })

  api.openapi(listItemsRoute, async (c) => {
    const query = c.req.valid('query')
    if (query.cursor !== undefined && !isBoardCursor(query.cursor))
      throw new ProblemError({ status: 422, detail: 'That cursor is not one this API gave out.', errors: { cursor: 'Invalid cursor.' } })
    const board = await getBoardRows(c.var.ctx, {
      team: query.team,
      assignee: query.assignee,
      state: query.state,
      priority: query.priority === undefined ? undefined : Number(query.priority.slice(1)),
      risk: query.risk,
      after: query.cursor,
    })
    const base = origin(c)
    if (board.next) c.header('Link', linkNext(c.req.url, base, 'cursor', board.next))
    return c.json(
      {
        data: board.rows.map((row) => ({
          id: row.id,
          url: `${base}/queue/items/${row.id}`,
          title: row.title,
          kind: row.kind,
          severity: row.severity,
          state: row.state,
          tier: row.tier,
          team: row.teamSlug,
          source: row.source,
          thread_id: row.threadId,
          priority: `P${row.priorityClass}`,
          priority_score: row.priorityScore,
          priority_reason: row.classReason,
          assignee: row.assignee ? { id: row.assignee.id, display_name: row.assignee.displayName } : null,
          requester_name: row.requesterName,
          organisation: row.organisation,
          affected_customers: row.affectedCustomers,
          due_at: isoOrNull(row.dueAt),
          paused: row.paused,
          breached: row.breached,
          created_at: iso(row.createdAt),
        })),
        next_cursor: board.next,
      },
      200,
    )
  })

  api.openapi(getItemRoute, async (c) => {
    const { id } = c.req.valid('param')
    return c.json(await itemBody(c, id), 200)
  })

  api.openapi(changeItemStateRoute, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    await asApi(changeItemState({ ctx: c.var.ctx, input: { itemId: String(id), state: body.state, note: body.note ?? '' } }))
    return c.json(await itemBody(c, id), 200)
  })

  api.openapi(assignItemRoute, async (c) => {
    const { id } = c.req.valid('param')
    const { assignee_id } = c.req.valid('json')
    await asApi(assignItem({ ctx: c.var.ctx, input: { itemId: String(id), assigneeId: assignee_id === null ? '' : String(assignee_id) } }))
    return c.json(await itemBody(c, id), 200)
  })

  api.openapi(createItemNoteRoute, async (c) => {
    const { id } = c.req.valid('param')
    const note = await asApi(addInternalNote({ ctx: c.var.ctx, input: { itemId: String(id), body: c.req.valid('json').body } }))
    return c.json({ id: note.id, item_id: id, thread_id: note.threadId }, 201)
  })

  api.openapi(createItemReplyRoute, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const reply = await asApi(replyToItem({ ctx: c.var.ctx, input: { itemId: String(id), body: body.body, then: body.then ?? 'keep' } }))
    const [item, view] = await Promise.all([itemBody(c, id), getReplyView(c.var.ctx, reply.replyId)])
    return c.json({ reply_id: reply.replyId, thread_id: reply.threadId, url: `${origin(c)}${replyPath(view.thread, reply.replyId)}`, state: item.state }, 201)
  })

  api.openapi(updateItemRoute, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    // PATCH: what is left out keeps its value (the verb takes the whole triage form).
    const { item } = await staffOnly(getItemPage(c.var.ctx, id))
    await asApi(
      updateItemDetails({
        ctx: c.var.ctx,
        input: {
          itemId: String(id),
          kind: body.kind ?? item.kind,
          severity: body.severity ?? item.severity,
          tier: String(body.tier ?? item.tier),
          teamSlug: body.team ?? item.teamSlug,
          flagged: item.flaggedAt !== null,
        },
      }),
    )
    return c.json(await itemBody(c, id), 200)
  })

  api.openapi(onRotationNowRoute, async (c) => {
    const on = await hideFromNonStaff(getOnRotationNow(c.var.ctx, c.req.valid('param').team), 'A rotation for that team')
    return c.json(
      {
        team: on.teamSlug,
        rotation_id: on.rotationId,
        on_now: on.onNow.userId !== null && on.onNow.displayName !== null ? { id: on.onNow.userId, display_name: on.onNow.displayName } : null,
        override: on.onNow.override,
        until: isoOrNull(on.onNow.until),
        next: on.next ? { id: on.next.id, display_name: on.next.displayName } : null,
      },
      200,
    )
  })

  api.openapi(listNotificationsRoute, async (c) => {
    const notices = await listNotifications(c.var.ctx)
    const base = origin(c)
    return c.json(
      {
        data: notices.map((notice) => ({
          id: notice.id,
          kind: notice.kind,
          message: notice.message,
          item_id: notice.itemId,
          thread_id: notice.thread?.id ?? null,
          url: notice.thread ? `${base}${threadPath(notice.thread)}` : notice.itemId ? `${base}/queue/items/${notice.itemId}` : null,
          read: notice.readAt !== null,
          created_at: iso(new Date(notice.createdAt)),
        })),
      },
      200,
    )
  })

  registerEngineeringRoutes(api)
  registerDirectoryRoutes(api)
  return api
}

// The verbs name fields as the item page's forms do; the API's fields are these.
const API_FIELDS: Record<string, string> = { itemId: 'id', assigneeId: 'assignee_id', teamSlug: 'team' }

/** A verb's refusal and validation, as the API says them: non-staff get a 404, field names are the API's. */
const asApi = <T>(work: Promise<T>): Promise<T> => withApiFields(staffOnly(work), API_FIELDS)

const staffOnly = <T>(work: Promise<T>): Promise<T> => hideFromNonStaff(work, 'That queue item')

function canReadNotes(caller: ApiEnv['Variables']['api']): boolean {
  return caller.scopes === 'all' || caller.scopes.includes('notes:read')
}

/** An item as the API shows it; internal notes only with the notes scope (getItemPage already refuses non-staff). */
async function itemBody(c: { var: ApiEnv['Variables'] }, id: number) {
  const page = await staffOnly(getItemPage(c.var.ctx, id))
  const item = page.item
  const why = item.priorityFactors
  return {
    id: item.id,
    url: `${c.var.deps.env.publicUrl}/queue/items/${item.id}`,
    title: item.title,
    description: item.description,
    kind: item.kind,
    severity: item.severity,
    state: item.state,
    next_states: page.nextStates,
    tier: item.tier,
    team: item.teamSlug,
    source: item.source,
    thread_id: item.threadId,
    assignee: page.assignee ? { id: page.assignee.id, display_name: page.assignee.displayName } : null,
    priority: {
      class: `P${item.priorityClass}`,
      score: item.priorityScore,
      why: why
        ? {
            class_reason: why.classReason,
            urgency: why.urgency,
            breached: why.breached,
            affected_customers: why.affectedCustomers,
            plan: why.plan,
            mrr: why.mrr,
            votes: why.votes,
            views: why.views,
            age: why.age,
          }
        : null,
    },
    first_response_due_at: isoOrNull(item.firstResponseDueAt),
    resolution_due_at: isoOrNull(item.resolutionDueAt),
    created_at: iso(item.createdAt),
    timeline: page.timeline.map((entry) => ({ kind: entry.kind, actor_name: entry.actorName, data: entry.data, created_at: iso(entry.createdAt) })),
    ...(canReadNotes(c.var.api)
      ? { internal_notes: page.notes.map((note) => ({ id: note.id, author_name: note.authorName, body_html: note.html, on_thread: note.onThread, created_at: iso(note.createdAt) })) }
      : {}),
  }
}

function replyBody(reply: ReplyView, acceptedReplyId: number | null) {
  return {
    id: reply.id,
    thread_id: reply.threadId,
    body_html: reply.bodyHtml,
    body_text: reply.bodyText,
    author: { id: reply.author.id, display_name: reply.author.displayName, role: reply.author.role },
    upvote_count: reply.upvoteCount,
    accepted: reply.id === acceptedReplyId,
    created_at: iso(reply.createdAt),
    edited_at: isoOrNull(reply.editedAt),
  }
}

/** A thread as the API shows it: public fields only, never hidden replies (nor internal notes, which live elsewhere). */
async function threadBody(c: { var: ApiEnv['Variables'] }, id: number, after: string | null) {
  const page = await getThreadPage(c.var.ctx, id, { after })
  const t = page.thread
  // Staff see hidden threads on the pages (to moderate them); the API shows public content only.
  if (t.hidden) throw new NotFoundError('That thread')
  const accepted = page.accepted && !page.accepted.hidden ? page.accepted : null
  return {
    id: t.id,
    title: t.title,
    slug: t.slug,
    url: `${c.var.deps.env.publicUrl}${threadPath(t)}`,
    body_html: t.bodyHtml,
    body_text: t.bodyText,
    category: t.category,
    author: { id: t.author.id, display_name: t.author.displayName, role: t.author.role },
    tags: t.tags,
    locked: t.locked,
    solved: t.acceptedReplyId !== null && accepted !== null,
    reply_count: t.replyCount,
    upvote_count: t.upvoteCount,
    me_too_count: t.meTooCount,
    created_at: iso(t.createdAt),
    edited_at: isoOrNull(t.editedAt),
    last_activity_at: iso(t.lastActivityAt),
    accepted_answer: accepted ? replyBody(accepted, t.acceptedReplyId) : null,
    replies: page.replies.filter((reply) => !reply.hidden).map((reply) => replyBody(reply, t.acceptedReplyId)),
    next_replies_cursor: page.nextRepliesCursor ? encodeApiCursor(page.nextRepliesCursor) : null,
  }
}
