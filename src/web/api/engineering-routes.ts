import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { answerEscalation, escalateItem, getEscalation, listEscalations, type EscalationEntry } from '../../escalations'
import { getRotationShifts, SHIFT_RANGE_MAX_DAYS } from '../../rotation'
import { decodeApiCursor, encodeApiCursor, linkNext } from './cursor'
import { apiAuth, apiRateLimit, idempotent, scope, type ApiEnv } from './middleware'
import { AUTH_ERRORS, BAD_BODY, COMMON_ERRORS, hideFromNonStaff, iso, forbiddenResponse, json, problemResponse, SIGNED_IN, withApiFields } from './openapi-parts'
import { ProblemError } from './problem'
import * as S from './schemas'

// The engineering side of the API: escalations (through the escalation verbs the item page and
// the engineer's inbox use, with the same rules and messages) and a rotation's shifts.

const DAY_MS = 24 * 60 * 60 * 1000
const NOT_FOUND = (what: string) => ({ 404: problemResponse(`No such ${what}, or the caller is not staff.`) })

export const listEscalationsRoute = createRoute({
  method: 'get',
  path: '/escalations',
  tags: ['Escalations'],
  summary: 'List escalations',
  description:
    'Newest first, 30 a page (up to 100 with `limit`); follow `next_cursor` or the `Link: rel="next"` header. Needs a staff token with `escalations:read`; for anyone else there are none (404).',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('escalations:read', { anonymous: false })] as const,
  request: {
    query: z.object({
      state: z.enum(['open', 'answered'], { error: 'state is open or answered.' }).optional().openapi({ description: 'Waiting for the engineer, or answered; both when left out.' }),
      team: z.string().max(40).optional().openapi({ description: 'The item’s team slug.', example: 'platform' }),
      engineer: z
        .string()
        .regex(/^(mine|\d{1,10})$/, { error: 'engineer is mine or a person’s id.' })
        .optional()
        .openapi({ description: 'Sent to (or called in on) `mine` or a person’s id.' }),
      cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
      limit: S.Limit,
    }),
  },
  responses: { 200: json(S.EscalationList, 'A page of escalations.'), ...AUTH_ERRORS, ...NOT_FOUND('escalations'), ...COMMON_ERRORS },
})

export const getEscalationRoute = createRoute({
  method: 'get',
  path: '/escalations/{id}',
  tags: ['Escalations'],
  summary: 'Read an escalation with its reproduction and answer',
  description: 'Needs a staff token with `escalations:read`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('escalations:read', { anonymous: false })] as const,
  request: { params: z.object({ id: S.EscalationId }) },
  responses: { 200: json(S.Escalation, 'The escalation.'), ...AUTH_ERRORS, ...NOT_FOUND('escalation'), ...COMMON_ERRORS },
})

export const createEscalationRoute = createRoute({
  method: 'post',
  path: '/items/{id}/escalations',
  tags: ['Escalations'],
  summary: 'Escalate an item to engineering with a reproduction',
  description:
    'As the item page’s escalate form: it goes to the engineer on the item’s team rotation now (the lead when nobody is on) with a response target by severity; the item becomes tier 3, escalated. Needs a staff token with `escalations:write`. Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('escalations:write', { anonymous: false }), idempotent()] as const,
  request: {
    params: z.object({ id: S.ItemId }),
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.CreateEscalationBody } } },
  },
  responses: {
    201: { ...json(S.Escalation, 'Escalated; Location points at the escalation in the API.'), headers: z.object({ Location: z.string() }) },
    ...BAD_BODY,
    ...AUTH_ERRORS,
    ...NOT_FOUND('item'),
    409: problemResponse(
      'The item is escalated already and waiting, cannot be escalated from its state, its team has nobody on rotation and no lead, or a request with this Idempotency-Key is still running.',
    ),
    ...COMMON_ERRORS,
  },
})

