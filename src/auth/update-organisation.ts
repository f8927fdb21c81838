import { and, eq, ne } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { organisations } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { requireAdmin } from '../policy'
import { UpdateOrganisationInput } from './schemas'

export async function updateOrganisation({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage organisations')
  const data = parseInput(UpdateOrganisationInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [clash] = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(and(eq(organisations.name, data.name), ne(organisations.id, data.organisationId)))
    if (clash) throw new ConflictError('Another organisation already has this name.', 'name')
    const [organisation] = await db
      .update(organisations)
      .set({ name: data.name, plan: data.plan, mrrCents: data.mrr, isPriority: data.isPriority, isTrial: data.isTrial })
      .where(eq(organisations.id, data.organisationId))
      .returning()
    if (!organisation) throw new NotFoundError('That organisation')
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: {
        action: 'organisation.updated',
        subjectType: 'organisation',
        subjectId: organisation.id,
        subjectLabel: organisation.name,
        details: { plan: organisation.plan, mrrCents: organisation.mrrCents, isPriority: organisation.isPriority, isTrial: organisation.isTrial },
      },
    })
    return organisation
  })
}
