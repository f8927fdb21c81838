import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { webhookEndpoints } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { EndpointRef } from './schemas'
import { newWebhookSecret, SECRET_OVERLAP_MS } from './secrets'

/**
 * A new secret, returned this once; the old one keeps signing beside it for a day (two
 * signatures in `webhook-signature`), so the receiver can switch without losing a delivery.
 */
export async function rotateWebhookSecret({ ctx, input }: VerbArgs<EndpointRef>): Promise<{ secret: string; previousValidUntil: Date }> {
  requireAdmin(ctx, 'manage webhooks')
  const data = parseInput(EndpointRef, input)
  return inTransaction(ctx, async ({ db, now }) => {
    const [endpoint] = await db.select({ secret: webhookEndpoints.secret, url: webhookEndpoints.url }).from(webhookEndpoints).where(eq(webhookEndpoints.id, data.endpointId)).for('update')
    if (!endpoint) throw new NotFoundError('That webhook endpoint')
    const secret = newWebhookSecret()
    const previousValidUntil = new Date(now().getTime() + SECRET_OVERLAP_MS)
    await db
      .update(webhookEndpoints)
      .set({ secret, previousSecret: endpoint.secret, previousSecretUntil: previousValidUntil, updatedAt: now() })
      .where(eq(webhookEndpoints.id, data.endpointId))
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: { action: 'webhook.secret_rotated', subjectType: 'webhook_endpoint', subjectId: data.endpointId, subjectLabel: endpoint.url, details: { previousValidUntil: previousValidUntil.toISOString() } },
    })
    return { secret, previousValidUntil }
  })
}
