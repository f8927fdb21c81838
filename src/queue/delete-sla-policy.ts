import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { slaPolicies } from '../db/schema'
import { NotFoundError } from '../errors'
import { id, parseInput } from '../validation'

/** Removes a policy; items that started under it keep their snapshot of it. */
export async function deleteSlaPolicy({ ctx, input }: VerbArgs): Promise<void> {
  requireAdmin(ctx, 'manage SLA policies')
  const data = parseInput(z.object({ policyId: id('policy') }), input)
  await inTransaction(ctx, async ({ db }) => {
    const deleted = await db.delete(slaPolicies).where(eq(slaPolicies.id, data.policyId)).returning({ id: slaPolicies.id, name: slaPolicies.name })
    if (deleted.length === 0) throw new NotFoundError('That SLA policy')
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'sla_policy.deleted', subjectType: 'sla_policy', subjectId: data.policyId, subjectLabel: deleted[0]!.name } })
  })
}
