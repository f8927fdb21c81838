import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { organisations } from '../db/schema'
import { ConflictError } from '../errors'
import { parseInput } from '../validation'
import { requireAdmin } from '../policy'
import { OrganisationInput } from './schemas'

export async function createOrganisation({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage organisations')
  const data = parseInput(OrganisationInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [taken] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.name, data.name))
    if (taken) throw new ConflictError('An organisation with this name already exists.', 'name')
    const [organisation] = await db
      .insert(organisations)
      .values({ name: data.name, plan: data.plan, mrrCents: data.mrr, isPriority: data.isPriority, isTrial: data.isTrial, createdAt: ctx.now() })
      .returning()
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: { action: 'organisation.created', subjectType: 'organisation', subjectId: organisation!.id, subjectLabel: organisation!.name, details: { plan: organisation!.plan } },
    })
    return organisation!
  })
}
