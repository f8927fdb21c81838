import { z } from '@hono/zod-openapi'
import { PROBLEM_TYPE_BASE } from './problem'

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

/**
 * What a suspended owner's token (or session) gets on every route, reads included: the problem
 * with the words staff wrote for the person and when it ends, so a program knows when to retry.
 */
export const AccountSuspendedProblem = Problem.extend({
  type: z.literal(`${PROBLEM_TYPE_BASE}account-suspended`),
  title: z.literal('Account suspended'),
  status: z.literal(403),
  detail: z.string().openapi({ example: 'Your account is suspended until 2026-12-10 09:00 UTC. Please stop posting adverts.' }),
  suspendedUntil: z.iso
    .datetime()
    .nullable()
    .openapi({ description: 'When the suspension ends; null until staff lift it.', example: '2026-12-10T09:00:00.000Z' }),
}).openapi('AccountSuspendedProblem', { description: 'The account that owns the token (or session) is suspended.' })

/**
 * Every 403: the account-suspended problem, or another refusal (a missing scope, the CSRF header,
 * a role). A body typed account-suspended must be the first (the refinement keeps it from passing as the second).
 */
export const ForbiddenProblem = z
  .union([AccountSuspendedProblem, Problem.refine((body) => body.type !== `${PROBLEM_TYPE_BASE}account-suspended`, 'An account-suspended problem carries suspendedUntil.')])
  .openapi('ForbiddenProblem', { description: 'A refusal: the account-suspended problem, or another forbidden problem.' })

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

export const ItemId = z.coerce
  .number({ error: 'The item id must be a number.' })
  .int({ error: 'The item id must be a number.' })
  .min(1, { error: 'The item id must be a number.' })
  .max(2_147_483_647, { error: 'The item id must be a number.' })
  .openapi({ param: { name: 'id', in: 'path' }, example: 42 })

const Person = z.object({ id: z.number().int(), display_name: z.string() })

export const ItemListEntry = z
  .object({
    id: z.number().int(),
    url: z.string().url(),
    title: z.string(),
    kind: z.string(),
    severity: z.string(),
    state: z.string(),
    tier: z.number().int(),
    team: z.string(),
    source: z.string(),
    thread_id: z.number().int().nullable(),
    priority: z.string().openapi({ description: 'P0 (most urgent) to P4.', example: 'P1' }),
    priority_score: z.number(),
    priority_reason: z.string().nullable(),
    assignee: Person.nullable(),
    requester_name: z.string().nullable(),
    organisation: z.object({ name: z.string(), plan: z.string() }).nullable(),
    affected_customers: z.number().int(),
    due_at: z.string().datetime().nullable(),
    paused: z.boolean(),
    breached: z.boolean(),
    created_at: z.string().datetime(),
  })
  .openapi('ItemListEntry')

