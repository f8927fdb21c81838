import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { ssoProviders } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { assertSomeoneCanSignIn } from './lockout'
import { ProviderRef } from './schemas'

/** Removes a provider with its linked sign-ins and claim bindings; refused if it would lock everyone out. */
export async function deleteSsoProvider({ ctx, input }: VerbArgs<ProviderRef>): Promise<void> {
  requireAdmin(ctx, 'manage single sign-on')
  const data = parseInput(ProviderRef, input)
  await inTransaction(ctx, async (tx) => {
    const deleted = await tx.db.delete(ssoProviders).where(eq(ssoProviders.id, data.providerId)).returning({ name: ssoProviders.name, kind: ssoProviders.kind })
    if (deleted.length === 0) throw new NotFoundError('That sign-in provider')
    await assertSomeoneCanSignIn(tx)
    await recordStaffAction({ ctx: tx, input: { action: 'sso.provider_deleted', subjectType: 'sso_provider', subjectId: data.providerId, subjectLabel: deleted[0]!.name, details: { kind: deleted[0]!.kind } } })
  })
}
