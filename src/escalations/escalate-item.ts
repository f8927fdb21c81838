import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { escalations, queueItems, type Escalation } from '../db/schema'
import { ConflictError } from '../errors'
import { notifyStaff } from '../notify'
import { assertTransition, lockItem, moveItem, recordEvent } from '../queue'
import { parseInput } from '../validation'
import { escalationTarget, isOutOfHours, openEscalationOf, responseHoursFor } from './escalation-core'
import { EscalateInput } from './schemas'
import { alertEscalation, emitWebhookEvent } from '../webhooks'

const HOUR_MS = 3_600_000

/**
 * Support hands an item to engineering with a reproduction. It goes to the engineer on the
 * item's team rotation at this moment (the team's lead when nobody is on), with a response
 * target in hours by severity; the item becomes tier 3, "escalated".
 */
export async function escalateItem({ ctx, input }: VerbArgs): Promise<Escalation> {
  const actor = requireStaff(ctx, 'escalate items')
  const data = parseInput(EscalateInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const item = await lockItem(db, data.itemId)
    const open = await openEscalationOf(db, item.id)
    if (open) throw new ConflictError('This item is already escalated and waiting for the engineer’s answer.', 'customerDid')
    assertTransition(item.state, 'escalated')
    const now = ctx.now()
    const target = await escalationTarget(db, item.teamSlug, now)
    if (!target)
      throw new ConflictError(
        `Nobody can take this: team “${item.teamSlug}” has nobody on rotation now and no lead. Set up its rotation (or a lead) first, or move the item to another team.`,
        'customerDid',
      )
    const hours = responseHoursFor(target.rotation, item.severity)
    const [escalation] = await db
      .insert(escalations)
      .values({
        itemId: item.id,
        rotationId: target.rotation?.id ?? null,
        engineerId: target.engineerId,
        escalatedById: actor.id,
        customerDid: data.customerDid,
        whatHappened: data.whatHappened,
        expected: data.expected,
        logs: data.logs,
        account: data.account,
        frequency: data.frequency,
        customersAffected: data.customersAffected,
        responseDueAt: new Date(now.getTime() + hours * HOUR_MS),
        outOfHours: isOutOfHours(now, target.rotation?.timezone ?? 'UTC'),
        createdAt: now,
      })
      .returning()
    await db.update(queueItems).set({ tier: 3, updatedAt: now }).where(eq(queueItems.id, item.id))
    await moveItem(db, item, { to: 'escalated', actorId: actor.id, reason: `Escalated to ${target.engineerName}.`, detail: { escalationId: escalation!.id } }, now)
    await recordEvent(
      db,
      item.id,
      'escalated',
      actor.id,
      { escalationId: escalation!.id, engineerId: target.engineerId, engineerName: target.engineerName, via: target.via, responseHours: hours, outOfHours: escalation!.outOfHours },
      now,
    )
    await notifyStaff(db, [target.engineerId], 'escalated', item.id, `Escalated to you: “${item.title}”. Please answer within ${hours} hours.`, now)
    await emitWebhookEvent(db, 'escalation.created', { itemId: item.id, escalationId: escalation!.id, extra: { responseHours: hours, via: target.via } }, now)
    await alertEscalation(db, escalation!.id, now)
    return escalation!
  })
}
