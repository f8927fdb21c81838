import { and, eq } from 'drizzle-orm'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { unavailability } from '../db/schema'
import { NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { RemoveUnavailabilityInput } from './schemas'

/** Takes back planned time away: one's own, or anyone's for an admin. */
export async function removeUnavailability({ ctx, input }: VerbArgs): Promise<void> {
  const actor = requireStaff(ctx, 'plan time away')
  const data = parseInput(RemoveUnavailabilityInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const removed = await db
      .delete(unavailability)
      .where(and(eq(unavailability.id, data.id), isAdmin(actor) ? undefined : eq(unavailability.userId, actor.id)))
      .returning({ id: unavailability.id })
    if (removed.length === 0) throw new NotFoundError('That time away')
  })
}
