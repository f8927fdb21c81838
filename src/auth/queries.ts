import { and, asc, count, desc, eq, gt, ilike, isNull, or, sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { actionTokens, organisations, setupTokens, users, type Organisation, type Role } from '../db/schema'
import { NotFoundError } from '../errors'
import { checkActionToken, type AccountTokenPurpose, type TokenState } from './action-tokens'
import { requireAdmin, requireSignedIn } from '../policy'
import { hashToken } from './tokens'

export const USERS_PAGE_SIZE = 50

export interface UserRow {
  id: number
  email: string
  displayName: string
  role: Role
  organisationId: number | null
  organisationName: string | null
  createdAt: Date
}

/** The admin's people list: search by email or name, keyset-paginated by id. */
export async function listUsers(
  ctx: Ctx,
  { search = '', afterId = 0 }: { search?: string; afterId?: number },
): Promise<{ users: UserRow[]; nextAfterId: number | null }> {
  requireAdmin(ctx, 'see the list of people')
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const rows = await ctx.db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      organisationId: users.organisationId,
      organisationName: organisations.name,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(organisations, eq(organisations.id, users.organisationId))
    .where(
      and(gt(users.id, afterId), search ? or(ilike(users.email, pattern), ilike(users.displayName, pattern)) : undefined),
    )
    .orderBy(asc(users.id))
    .limit(USERS_PAGE_SIZE + 1)
  const page = rows.slice(0, USERS_PAGE_SIZE)
  return { users: page, nextAfterId: rows.length > USERS_PAGE_SIZE ? page[page.length - 1]!.id : null }
}

export interface OrganisationRow extends Organisation {
  memberCount: number
}

export async function listOrganisations(ctx: Ctx): Promise<OrganisationRow[]> {
  requireAdmin(ctx, 'manage organisations')
  return ctx.db
    .select({
      id: organisations.id,
      name: organisations.name,
      plan: organisations.plan,
      mrrCents: organisations.mrrCents,
      isPriority: organisations.isPriority,
      isTrial: organisations.isTrial,
      createdAt: organisations.createdAt,
      memberCount: sql<number>`(select count(*)::int from ${users} where ${users.organisationId} = ${organisations.id})`,
    })
    .from(organisations)
    .orderBy(asc(organisations.name))
}

/** For pickers: every organisation's id and name. */
export async function listOrganisationChoices(ctx: Ctx): Promise<{ id: number; name: string }[]> {
  requireAdmin(ctx, 'manage organisations')
  return ctx.db.select({ id: organisations.id, name: organisations.name }).from(organisations).orderBy(asc(organisations.name))
}

export async function getOrganisation(ctx: Ctx, organisationId: number): Promise<Organisation> {
  requireAdmin(ctx, 'manage organisations')
  const [organisation] = await ctx.db.select().from(organisations).where(eq(organisations.id, organisationId))
  if (!organisation) throw new NotFoundError('That organisation')
  return organisation
}

export async function isSetupTokenValid(ctx: Ctx, token: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: setupTokens.id })
    .from(setupTokens)
    .where(and(eq(setupTokens.id, hashToken(token)), gt(setupTokens.expiresAt, ctx.now())))
  return !!row
}

export async function countAdmins(ctx: Ctx): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(users).where(eq(users.role, 'admin'))
  return Number(row?.n ?? 0)
}

export async function getUserForAdmin(ctx: Ctx, userId: number): Promise<UserRow> {
  requireAdmin(ctx, 'change people\'s roles')
  const [user] = await ctx.db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      organisationId: users.organisationId,
      organisationName: organisations.name,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
  if (!user) throw new NotFoundError('That person')
  return user
}

export interface AccountPage {
  displayName: string
  email: string
  emailVerifiedAt: Date | null
  /** A change of address waiting for its confirmation link to be opened. */
  pendingEmail: { newEmail: string; expiresAt: Date } | null
}

/** The signed-in person's own account: address, whether it is confirmed, a change in flight. */
export async function getAccount(ctx: Ctx): Promise<AccountPage> {
  const actor = requireSignedIn(ctx, 'see your account')
  const now = ctx.now()
  const [row] = await ctx.db
    .select({
      displayName: users.displayName,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      pendingData: actionTokens.data,
      pendingExpiresAt: actionTokens.expiresAt,
    })
    .from(users)
    .leftJoin(
      actionTokens,
      and(
        eq(actionTokens.userId, users.id),
        eq(actionTokens.purpose, 'change_email'),
        isNull(actionTokens.usedAt),
        gt(actionTokens.expiresAt, now),
      ),
    )
    .where(eq(users.id, actor.id))
    .orderBy(desc(actionTokens.createdAt))
    .limit(1)
  if (!row) throw new NotFoundError('Your account')
  const newEmail = row.pendingData?.newEmail
  return {
    displayName: row.displayName,
    email: row.email,
    emailVerifiedAt: row.emailVerifiedAt,
    pendingEmail: typeof newEmail === 'string' && row.pendingExpiresAt ? { newEmail, expiresAt: row.pendingExpiresAt } : null,
  }
}

export type AccountLink = { state: Exclude<TokenState, 'live'> } | { state: 'live'; email: string; newEmail: string | null }

/**
 * What a mailed account link would do, for its confirm page: opening a link changes nothing
 * (mail scanners fetch links), so the page shows this and the action is the form's POST.
 */
export async function getAccountLink(ctx: Ctx, token: string, purpose: AccountTokenPurpose): Promise<AccountLink> {
  const checked = await checkActionToken(ctx.db, token.slice(0, 100), purpose, ctx.now())
  if (!('userId' in checked)) return { state: 'unknown' }
  if (checked.state !== 'live') return { state: checked.state }
  const [user] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, checked.userId))
  if (!user) return { state: 'unknown' }
  const newEmail = checked.data.newEmail
  return { state: 'live', email: user.email, newEmail: typeof newEmail === 'string' ? newEmail : null }
}