export const answerEscalationRoute = createRoute({
  method: 'post',
  path: '/escalations/{id}/answer',
  tags: ['Escalations'],
  summary: 'Answer an escalation with an outcome',
  description:
    'The engineer’s answer, as in their inbox: fixed, workaround and won’t fix draft replies for support to send; needs info and workaround hand the item back; duplicate closes it into the other item. Only the engineer it went to (or was called in), whoever is on the team’s rotation now, the team lead or an admin may answer. Needs `escalations:write`. Send `Idempotency-Key` to retry safely.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('escalations:write', { anonymous: false }), idempotent()] as const,
  request: {
    params: z.object({ id: S.EscalationId }),
    headers: S.IdempotencyKeyHeader,
    body: { required: true, content: { 'application/json': { schema: S.AnswerEscalationBody } } },
  },
  responses: {
    200: json(S.Escalation, 'The answered escalation.'),
    ...BAD_BODY,
    ...AUTH_ERRORS,
    403: forbiddenResponse('The token lacks `escalations:write`, or the caller may not answer this escalation (it is someone else’s).'),
    ...NOT_FOUND('escalation'),
    409: problemResponse('The escalation was answered already, or a request with this Idempotency-Key is still running.'),
    ...COMMON_ERRORS,
  },
})

const instant = (name: string) =>
  z
    .string()
    .datetime({ offset: true, error: `${name} is an ISO 8601 date-time, e.g. 2026-03-02T09:00:00Z.` })
    .optional()

export const rotationShiftsRoute = createRoute({
  method: 'get',
  path: '/rotations/{team}/shifts',
  tags: ['Rotations'],
  summary: 'A team’s rotation shifts in a range',
  description: `Who is on when between \`from\` and \`to\` (default: now to a week later; at most ${SHIFT_RANGE_MAX_DAYS} days), overrides cut into the planned shifts. Needs a staff token with \`rotations:read\`.`,
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('rotations:read', { anonymous: false })] as const,
  request: {
    params: z.object({ team: S.TeamSlug }),
    query: z.object({
      from: instant('from').openapi({ description: 'Start of the range (ISO 8601).', example: '2026-03-02T00:00:00Z' }),
      to: instant('to').openapi({ description: 'End of the range (ISO 8601), after `from`.', example: '2026-03-09T00:00:00Z' }),
    }),
  },
  responses: { 200: json(S.RotationShifts, 'The shifts.'), ...AUTH_ERRORS, 404: problemResponse('No rotation for that team, or the caller is not staff.'), ...COMMON_ERRORS },
})

export const engineeringRouteDefinitions = [listEscalationsRoute, getEscalationRoute, createEscalationRoute, answerEscalationRoute, rotationShiftsRoute] as const

const person = (id: number | null, displayName: string | null) => (id !== null && displayName !== null ? { id, display_name: displayName } : null)

function escalationBody(publicUrl: string, entry: EscalationEntry, now: Date) {
  return {
    id: entry.id,
    url: `${publicUrl}/queue/items/${entry.itemId}#engineering`,
    state: entry.answeredAt ? ('answered' as const) : ('open' as const),
    item: { id: entry.item.id, title: entry.item.title, state: entry.item.state, severity: entry.item.severity, team: entry.item.teamSlug },
    engineer: person(entry.engineerId, entry.engineerName),
    backup: person(entry.backupId, entry.backupName),
    escalated_by: { id: entry.escalatedById, display_name: entry.escalatedByName },
    reproduction: {
      customer_did: entry.customerDid,
      what_happened: entry.whatHappened,
      expected: entry.expected,
      logs: entry.logs,
      account: entry.account,
      frequency: entry.frequency,
      customers_affected: entry.customersAffected,
    },
    response_due_at: iso(entry.responseDueAt),
    breached: (entry.answeredAt ?? now) > entry.responseDueAt,
    out_of_hours: entry.outOfHours,
    answer:
      entry.answeredAt && entry.outcome
        ? {
            outcome: entry.outcome,
            text: entry.answer,
            tracker_url: entry.trackerUrl,
            release: entry.release,
            duplicate_of_item_id: entry.duplicateOfItemId,
            answered_by: person(entry.answeredById, entry.answeredByName),
            answered_at: iso(entry.answeredAt),
          }
        : null,
    created_at: iso(entry.createdAt),
  }
}

