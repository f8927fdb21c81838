import { and, eq, gt, lte } from 'drizzle-orm'
import type { z } from 'zod'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { handoffs, rotationShifts, type Handoff } from '../db/schema'
import { ConflictError, ForbiddenError, ValidationError } from '../errors'
import { notifyStaff } from '../notify'
import { parseInput } from '../validation'
import { rotationOfTeam, teamLeadOf } from './escalation-core'
import { summarisePeriod } from './handoff-summary'
import { DraftHandoffInput } from './schemas'

/**
 * The handoff of the shift in progress, drafted now rather than when the shift ends: the
 * engineer goes off early, or the shift was quiet and there is nothing to wait for. Summarised
 * from the data up to now; the engineer then adds their priorities and publishes it as usual.
 * The escalation tick drafts only shifts without a handoff, so this shift gets no second one.
 */
export async function draftHandoff({ ctx, input }: VerbArgs<z.input<typeof DraftHandoffInput>>): Promise<Handoff> {
  const actor = requireStaff(ctx, 'write handoffs')
  const data = parseInput(DraftHandoffInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const rotation = await rotationOfTeam(db, data.teamSlug)
    if (!rotation) throw new ValidationError({ teamSlug: `Team “${data.teamSlug}” has no rotation, so no shifts to hand off.` })
    const [shift] = await db
      .select()
      .from(rotationShifts)
      .where(and(eq(rotationShifts.rotationId, rotation.id), lte(rotationShifts.startsAt, now), gt(rotationShifts.endsAt, now)))
      .for('update')
    const leadId = await teamLeadOf(db, data.teamSlug)
    const mayDraftOthers = isAdmin(actor) || leadId === actor.id
    if (!shift || (shift.userId !== actor.id && !mayDraftOthers))
      throw new ForbiddenError(
        `You are not on a shift of the ${rotation.name} now: only the engineer whose shift is in progress (or the team lead, or an admin) drafts its handoff.`,
      )
    if (!shift.userId) throw new ConflictError(`Nobody is planned for the ${rotation.name} shift in progress, so there is no handoff to draft.`)
    // A second click (or a second tab) lands on the handoff already drafted for this shift.
    const [existing] = await db.select().from(handoffs).where(eq(handoffs.shiftId, shift.id))
    if (existing) return existing
    const summary = await summarisePeriod(db, data.teamSlug, shift.startsAt, now)
    const [row] = await db
      .insert(handoffs)
      .values({ rotationId: rotation.id, shiftId: shift.id, engineerId: shift.userId, periodStart: shift.startsAt, periodEnd: now, summary, createdAt: now })
      .onConflictDoNothing()
      .returning()
    if (!row) return (await db.select().from(handoffs).where(eq(handoffs.shiftId, shift.id)))[0]!
    if (shift.userId !== actor.id)
      await notifyStaff(db, [shift.userId], 'handoff_drafted', null, `${actor.displayName} drafted your ${rotation.name} handoff: add what the team should prioritise and publish it.`, now)
    return row
  })
}
