import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { organisationBindings } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { BindingRef } from './schemas'

/** Unbinds a domain or claim value; people already in the organisation stay in it. */
export async function removeOrganisationBinding({ ctx, input }: VerbArgs<BindingRef>): Promise<void> {
  requireAdmin(ctx, 'manage single sign-on')
  const data = parseInput(BindingRef, input)
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.delete(organisationBindings).where(eq(organisationBindings.id, data.bindingId)).returning()
    if (!row) throw new NotFoundError('That binding')
    await recordStaffAction({
      ctx: tx,
      input: { action: 'sso.organisation_unbound', subjectType: 'organisation', subjectId: row.organisationId, details: { kind: row.kind, value: row.value, providerId: row.providerId } },
    })
  })
}
