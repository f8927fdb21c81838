import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { webhookEndpoints } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { EndpointEnabled } from './schemas'

/** Disables or enables a receiver; enabling starts its failure clock afresh. */
export async function setWebhookEndpointEnabled({ ctx, input }: VerbArgs<EndpointEnabled>): Promise<void> {
  requireAdmin(ctx, 'manage webhooks')
  const data = parseInput(EndpointEnabled, input)
  await inTransaction(ctx, async ({ db, now }) => {
    const [row] = await db
      .update(webhookEndpoints)
      .set({ enabled: data.enabled, updatedAt: now(), ...(data.enabled ? { failingSince: null, disabledReason: null } : {}) })
      .where(eq(webhookEndpoints.id, data.endpointId))
      .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url })
    if (!row) throw new NotFoundError('That webhook endpoint')
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: { action: data.enabled ? 'webhook.endpoint_enabled' : 'webhook.endpoint_disabled', subjectType: 'webhook_endpoint', subjectId: row.id, subjectLabel: row.url },
    })
  })
}
