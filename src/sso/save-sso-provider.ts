import { and, eq, ne } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { ssoProviders } from '../db/schema'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { addressRefusalIn, discoverIssuer } from './provider-clients'
import { SsoProviderInput } from './schemas'

/**
 * An admin adds or edits a provider. An OpenID issuer is checked by reading its discovery
 * document before anything is saved; GitHub and Google have fixed endpoints and short names.
 * The secret is kept when the field is left empty, and never goes into the audit log.
 */
export async function saveSsoProvider({ ctx, input }: VerbArgs<SsoProviderInput>): Promise<{ id: number }> {
  const actor = requireAdmin(ctx, 'manage single sign-on')
  const data = parseInput(SsoProviderInput, input)
  const slug = data.kind === 'oidc' ? data.slug! : data.kind
  const issuerUrl = data.kind === 'oidc' ? data.issuerUrl! : null
  const existing = data.providerId ? (await ctx.db.select().from(ssoProviders).where(eq(ssoProviders.id, data.providerId)))[0] : undefined
  if (data.providerId && !existing) throw new NotFoundError('That sign-in provider')
  const clientSecret = data.clientSecret || existing!.clientSecret
  if (issuerUrl) {
    try {
      await discoverIssuer(issuerUrl, data.clientId, clientSecret, { allowPrivateNetwork: Boolean(ctx.ssoPrivateNetwork) })
    } catch (error) {
      const refused = addressRefusalIn(error)
      if (refused) throw new ValidationError({ issuerUrl: `Refused to read ${issuerUrl}: ${refused.message}.` })
      const reason = error instanceof Error ? error.message : String(error)
      throw new ValidationError({ issuerUrl: `Could not read ${issuerUrl}/.well-known/openid-configuration: ${reason.slice(0, 200)}` })
    }
  }
  return inTransaction(ctx, async ({ db, now }) => {
    const [clash] = await db
      .select({ id: ssoProviders.id })
      .from(ssoProviders)
      .where(and(eq(ssoProviders.slug, slug), data.providerId ? ne(ssoProviders.id, data.providerId) : undefined))
    if (clash)
      throw data.kind === 'oidc'
        ? new ConflictError('Another provider already uses this short name.', 'slug')
        : new ConflictError(`${data.kind === 'github' ? 'GitHub' : 'Google'} is already set up: edit that one.`, 'kind')
    const values = {
      kind: data.kind,
      slug,
      name: data.name,
      issuerUrl,
      clientId: data.clientId,
      clientSecret,
      enabled: data.enabled,
      organisationClaim: data.kind === 'oidc' && data.organisationClaim ? data.organisationClaim : null,
      updatedAt: now(),
      updatedById: actor.id,
    }
    const [row] = existing
      ? await db.update(ssoProviders).set(values).where(eq(ssoProviders.id, existing.id)).returning({ id: ssoProviders.id })
      : await db.insert(ssoProviders).values({ ...values, createdAt: now() }).returning({ id: ssoProviders.id })
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: {
        action: existing ? 'sso.provider_updated' : 'sso.provider_created',
        subjectType: 'sso_provider',
        subjectId: row!.id,
        subjectLabel: data.name,
        details: {
          kind: data.kind,
          slug,
          issuerUrl,
          clientId: data.clientId,
          enabled: data.enabled,
          organisationClaim: values.organisationClaim,
          secretChanged: !existing || Boolean(data.clientSecret && data.clientSecret !== existing.clientSecret),
        },
      },
    })
    return { id: row!.id }
  })
}
