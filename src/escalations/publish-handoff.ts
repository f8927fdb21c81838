import { eq } from 'drizzle-orm'
import { isAdmin, requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { handoffs, rotations, rotationShifts, type Handoff } from '../db/schema'
import { ConflictError, ForbiddenError, NotFoundError } from '../errors'
import { notifyStaff } from '../notify'
import { parseInput } from '../validation'
import { teamLeadOf } from './escalation-core'
import { HandoffInput } from './schemas'
import { whoIsOnRotation } from '../rotation'
import { alertHandoff, emitWebhookEvent } from '../webhooks'

/**
 * The outgoing engineer adds what the team should prioritise (their own words) to the drafted
 * handoff, saves it, and publishes it: the engineer on rotation now is told, and it heads the
 * team's list of handoffs.
 */
export async function publishHandoff({ ctx, input }: VerbArgs): Promise<Handoff> {
  const actor = requireStaff(ctx, 'write handoffs')
  const data = parseInput(HandoffInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [handoff] = await db.select().from(handoffs).where(eq(handoffs.id, data.handoffId)).for('update')
    if (!handoff) throw new NotFoundError('That handoff')
    const [rotation] = await db.select().from(rotations).where(eq(rotations.id, handoff.rotationId))
    const leadId = rotation ? await teamLeadOf(db, rotation.teamSlug) : null
    if (handoff.engineerId !== actor.id && leadId !== actor.id && !isAdmin(actor))
      throw new ForbiddenError('Only the engineer whose shift it was (or the team lead, or an admin) writes this handoff.')
    if (handoff.publishedAt) throw new ConflictError('This handoff is already published; write anything new in the next one.', 'priorities')
    const now = ctx.now()
    const [saved] = await db
      .update(handoffs)
      .set({ priorities: data.priorities, ...(data.publish ? { publishedAt: now } : {}) })
      .where(eq(handoffs.id, handoff.id))
      .returning()
    if (data.publish && rotation) {
      // The engineer of the shift after this one (a handoff drafted before its shift ends still
      // goes to whoever takes over then), whoever is on now, and the lead.
      const [shift] = handoff.shiftId ? await db.select({ endsAt: rotationShifts.endsAt }).from(rotationShifts).where(eq(rotationShifts.id, handoff.shiftId)) : []
      const handover = shift && shift.endsAt > now ? shift.endsAt : now
      const next = await whoIsOnRotation(db, rotation.teamSlug, handover)
      const onNow = handover > now ? await whoIsOnRotation(db, rotation.teamSlug, now) : next
      await notifyStaff(
        db,
        [next?.userId, onNow?.userId, leadId].filter((id) => id !== actor.id),
        'handoff_published',
        null,
        `${actor.displayName} published the ${rotation.name} handoff: what the team should prioritise is on the handoffs page.`,
        now,
      )
      await emitWebhookEvent(
        db,
        'handoff.published',
        {
          extra: {
            handoff: { id: handoff.id, team: rotation.teamSlug, rotation: rotation.name, engineerId: handoff.engineerId, nextEngineerId: next?.userId ?? null, periodStart: handoff.periodStart.toISOString(), periodEnd: handoff.periodEnd.toISOString(), priorities: data.priorities, url: `/handoffs/${handoff.id}` },
          },
        },
        now,
      )
      await alertHandoff(db, handoff.id, next?.userId ?? null, now)
    }
    return saved!
  })
}
