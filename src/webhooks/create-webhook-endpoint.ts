import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { webhookEndpoints } from '../db/schema'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { WebhookEndpointInput } from './schemas'
import { newWebhookSecret } from './secrets'

/** An admin adds a receiver; its secret is returned this once (the page shows it, then never again). */
export async function createWebhookEndpoint({ ctx, input }: VerbArgs<WebhookEndpointInput>): Promise<{ id: number; secret: string }> {
  const actor = requireAdmin(ctx, 'manage webhooks')
  const data = parseInput(WebhookEndpointInput, input)
  return inTransaction(ctx, async ({ db, now }) => {
    const secret = newWebhookSecret()
    const [row] = await db
      .insert(webhookEndpoints)
      .values({ ...data, secret, createdById: actor.id, createdAt: now(), updatedAt: now() })
      .returning({ id: webhookEndpoints.id })
    await recordStaffAction({
      ctx: { ...ctx, db },
      input: { action: 'webhook.endpoint_created', subjectType: 'webhook_endpoint', subjectId: row!.id, subjectLabel: data.url, details: { eventTypes: data.eventTypes, internal: data.internal, allowPrivateNetwork: data.allowPrivateNetwork } },
    })
    return { id: row!.id, secret }
  })
}