export const ItemList = z
  .object({
    data: z.array(ItemListEntry),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .openapi('ItemList')

export const Item = z
  .object({
    id: z.number().int(),
    url: z.string().url(),
    title: z.string(),
    description: z.string().nullable(),
    kind: z.string(),
    severity: z.string(),
    state: z.string(),
    next_states: z.array(z.string()).openapi({ description: 'The states this item may move to now.' }),
    tier: z.number().int(),
    team: z.string(),
    source: z.string(),
    thread_id: z.number().int().nullable(),
    assignee: Person.nullable(),
    priority: z.object({
      class: z.string().openapi({ example: 'P1' }),
      score: z.number(),
      why: z
        .object({
          class_reason: z.string().nullable(),
          urgency: z.number(),
          breached: z.number(),
          affected_customers: z.number(),
          plan: z.number(),
          mrr: z.number(),
          votes: z.number(),
          views: z.number(),
          age: z.number(),
        })
        .nullable()
        .openapi({ description: 'The class’s reason and the score’s factors; null before the first computation.' }),
    }),
    first_response_due_at: z.string().datetime().nullable(),
    resolution_due_at: z.string().datetime().nullable(),
    created_at: z.string().datetime(),
    timeline: z.array(z.object({ kind: z.string(), actor_name: z.string().nullable(), data: z.record(z.string(), z.unknown()), created_at: z.string().datetime() })),
    internal_notes: z
      .array(z.object({ id: z.number().int(), author_name: z.string(), body_html: z.string(), on_thread: z.boolean(), created_at: z.string().datetime() }))
      .optional()
      .openapi({ description: 'Only for a staff token with the `notes:read` scope (or a staff session).' }),
  })
  .openapi('Item')

export const ChangeItemStateBody = z
  .object({
    state: z.string().openapi({ description: 'The new state; one of the item’s `next_states`.', example: 'in_progress' }),
    note: z.string().max(2000).optional().openapi({ description: 'Why, kept on the timeline.' }),
  })
  .openapi('ChangeItemState')

export const AssignItemBody = z
  .object({
    assignee_id: z
      .union([z.number().int().min(1), z.literal('me'), z.null()], { error: 'assignee_id is a staff member’s id, "me", or null to unassign.' })
      .openapi({ description: 'A staff member’s id, `"me"`, or null to unassign.', example: 7 }),
  })
  .openapi('AssignItem')

export const CreateNoteBody = z.object({ body: z.string().openapi({ description: 'Markdown, staff only.', example: 'Customer is on the legacy plan; check the invoice by hand.' }) }).openapi('CreateNote')

export const CreatedNote = z
  .object({ id: z.number().int(), item_id: z.number().int(), thread_id: z.number().int().nullable() })
  .openapi('CreatedNote')

export const CreateItemReplyBody = z
  .object({
    body: z.string().openapi({ description: 'Markdown; posted publicly on the item’s thread.', example: 'We found the cause and a fix ships today.' }),
    then: z.enum(['keep', 'waiting_on_customer', 'resolved'], { error: 'then is keep, waiting_on_customer or resolved.' }).optional().openapi({ description: 'What happens to the item after the reply (default keep).' }),
  })
  .openapi('CreateItemReply')

export const CreatedItemReply = z
  .object({ reply_id: z.number().int(), thread_id: z.number().int(), url: z.string().url(), state: z.string() })
  .openapi('CreatedItemReply')

export const UpdateItemBody = z
  .object({
    kind: z.string().optional().openapi({ example: 'bug' }),
    severity: z.string().optional().openapi({ example: 'high' }),
    tier: z.number().int().optional().openapi({ description: '1, 2 (support) or 3 (engineering).', example: 2 }),
    team: z.string().optional().openapi({ description: 'Team slug.', example: 'platform' }),
  })
  .openapi('UpdateItem', { description: 'Triage; fields left out keep their value.' })

export const TeamSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'The team is a slug: lowercase letters, digits and hyphens (at most 40).' })
  .openapi({ param: { name: 'team', in: 'path' }, example: 'platform' })

export const OnRotationNow = z
  .object({
    team: z.string(),
    rotation_id: z.number().int(),
    on_now: Person.nullable().openapi({ description: 'Null when nobody covers this instant (a gap in the plan).' }),
    override: z.boolean().openapi({ description: 'True when an override covers now.' }),
    until: z.string().datetime().nullable().openapi({ description: 'When the current shift (or override) ends.' }),
    next: Person.nullable().openapi({ description: 'Who takes over after that.' }),
  })
  .openapi('OnRotationNow')

export const NotificationList = z
  .object({
    data: z.array(
      z.object({
        id: z.number().int(),
        kind: z.string(),
        message: z.string(),
        item_id: z.number().int().nullable(),
        thread_id: z.number().int().nullable(),
        url: z.string().url().nullable().openapi({ description: 'The page the notice is about, when there is one.' }),
        read: z.boolean(),
        created_at: z.string().datetime(),
      }),
    ),
  })
  .openapi('NotificationList', { description: 'The token owner’s 50 most recent notices, newest first.' })

// ---- escalations ------------------------------------------------------------------------------

export const EscalationId = z.coerce
  .number({ error: 'The escalation id must be a number.' })
  .int({ error: 'The escalation id must be a number.' })
  .min(1, { error: 'The escalation id must be a number.' })
  .max(2_147_483_647, { error: 'The escalation id must be a number.' })
  .openapi({ param: { name: 'id', in: 'path' }, example: 12 })

export const Escalation = z
  .object({
    id: z.number().int(),
    url: z.string().url().openapi({ description: 'The item page’s engineering section.' }),
    state: z.enum(['open', 'answered']),
    item: z.object({ id: z.number().int(), title: z.string(), state: z.string(), severity: z.string(), team: z.string() }),
    engineer: Person.nullable().openapi({ description: 'Who it went to: the engineer on rotation then, or the team lead.' }),
    backup: Person.nullable().openapi({ description: 'Who was called in when the response target passed.' }),
    escalated_by: Person,
    reproduction: z.object({
      customer_did: z.string(),
      what_happened: z.string(),
      expected: z.string(),
      logs: z.string(),
      account: z.string(),
      frequency: z.string(),
      customers_affected: z.string(),
    }),
    response_due_at: z.string().datetime(),
    breached: z.boolean().openapi({ description: 'Unanswered past its response target, or answered after it.' }),
    out_of_hours: z.boolean(),
    answer: z
      .object({
        outcome: z.enum(['fixed', 'workaround', 'needs_info', 'duplicate', 'wont_fix']),
        text: z.string().nullable(),
        tracker_url: z.string().nullable(),
        release: z.string().nullable(),
        duplicate_of_item_id: z.number().int().nullable(),
        answered_by: Person.nullable(),
        answered_at: z.string().datetime(),
      })
      .nullable()
      .openapi({ description: 'Null while waiting for the engineer.' }),
    created_at: z.string().datetime(),
  })
  .openapi('Escalation', { description: 'Staff only: the reproduction and the answer are internal.' })

