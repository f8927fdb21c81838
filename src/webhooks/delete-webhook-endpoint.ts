import { eq } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { webhookEndpoints } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'
import { parseInput } from '../validation'
import { EndpointRef } from './schemas'

/** Deletes a receiver and its delivery log; pending outbox rows find no delivery and do nothing. */
export async function deleteWebhookEndpoint({ ctx, input }: VerbArgs<EndpointRef>): Promise<void> {
  requireAdmin(ctx, 'manage webhooks')
  const data = parseInput(EndpointRef, input)
  await inTransaction(ctx, async ({ db }) => {
    const deleted = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, data.endpointId)).returning({ id: webhookEndpoints.id, url: webhookEndpoints.url })
    if (deleted.length === 0) throw new NotFoundError('That webhook endpoint')
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'webhook.endpoint_deleted', subjectType: 'webhook_endpoint', subjectId: data.endpointId, subjectLabel: deleted[0]!.url } })
  })
}
