import { and, eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { organisationBindings, organisations, ssoProviders } from '../db/schema'
import { ConflictError, ValidationError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { OrganisationBindingInput } from './schemas'

/**
 * Binds an organisation to an email domain (anyone signing in through a provider with a verified
 * address there) or to a value of a provider's organisation claim. A domain belongs to one organisation.
 */
export async function addOrganisationBinding({ ctx, input }: VerbArgs<OrganisationBindingInput>): Promise<{ id: number }> {
  requireAdmin(ctx, 'manage single sign-on')
  const data = parseInput(OrganisationBindingInput, input)
  return inTransaction(ctx, async (tx) => {
    const { db, now } = tx
    const [organisation] = await db.select({ id: organisations.id, name: organisations.name }).from(organisations).where(eq(organisations.id, data.organisationId))
    if (!organisation) throw new ValidationError({ organisationId: 'Choose an existing organisation.' })
    const providerId = data.kind === 'claim' ? data.providerId : null
    if (data.kind === 'claim') {
      const [provider] = await db.select({ claim: ssoProviders.organisationClaim }).from(ssoProviders).where(eq(ssoProviders.id, data.providerId))
      if (!provider) throw new ValidationError({ providerId: 'Choose an existing provider.' })
      if (!provider.claim) throw new ValidationError({ providerId: 'This provider has no organisation claim set: name the claim on the provider first.' })
    }
    const [taken] = await db
      .select({ organisationId: organisationBindings.organisationId })
      .from(organisationBindings)
      .where(
        and(
          eq(organisationBindings.kind, data.kind),
          eq(organisationBindings.value, data.value),
          providerId ? eq(organisationBindings.providerId, providerId) : undefined,
        ),
      )
    if (taken) throw new ConflictError(data.kind === 'email_domain' ? 'This domain is already bound to an organisation.' : 'This claim value is already bound to an organisation.', 'value')
    const [row] = await db
      .insert(organisationBindings)
      .values({ organisationId: organisation.id, kind: data.kind, providerId, value: data.value, createdAt: now() })
      .returning({ id: organisationBindings.id })
    await recordStaffAction({
      ctx: tx,
      input: { action: 'sso.organisation_bound', subjectType: 'organisation', subjectId: organisation.id, subjectLabel: organisation.name, details: { kind: data.kind, value: data.value, providerId } },
    })
    return { id: row!.id }
  })
}
