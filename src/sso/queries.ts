import { asc, eq } from 'drizzle-orm'
import { getSignInPolicy, type SignInPolicy } from '../auth'
import type { Ctx } from '../ctx'
import { organisationBindings, organisations, ssoProviders, userIdentities, type OrganisationBindingKind, type SsoProviderKind } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin, requireSignedIn } from '../policy'

// Read models: the sign-in page's buttons, /admin/sso, and a person's linked sign-ins.

export interface SignInButton {
  slug: string
  name: string
  kind: SsoProviderKind
}

export interface SignInOptions {
  providers: SignInButton[]
  /** The password form is offered (the policy allows it, or ALLOW_PASSWORD_SIGN_IN is set). */
  passwordSignIn: boolean
}

/** What the sign-in and sign-up pages offer. Public. */
export async function getSignInOptions(ctx: Ctx): Promise<SignInOptions> {
  const [providers, policy] = await Promise.all([
    ctx.db
      .select({ slug: ssoProviders.slug, name: ssoProviders.name, kind: ssoProviders.kind })
      .from(ssoProviders)
      .where(eq(ssoProviders.enabled, true))
      .orderBy(asc(ssoProviders.name)),
    getSignInPolicy(ctx),
  ])
  // With no provider to offer, the password form stays whatever the setting says: nobody is left without a way in.
  return { providers, passwordSignIn: policy.passwordSignIn || policy.overridden || providers.length === 0 }
}

/** A provider as the admin pages show it: everything but the secret. */
export interface SsoProviderView {
  id: number
  kind: SsoProviderKind
  slug: string
  name: string
  issuerUrl: string | null
  clientId: string
  hasSecret: boolean
  enabled: boolean
  organisationClaim: string | null
  linkedPeople: number
}

export interface OrganisationBindingView {
  id: number
  kind: OrganisationBindingKind
  value: string
  organisationId: number
  organisationName: string
  providerName: string | null
}

export interface SsoAdminView {
  providers: SsoProviderView[]
  bindings: OrganisationBindingView[]
  policy: SignInPolicy
  /** The admin looking has an enabled provider linked (so limiting passwords will not lock them out). */
  viewerHasLinkedSignIn: boolean
}

export async function getSsoAdminView(ctx: Ctx): Promise<SsoAdminView> {
  const admin = requireAdmin(ctx, 'manage single sign-on')
  const [providerRows, identityRows, bindingRows, policy] = await Promise.all([
    ctx.db.select().from(ssoProviders).orderBy(asc(ssoProviders.name)),
    ctx.db.select({ providerId: userIdentities.providerId, userId: userIdentities.userId }).from(userIdentities),
    ctx.db
      .select({
        id: organisationBindings.id,
        kind: organisationBindings.kind,
        value: organisationBindings.value,
        organisationId: organisationBindings.organisationId,
        organisationName: organisations.name,
        providerName: ssoProviders.name,
      })
      .from(organisationBindings)
      .innerJoin(organisations, eq(organisations.id, organisationBindings.organisationId))
      .leftJoin(ssoProviders, eq(ssoProviders.id, organisationBindings.providerId))
      .orderBy(asc(organisations.name), asc(organisationBindings.value)),
    getSignInPolicy(ctx),
  ])
  const enabled = new Set(providerRows.filter((row) => row.enabled).map((row) => row.id))
  return {
    providers: providerRows.map((row) => ({
      id: row.id,
      kind: row.kind,
      slug: row.slug,
      name: row.name,
      issuerUrl: row.issuerUrl,
      clientId: row.clientId,
      hasSecret: row.clientSecret !== '',
      enabled: row.enabled,
      organisationClaim: row.organisationClaim,
      linkedPeople: identityRows.filter((identity) => identity.providerId === row.id).length,
    })),
    bindings: bindingRows,
    policy,
    viewerHasLinkedSignIn: identityRows.some((identity) => identity.userId === admin.id && enabled.has(identity.providerId)),
  }
}

export async function getSsoProvider(ctx: Ctx, providerId: number): Promise<SsoProviderView> {
  requireAdmin(ctx, 'manage single sign-on')
  const [row] = await ctx.db.select().from(ssoProviders).where(eq(ssoProviders.id, providerId))
  if (!row) throw new NotFoundError('That sign-in provider')
  const linked = await ctx.db.select({ id: userIdentities.id }).from(userIdentities).where(eq(userIdentities.providerId, row.id))
  return {
    id: row.id,
    kind: row.kind,
    slug: row.slug,
    name: row.name,
    issuerUrl: row.issuerUrl,
    clientId: row.clientId,
    hasSecret: row.clientSecret !== '',
    enabled: row.enabled,
    organisationClaim: row.organisationClaim,
    linkedPeople: linked.length,
  }
}

export interface LinkedSignIn {
  id: number
  providerName: string
  providerSlug: string
  email: string | null
  lastSignedInAt: Date | null
}

export interface MySignIns {
  linked: LinkedSignIn[]
  /** Enabled providers not linked yet, to link from the account page. */
  available: SignInButton[]
}

/** The signed-in person's linked providers and those they could link. */
export async function getMySignIns(ctx: Ctx): Promise<MySignIns> {
  const actor = requireSignedIn(ctx, 'see your sign-ins')
  const [linked, providers] = await Promise.all([
    ctx.db
      .select({
        id: userIdentities.id,
        providerName: ssoProviders.name,
        providerSlug: ssoProviders.slug,
        email: userIdentities.email,
        lastSignedInAt: userIdentities.lastSignedInAt,
      })
      .from(userIdentities)
      .innerJoin(ssoProviders, eq(ssoProviders.id, userIdentities.providerId))
      .where(eq(userIdentities.userId, actor.id))
      .orderBy(asc(ssoProviders.name)),
    ctx.db
      .select({ slug: ssoProviders.slug, name: ssoProviders.name, kind: ssoProviders.kind })
      .from(ssoProviders)
      .where(eq(ssoProviders.enabled, true))
      .orderBy(asc(ssoProviders.name)),
  ])
  const linkedSlugs = new Set(linked.map((entry) => entry.providerSlug))
  return { linked, available: providers.filter((provider) => !linkedSlugs.has(provider.slug)) }
}
