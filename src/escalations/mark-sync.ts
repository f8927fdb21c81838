import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { syncMarks } from '../db/schema'
import { ValidationError } from '../errors'
import { knownTeamSlugs } from '../teams'
import { parseInput } from '../validation'
import { SyncInput } from './schemas'

/** Marks the team's daily sync as held: the sync view then starts from this moment. */
export async function markSync({ ctx, input }: VerbArgs): Promise<{ syncedAt: Date }> {
  const actor = requireStaff(ctx, 'hold the daily sync')
  const data = parseInput(SyncInput, input)
  return inTransaction(ctx, async ({ db }) => {
    if (!(await knownTeamSlugs(db)).includes(data.teamSlug)) throw new ValidationError({ teamSlug: `There is no team “${data.teamSlug}”.` })
    const now = ctx.now()
    await db
      .insert(syncMarks)
      .values({ teamSlug: data.teamSlug, syncedAt: now, syncedById: actor.id })
      .onConflictDoUpdate({ target: syncMarks.teamSlug, set: { syncedAt: now, syncedById: actor.id } })
    return { syncedAt: now }
  })
}
