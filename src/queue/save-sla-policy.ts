import { eq, sql } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { businessCalendars, slaPolicies } from '../db/schema'
import { NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { PolicyInput } from './schemas'

/**
 * Creates or edits an SLA policy. An edit makes a new version: items already open keep the
 * targets they started with (each item holds a snapshot), new items get the new ones.
 */
export async function saveSlaPolicy({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage SLA policies')
  const data = parseInput(PolicyInput, input)
  if (data.nextResponseMinutes > data.resolutionMinutes || data.firstResponseMinutes > data.resolutionMinutes)
    throw new ValidationError({ resolutionMinutes: 'Resolution cannot come before the first or next response: make it at least as long.' })
  return inTransaction(ctx, async ({ db }) => {
    if (data.calendarId) {
      const [calendar] = await db.select({ id: businessCalendars.id }).from(businessCalendars).where(eq(businessCalendars.id, data.calendarId))
      if (!calendar) throw new ValidationError({ calendarId: 'Choose an existing calendar, or 24/7.' })
    }
    const now = ctx.now()
    const values = {
      name: data.name,
      position: data.position,
      matchPlan: data.matchPlan,
      matchSeverity: data.matchSeverity,
      matchKind: data.matchKind,
      firstResponseMinutes: data.firstResponseMinutes,
      nextResponseMinutes: data.nextResponseMinutes,
      resolutionMinutes: data.resolutionMinutes,
      calendarId: data.calendarId,
      updatedAt: now,
    }
    if (data.policyId) {
      const [updated] = await db
        .update(slaPolicies)
        .set({ ...values, version: sql`${slaPolicies.version} + 1` })
        .where(eq(slaPolicies.id, data.policyId))
        .returning()
      if (!updated) throw new NotFoundError('That SLA policy')
      await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'sla_policy.updated', subjectType: 'sla_policy', subjectId: updated.id, subjectLabel: updated.name, details: { ...values, updatedAt: undefined, version: updated.version } } })
      return updated
    }
    const [created] = await db.insert(slaPolicies).values({ ...values, createdAt: now }).returning()
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'sla_policy.created', subjectType: 'sla_policy', subjectId: created!.id, subjectLabel: created!.name, details: { ...values, updatedAt: undefined } } })
    return created!
  })
}