// The verbs name fields as the forms do; the API's fields are these.
const ESCALATE_FIELDS = { itemId: 'id', customerDid: 'customer_did', whatHappened: 'what_happened', customersAffected: 'customers_affected' }
const ANSWER_FIELDS = { escalationId: 'id', trackerUrl: 'tracker_url', duplicateOfItemId: 'duplicate_of_item_id' }

export function registerEngineeringRoutes(api: OpenAPIHono<ApiEnv>): void {
  const origin = (c: { var: ApiEnv['Variables'] }) => c.var.deps.env.publicUrl

  api.openapi(listEscalationsRoute, async (c) => {
    const query = c.req.valid('query')
    const after = decodeApiCursor(query.cursor)
    if (after === undefined) throw new ProblemError({ status: 422, detail: 'That cursor is not one this API gave out.', errors: { cursor: 'Invalid cursor.' } })
    const ctx = c.var.ctx
    const engineerId = query.engineer === 'mine' ? ctx.actor?.id : query.engineer ? Number(query.engineer) : undefined
    const page = await hideFromNonStaff(listEscalations(ctx, { state: query.state, team: query.team, engineerId, after, limit: query.limit }), 'Escalations')
    const next = page.next ? encodeApiCursor(page.next) : null
    if (next) c.header('Link', linkNext(c.req.url, origin(c), 'cursor', next))
    const now = ctx.now()
    return c.json({ data: page.escalations.map((entry) => escalationBody(origin(c), entry, now)), next_cursor: next }, 200)
  })

  api.openapi(getEscalationRoute, async (c) => {
    const entry = await hideFromNonStaff(getEscalation(c.var.ctx, c.req.valid('param').id), 'That escalation')
    return c.json(escalationBody(origin(c), entry, c.var.ctx.now()), 200)
  })

  api.openapi(createEscalationRoute, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const ctx = c.var.ctx
    const created = await withApiFields(
      hideFromNonStaff(
        escalateItem({
          ctx,
          input: {
            itemId: String(id),
            customerDid: body.customer_did,
            whatHappened: body.what_happened,
            expected: body.expected,
            logs: body.logs,
            account: body.account,
            frequency: body.frequency,
            customersAffected: body.customers_affected,
          },
        }),
        'That queue item',
      ),
      ESCALATE_FIELDS,
    )
    c.header('Location', `${origin(c)}/api/v1/escalations/${created.id}`)
    return c.json(escalationBody(origin(c), await getEscalation(ctx, created.id), ctx.now()), 201)
  })

  api.openapi(answerEscalationRoute, async (c) => {
    const { id } = c.req.valid('param')
    const body = c.req.valid('json')
    const ctx = c.var.ctx
    // Escalations do not exist for non-staff (404); staff who may not answer this one get the verb's 403.
    await hideFromNonStaff(getEscalation(ctx, id), 'That escalation')
    await withApiFields(
      answerEscalation({
        ctx,
        input: {
          escalationId: String(id),
          outcome: body.outcome,
          answer: body.answer,
          trackerUrl: body.tracker_url,
          release: body.release,
          duplicateOfItemId: body.duplicate_of_item_id === undefined ? '' : String(body.duplicate_of_item_id),
        },
      }),
      ANSWER_FIELDS,
    )
    return c.json(escalationBody(origin(c), await getEscalation(ctx, id), ctx.now()), 200)
  })

  api.openapi(rotationShiftsRoute, async (c) => {
    const { team } = c.req.valid('param')
    const query = c.req.valid('query')
    const ctx = c.var.ctx
    const from = query.from ? new Date(query.from) : ctx.now()
    const to = query.to ? new Date(query.to) : new Date(from.getTime() + 7 * DAY_MS)
    const shifts = await hideFromNonStaff(getRotationShifts(ctx, team, { from, to }), 'A rotation for that team')
    return c.json(
      {
        team: shifts.teamSlug,
        rotation_id: shifts.rotationId,
        timezone: shifts.timezone,
        from: iso(from),
        to: iso(to),
        data: shifts.segments.map((segment) => ({
          starts_at: iso(segment.startsAt),
          ends_at: iso(segment.endsAt),
          person: person(segment.userId, segment.displayName),
          shift_id: segment.shift?.id ?? null,
          override: segment.override,
          locked: segment.shift?.locked ?? false,
        })),
      },
      200,
    )
  })
}

