import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { browseOrganisations, browsePeople, getOrganisationProfile, getPersonProfile, type OrganisationProfile, type PersonProfile } from '../../auth'
import { decodeIdCursor, encodeIdCursor, linkNext } from './cursor'
import { apiAuth, apiRateLimit, scope, type ApiEnv } from './middleware'
import { AUTH_ERRORS, COMMON_ERRORS, hideFromNonStaff, iso, json, problemResponse, SIGNED_IN } from './openapi-parts'
import { ProblemError } from './problem'
import * as S from './schemas'

// Organisations and people, for staff (a CRM syncing plans, a script exporting customers).
// For any other caller they do not exist: 404, lists included.

const HIDDEN = (what: string) => ({ 404: problemResponse(`No such ${what}, or the caller is not staff.`) })
const Search = z.string().max(100).optional().openapi({ description: 'Part of the name (or, for people, the email address).', example: 'acme' })
const Cursor = z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' })

export const listOrganisationsRoute = createRoute({
  method: 'get',
  path: '/organisations',
  tags: ['Organisations and people'],
  summary: 'List customer organisations',
  description: 'With plan, revenue, priority and open items; by id, 30 a page (up to 100 with `limit`). Needs a staff token with `organisations:read`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('organisations:read', { anonymous: false })] as const,
  request: { query: z.object({ q: Search, cursor: Cursor, limit: S.Limit }) },
  responses: { 200: json(S.OrganisationList, 'A page of organisations.'), ...AUTH_ERRORS, ...HIDDEN('organisations'), ...COMMON_ERRORS },
})

export const getOrganisationRoute = createRoute({
  method: 'get',
  path: '/organisations/{id}',
  tags: ['Organisations and people'],
  summary: 'Read an organisation',
  description: 'Needs a staff token with `organisations:read`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('organisations:read', { anonymous: false })] as const,
  request: { params: z.object({ id: S.RecordId('organisation') }) },
  responses: { 200: json(S.Organisation, 'The organisation.'), ...AUTH_ERRORS, ...HIDDEN('organisation'), ...COMMON_ERRORS },
})

export const listPeopleRoute = createRoute({
  method: 'get',
  path: '/people',
  tags: ['Organisations and people'],
  summary: 'List people',
  description: 'Customers and staff with their role and organisation; by id, 30 a page (up to 100 with `limit`). Needs a staff token with `people:read`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('people:read', { anonymous: false })] as const,
  request: {
    query: z.object({
      q: Search,
      role: z.enum(['member', 'support', 'engineer', 'admin'], { error: 'role is member, support, engineer or admin.' }).optional(),
      organisation: z.coerce
        .number({ error: 'organisation is an organisation’s id.' })
        .int({ error: 'organisation is an organisation’s id.' })
        .min(1, { error: 'organisation is an organisation’s id.' })
        .max(2_147_483_647, { error: 'organisation is an organisation’s id.' })
        .optional()
        .openapi({ description: 'Only the people of this organisation (its id).' }),
      cursor: Cursor,
      limit: S.Limit,
    }),
  },
  responses: { 200: json(S.PersonList, 'A page of people.'), ...AUTH_ERRORS, ...HIDDEN('people'), ...COMMON_ERRORS },
})

export const getPersonRoute = createRoute({
  method: 'get',
  path: '/people/{id}',
  tags: ['Organisations and people'],
  summary: 'Read a person',
  description: 'Needs a staff token with `people:read`.',
  security: SIGNED_IN,
  middleware: [apiAuth(), apiRateLimit(), scope('people:read', { anonymous: false })] as const,
  request: { params: z.object({ id: S.RecordId('person') }) },
  responses: { 200: json(S.PersonRecord, 'The person.'), ...AUTH_ERRORS, ...HIDDEN('person'), ...COMMON_ERRORS },
})

export const directoryRouteDefinitions = [listOrganisationsRoute, getOrganisationRoute, listPeopleRoute, getPersonRoute] as const

function organisationBody(organisation: OrganisationProfile) {
  return {
    id: organisation.id,
    name: organisation.name,
    plan: organisation.plan,
    mrr_cents: organisation.mrrCents,
    priority: organisation.isPriority,
    trial: organisation.isTrial,
    member_count: organisation.memberCount,
    open_item_count: organisation.openItemCount,
    created_at: iso(organisation.createdAt),
  }
}

function personBody(person: PersonProfile) {
  return {
    id: person.id,
    display_name: person.displayName,
    email: person.email,
    role: person.role,
    email_verified: person.emailVerified,
    organisation: person.organisation,
    created_at: iso(person.createdAt),
  }
}

function afterIdOf(cursor: string | undefined): number {
  const afterId = decodeIdCursor(cursor)
  if (afterId === undefined) throw new ProblemError({ status: 422, detail: 'That cursor is not one this API gave out.', errors: { cursor: 'Invalid cursor.' } })
  return afterId
}

export function registerDirectoryRoutes(api: OpenAPIHono<ApiEnv>): void {
  const origin = (c: { var: ApiEnv['Variables'] }) => c.var.deps.env.publicUrl

  api.openapi(listOrganisationsRoute, async (c) => {
    const query = c.req.valid('query')
    const page = await hideFromNonStaff(browseOrganisations(c.var.ctx, { search: query.q, afterId: afterIdOf(query.cursor), limit: query.limit }), 'Organisations')
    const next = page.nextAfterId ? encodeIdCursor(page.nextAfterId) : null
    if (next) c.header('Link', linkNext(c.req.url, origin(c), 'cursor', next))
    return c.json({ data: page.organisations.map(organisationBody), next_cursor: next }, 200)
  })

  api.openapi(getOrganisationRoute, async (c) => {
    const organisation = await hideFromNonStaff(getOrganisationProfile(c.var.ctx, c.req.valid('param').id), 'That organisation')
    return c.json(organisationBody(organisation), 200)
  })

  api.openapi(listPeopleRoute, async (c) => {
    const query = c.req.valid('query')
    const page = await hideFromNonStaff(
      browsePeople(c.var.ctx, { search: query.q, role: query.role, organisationId: query.organisation, afterId: afterIdOf(query.cursor), limit: query.limit }),
      'People',
    )
    const next = page.nextAfterId ? encodeIdCursor(page.nextAfterId) : null
    if (next) c.header('Link', linkNext(c.req.url, origin(c), 'cursor', next))
    return c.json({ data: page.people.map(personBody), next_cursor: next }, 200)
  })

  api.openapi(getPersonRoute, async (c) => {
    const person = await hideFromNonStaff(getPersonProfile(c.var.ctx, c.req.valid('param').id), 'That person')
    return c.json(personBody(person), 200)
  })
}
