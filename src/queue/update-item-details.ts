import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { queueItems, type QueueItem } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { loadItemWithPriority, recordEvent, type ItemWithPriority } from './item-core'
import { lockItem } from './lock-item'
import { recomputePriorities } from './recompute-priorities'
import { UpdateDetailsInput } from './schemas'
import { knownTeamSlugs } from '../teams'

/** Triage: kind, severity, tier, team, and the sales / customer-success flag. Each change is an event. */
export async function updateItemDetails({ ctx, input }: VerbArgs): Promise<ItemWithPriority> {
  const actor = requireStaff(ctx, 'triage queue items')
  const data = parseInput(UpdateDetailsInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const item = await lockItem(db, data.itemId)
    if (data.teamSlug !== item.teamSlug && !(await knownTeamSlugs(db)).includes(data.teamSlug))
      throw new ValidationError({ teamSlug: `There is no team “${data.teamSlug}”.` })
    const now = ctx.now()
    const changes: Partial<QueueItem> = {}
    const record = async (field: string, from: unknown, to: unknown) => recordEvent(db, item.id, `${field}_changed`, actor.id, { from, to }, now)
    if (data.kind !== item.kind) {
      changes.kind = data.kind
      await record('kind', item.kind, data.kind)
    }
    if (data.severity !== item.severity) {
      changes.severity = data.severity
      await record('severity', item.severity, data.severity)
    }
    if (data.tier !== item.tier) {
      changes.tier = data.tier
      await record('tier', item.tier, data.tier)
    }
    if (data.teamSlug !== item.teamSlug) {
      changes.teamSlug = data.teamSlug
      await record('team', item.teamSlug, data.teamSlug)
    }
    if (data.flagged !== (item.flaggedAt !== null)) {
      changes.flaggedAt = data.flagged ? now : null
      changes.flaggedById = data.flagged ? actor.id : null
      await recordEvent(db, item.id, data.flagged ? 'flagged' : 'unflagged', actor.id, {}, now)
    }
    if (Object.keys(changes).length > 0) {
      await db.update(queueItems).set({ ...changes, updatedAt: now }).where(eq(queueItems.id, item.id))
      await recomputePriorities(db, now, [item.id])
    }
    return (await loadItemWithPriority(db, item.id))!
  })
}
