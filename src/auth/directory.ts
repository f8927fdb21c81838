import { and, asc, eq, gt, ilike, or, sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { organisations, users, type Plan, type Role } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireStaff } from '../policy'

// The customer directory staff read through the API: organisations (plan, revenue, priority)
// and people. Staff only (support needs a customer's plan; admins change it on /admin pages).
// Lists are keyset-paginated by id, so a page followed while people sign up skips and repeats nothing.

const escapeLike = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export interface OrganisationProfile {
  id: number
  name: string
  plan: Plan
  mrrCents: number
  isPriority: boolean
  isTrial: boolean
  memberCount: number
  /** Queue items filed for the organisation (or by its people) that are not resolved or won't fix. */
  openItemCount: number
  createdAt: Date
}

const organisationColumns = {
  id: organisations.id,
  name: organisations.name,
  plan: organisations.plan,
  mrrCents: organisations.mrrCents,
  isPriority: organisations.isPriority,
  isTrial: organisations.isTrial,
  createdAt: organisations.createdAt,
  memberCount: sql<number>`(select count(*)::int from users m where m.organisation_id = organisations.id)`,
  // Written out in full: drizzle prints a bare "id" for a column of the one table selected from.
  openItemCount: sql<number>`(
    select count(*)::int from queue_items i left join users r on r.id = i.requester_id
    where coalesce(i.organisation_id, r.organisation_id) = organisations.id and i.state not in ('resolved', 'wont_fix'))`,
}

export async function browseOrganisations(
  ctx: Ctx,
  { search = '', afterId = 0, limit = 30 }: { search?: string; afterId?: number; limit?: number },
): Promise<{ organisations: OrganisationProfile[]; nextAfterId: number | null }> {
  requireStaff(ctx, 'see organisations')
  const rows = await ctx.db
    .select(organisationColumns)
    .from(organisations)
    .where(and(gt(organisations.id, afterId), search ? ilike(organisations.name, escapeLike(search)) : undefined))
    .orderBy(asc(organisations.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  return { organisations: page, nextAfterId: rows.length > limit ? page[page.length - 1]!.id : null }
}

export async function getOrganisationProfile(ctx: Ctx, organisationId: number): Promise<OrganisationProfile> {
  requireStaff(ctx, 'see organisations')
  const [row] = await ctx.db.select(organisationColumns).from(organisations).where(eq(organisations.id, organisationId))
  if (!row) throw new NotFoundError('That organisation')
  return row
}

export interface PersonProfile {
  id: number
  displayName: string
  email: string
  role: Role
  emailVerified: boolean
  organisation: { id: number; name: string; plan: Plan } | null
  createdAt: Date
}

function personRows(ctx: Ctx) {
  return ctx.db
    .select({
      id: users.id,
      displayName: users.displayName,
      email: users.email,
      role: users.role,
      emailVerifiedAt: users.emailVerifiedAt,
      createdAt: users.createdAt,
      organisationId: organisations.id,
      organisationName: organisations.name,
      organisationPlan: organisations.plan,
    })
    .from(users)
    .leftJoin(organisations, eq(organisations.id, users.organisationId))
}

type PersonRow = Awaited<ReturnType<ReturnType<typeof personRows>['where']>>[number]

const toProfile = (row: PersonRow): PersonProfile => ({
  id: row.id,
  displayName: row.displayName,
  email: row.email,
  role: row.role,
  emailVerified: row.emailVerifiedAt !== null,
  organisation: row.organisationId !== null && row.organisationName !== null && row.organisationPlan !== null ? { id: row.organisationId, name: row.organisationName, plan: row.organisationPlan } : null,
  createdAt: row.createdAt,
})

export async function browsePeople(
  ctx: Ctx,
  { search = '', role, organisationId, afterId = 0, limit = 30 }: { search?: string; role?: Role; organisationId?: number; afterId?: number; limit?: number },
): Promise<{ people: PersonProfile[]; nextAfterId: number | null }> {
  requireStaff(ctx, 'see people')
  const pattern = escapeLike(search)
  const rows = await personRows(ctx)
    .where(
      and(
        gt(users.id, afterId),
        search ? or(ilike(users.email, pattern), ilike(users.displayName, pattern)) : undefined,
        role ? eq(users.role, role) : undefined,
        organisationId ? eq(users.organisationId, organisationId) : undefined,
      ),
    )
    .orderBy(asc(users.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit).map(toProfile)
  return { people: page, nextAfterId: rows.length > limit ? page[page.length - 1]!.id : null }
}

export async function getPersonProfile(ctx: Ctx, userId: number): Promise<PersonProfile> {
  requireStaff(ctx, 'see people')
  const [row] = await personRows(ctx).where(eq(users.id, userId))
  if (!row) throw new NotFoundError('That person')
  return toProfile(row)
}