export const EscalationList = z
  .object({
    data: z.array(Escalation),
    next_cursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .openapi('EscalationList')

const text = (description: string, example: string) => z.string().optional().openapi({ description, example })

export const CreateEscalationBody = z
  .object({
    customer_did: text('What the customer did (10 to 5000 characters).', 'Exported all projects as CSV from Settings → Export.'),
    what_happened: text('What happened (10 to 5000 characters).', 'The export stops at 99% and never finishes.'),
    expected: text('What should have happened (5 to 5000 characters).', 'A CSV with every project.'),
    logs: text('Logs or links (5 to 20000 characters).', 'request id 7f3a…, export job 1234 stuck in state "finalising"'),
    account: text('Account or organisation (2 to 500 characters).', 'Acme Corp (enterprise)'),
    frequency: text('How often (2 to 500 characters).', 'Every time since Monday'),
    customers_affected: text('How many customers (1 to 500 characters).', '3 so far'),
  })
  .openapi('CreateEscalation', { description: 'The reproduction, as on the item page’s escalate form; every field is required by the rules there.' })

export const AnswerEscalationBody = z
  .object({
    outcome: z.string().openapi({ description: 'fixed, workaround, needs_info, duplicate or wont_fix.', example: 'fixed' }),
    answer: z.string().optional().openapi({ description: 'Markdown; required for workaround (20+), needs_info (10+) and wont_fix (40+ characters).' }),
    tracker_url: z.string().optional().openapi({ description: 'Issue or commit link (https://…).', example: 'https://git.example.com/app/issues/812' }),
    release: z.string().optional().openapi({ description: 'The release that ships the fix (fixed needs this or tracker_url).', example: '2.4.2' }),
    duplicate_of_item_id: z.number().int().min(1).optional().openapi({ description: 'For duplicate: the item this one duplicates.' }),
  })
  .openapi('AnswerEscalation')

// ---- rotations -------------------------------------------------------------------------------

export const RotationShifts = z
  .object({
    team: z.string(),
    rotation_id: z.number().int(),
    timezone: z.string().openapi({ example: 'Europe/Berlin' }),
    from: z.string().datetime(),
    to: z.string().datetime(),
    data: z.array(
      z.object({
        starts_at: z.string().datetime(),
        ends_at: z.string().datetime(),
        person: Person.nullable().openapi({ description: 'Null for a gap in the plan.' }),
        shift_id: z.number().int().nullable().openapi({ description: 'The planned shift this stretch belongs to; null for an override.' }),
        override: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
        locked: z.boolean().openapi({ description: 'A swapped or hand-placed shift that re-planning keeps.' }),
      }),
    ),
  })
  .openapi('RotationShifts', { description: 'Who is on when, overrides cut into the planned shifts, in order.' })

// ---- organisations and people ------------------------------------------------------------------

export const RecordId = (what: string) =>
  z.coerce
    .number({ error: `The ${what} id must be a number.` })
    .int({ error: `The ${what} id must be a number.` })
    .min(1, { error: `The ${what} id must be a number.` })
    .max(2_147_483_647, { error: `The ${what} id must be a number.` })
    .openapi({ param: { name: 'id', in: 'path' }, example: 3 })

export const Organisation = z
  .object({
    id: z.number().int(),
    name: z.string(),
    plan: z.enum(['free', 'startup', 'paid', 'enterprise']),
    mrr_cents: z.number().int().openapi({ description: 'Monthly recurring revenue in cents.' }),
    priority: z.boolean(),
    trial: z.boolean(),
    member_count: z.number().int(),
    open_item_count: z.number().int().openapi({ description: 'Queue items filed for it (or by its people) that are not closed.' }),
    created_at: z.string().datetime(),
  })
  .openapi('Organisation')

export const OrganisationList = z
  .object({ data: z.array(Organisation), next_cursor: z.string().nullable() })
  .openapi('OrganisationList')

export const PersonRecord = z
  .object({
    id: z.number().int(),
    display_name: z.string(),
    email: z.string(),
    role: z.enum(['member', 'support', 'engineer', 'admin']),
    email_verified: z.boolean(),
    organisation: z.object({ id: z.number().int(), name: z.string(), plan: z.string() }).nullable(),
    created_at: z.string().datetime(),
  })
  .openapi('Person')

export const PersonList = z.object({ data: z.array(PersonRecord), next_cursor: z.string().nullable() }).openapi('PersonList')
