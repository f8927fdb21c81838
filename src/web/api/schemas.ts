import { z } from '@hono/zod-openapi'

// The API's wire shapes: one schema validates a request (or describes a response) and
// becomes its part of the OpenAPI document. Domain rules (title length, tag format...) stay in
// the domain's own schemas; the verbs apply them and their messages come back as `errors`.

export const Problem = z
  .object({
    type: z.string().openapi({ example: 'https://wire-forum.dev/problems/validation' }),
    title: z.string().openapi({ example: 'Unprocessable content' }),
    status: z.number().int().openapi({ example: 422 }),
    detail: z.string().openapi({ example: 'Title must be at least 15 characters.' }),
    errors: z.record(z.string(), z.string()).optional().openapi({ description: 'One message per invalid field.', example: { title: 'Title must be at least 15 characters.' } }),
    error: z
      .object({ status: z.number().int(), message: z.string(), fields: z.record(z.string(), z.string()).optional() })
      .openapi({ description: 'The same error in the shape of the first API version (kept for older clients).' }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details (application/problem+json).' })

export const Author = z.object({ id: z.number().int(), display_name: z.string(), role: z.string() }).openapi('Author')

export const ThreadListItem = z
  .object({
    id: z.number().int(),
    title: z.string(),
    slug: z.string(),
    url: z.string().url(),
    excerpt: z.string(),
    category: z.object({ slug: z.string(), name: z.string() }),
    author: Author,
    tags: z.array(z.string()),
    reply_count: z.number().int(),
    upvote_count: z.number().int(),
    solved: z.boolean(),
    created_at: z.string().datetime(),
    last_activity_at: z.string().datetime(),
  })
  .openapi('ThreadListItem')

export const ThreadList = z
  .object({
    data: z.array(ThreadListItem),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .openapi('ThreadList')

export const Reply = z
  .object({
    id: z.number().int(),
    thread_id: z.number().int(),
    body_html: z.string().openapi({ description: 'Sanitised HTML rendered from the Markdown source.' }),
    body_text: z.string(),
    author: Author,
    upvote_count: z.number().int(),
    accepted: z.boolean(),
    created_at: z.string().datetime(),
    edited_at: z.string().datetime().nullable(),
  })
  .openapi('Reply')

export const Thread = z
  .object({
    id: z.number().int(),
    title: z.string(),
    slug: z.string(),
    url: z.string().url(),
    body_html: z.string().openapi({ description: 'Sanitised HTML rendered from the Markdown source.' }),
    body_text: z.string(),
    category: z.object({ id: z.number().int(), slug: z.string(), name: z.string() }),
    author: Author,
    tags: z.array(z.string()),
    locked: z.boolean(),
    solved: z.boolean(),
    reply_count: z.number().int(),
    upvote_count: z.number().int(),
    me_too_count: z.number().int(),
    created_at: z.string().datetime(),
    edited_at: z.string().datetime().nullable(),
    last_activity_at: z.string().datetime(),
    accepted_answer: Reply.nullable(),
    replies: z.array(Reply),
    next_replies_cursor: z.string().nullable().openapi({ description: 'Pass as `replies_cursor` for the next replies; null when all are shown.' }),
  })
  .openapi('Thread')

export const Category = z
  .object({ id: z.number().int(), slug: z.string(), name: z.string(), description: z.string(), url: z.string().url() })
  .openapi('Category')
export const CategoryList = z.object({ data: z.array(Category) }).openapi('CategoryList')

export const Tag = z.object({ name: z.string(), thread_count: z.number().int(), url: z.string().url() }).openapi('Tag')
export const TagList = z.object({ data: z.array(Tag) }).openapi('TagList')

export const SearchResult = z
  .object({
    id: z.number().int(),
    title: z.string(),
    url: z.string().url(),
    snippet: z.string(),
    solved: z.boolean(),
    category: z.object({ slug: z.string(), name: z.string() }),
    last_activity_at: z.string().datetime(),
  })
  .openapi('SearchResult')
export const SearchResults = z
  .object({
    data: z.array(SearchResult),
    total: z.number().int(),
    page: z.number().int(),
    page_count: z.number().int(),
    corrected_query: z.string().nullable(),
  })
  .openapi('SearchResults')

export const SimilarResults = z
  .object({
    results: z.array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        url: z.string().url(),
        score: z.number(),
        solved: z.boolean(),
        acceptedAnswerExcerpt: z.string().nullable(),
      }),
    ),
  })
  .openapi('SimilarResults')

export const CreateThreadBody = z
  .object({
    title: z.string().openapi({ example: 'How do I export all projects as CSV?' }),
    body: z.string().openapi({ description: 'Markdown.', example: 'I can export one project at a time. Is there a way to export all of them?' }),
    category: z.string().openapi({ description: 'Category slug.', example: 'billing' }),
    tags: z.array(z.string()).max(20).optional().openapi({ example: ['export', 'csv'] }),
  })
  .openapi('CreateThread')

export const CreateReplyBody = z
  .object({ body: z.string().openapi({ description: 'Markdown.', example: 'Settings → Export has an "All projects" option.' }) })
  .openapi('CreateReply')

const stringy = z.union([z.string(), z.number()])
export const CreateItemBody = z
  .object({
    title: stringy.optional(),
    description: stringy.optional(),
    source: stringy.optional().openapi({ description: 'email, chat, call, other or api (the default).' }),
    requester_email: stringy.optional(),
    organisation_id: stringy.optional(),
    kind: stringy.optional().openapi({ description: 'question (default), bug, billing, ...' }),
    severity: stringy.optional().openapi({ description: 'normal (default), low, high, urgent.' }),
    team: stringy.optional().openapi({ description: 'Team slug; routing rules decide when absent.' }),
  })
  .openapi('CreateItem')

export const CreatedItem = z
  .object({
    id: z.number().int(),
    url: z.string().url(),
    state: z.string(),
    kind: z.string(),
    severity: z.string(),
    team: z.string().nullable(),
    priority: z.string(),
    assignee_id: z.number().int().nullable(),
    first_response_due_at: z.string().datetime().nullable(),
  })
  .openapi('CreatedItem')

export const CreatedReply = Reply.extend({ url: z.string().url() }).openapi('CreatedReply')

export const Limit = z.coerce
  .number({ error: 'limit must be a whole number from 1 to 100.' })
  .int({ error: 'limit must be a whole number from 1 to 100.' })
  .min(1, { error: 'limit must be a whole number from 1 to 100.' })
  .max(100, { error: 'limit must be a whole number from 1 to 100.' })
  .optional()
  .openapi({ description: 'Page size, 1 to 100 (default 30).', example: 30 })

export const ThreadId = z.coerce
  .number({ error: 'The thread id must be a number.' })
  .int({ error: 'The thread id must be a number.' })
  .min(1, { error: 'The thread id must be a number.' })
  .max(2_147_483_647, { error: 'The thread id must be a number.' })
  .openapi({ param: { name: 'id', in: 'path' }, example: 42 })

export const IdempotencyKeyHeader = z
  .object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: 'Makes the request safe to retry: a retry with the same key and body returns the first answer.', example: '3f1c9a0e-1b2c-4d5e-8f90-123456789abc' }),
  })
