import { and, eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { webhookDeliveries } from '../db/schema'
import { NotFoundError } from '../errors'
import { enqueue, WEBHOOK_DELIVER, type WebhookDeliveryPayload } from '../outbox'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { DeliveryRef } from './schemas'

/**
 * "Send again": the delivery goes back to pending with a fresh day of retries, due now. It keeps
 * its event's id, so a receiver that had it already recognises the repeat.
 */
export async function resendWebhookDelivery({ ctx, input }: VerbArgs<DeliveryRef>): Promise<void> {
  requireAdmin(ctx, 'manage webhooks')
  const data = parseInput(DeliveryRef, input)
  await inTransaction(ctx, async ({ db, now }) => {
    const [row] = await db
      .update(webhookDeliveries)
      .set({ state: 'pending', attempts: 0, nextAttemptAt: now(), deliveredAt: null })
      .where(and(eq(webhookDeliveries.id, data.deliveryId), eq(webhookDeliveries.endpointId, data.endpointId)))
      .returning({ id: webhookDeliveries.id })
    if (!row) throw new NotFoundError('That delivery')
    await enqueue(db, { topic: WEBHOOK_DELIVER, key: `webhook:${row.id}`, payload: { deliveryId: row.id } satisfies WebhookDeliveryPayload, dueAt: now(), onConflict: 'replace' })
  })
}
