import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { webhookEndpoints } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { WebhookEndpointUpdate } from './schemas'

/** An admin edits a receiver (URL, description, events, flags); enabling it again clears its failure record. */
export async function updateWebhookEndpoint({ ctx, input }: VerbArgs<WebhookEndpointUpdate>): Promise<{ id: number }> {
  requireAdmin(ctx, 'manage webhooks')
  const { endpointId, ...data } = parseInput(WebhookEndpointUpdate, input)
  return inTransaction(ctx, async ({ db, now }) => {
    const [row] = await db
      .update(webhookEndpoints)
      .set({ ...data, updatedAt: now(), ...(data.enabled ? { failingSince: null, disabledReason: null } : {}) })
      .where(eq(webhookEndpoints.id, endpointId))
      .returning({ id: webhookEndpoints.id })
    if (!row) throw new NotFoundError('That webhook endpoint')
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: { action: 'webhook.endpoint_updated', subjectType: 'webhook_endpoint', subjectId: row.id, subjectLabel: data.url, details: { eventTypes: data.eventTypes, enabled: data.enabled, internal: data.internal, allowPrivateNetwork: data.allowPrivateNetwork } },
    })
    return row
  })
}
