import { and, eq } from 'drizzle-orm'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { rotationOverrides } from '../db/schema'
import { NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { RemoveOverrideInput } from './schemas'

/** Removes an override: one's own cover, or any for an admin. */
export async function removeOverride({ ctx, input }: VerbArgs): Promise<void> {
  const actor = requireStaff(ctx, 'change overrides')
  const data = parseInput(RemoveOverrideInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const removed = await db
      .delete(rotationOverrides)
      .where(and(eq(rotationOverrides.id, data.id), isAdmin(actor) ? undefined : eq(rotationOverrides.userId, actor.id)))
      .returning({ id: rotationOverrides.id })
    if (removed.length === 0) throw new NotFoundError('That override')
  })
}
