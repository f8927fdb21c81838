import { desc, eq, sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { webhookDeliveries, webhookEndpoints, webhookEvents, type WebhookEndpoint } from '../db/schema'
import { NotFoundError } from '../errors'
import { requireAdmin } from '../policy'

/** An endpoint as the admin pages show it: never its secrets. */
export type WebhookEndpointView = Omit<WebhookEndpoint, 'secret' | 'previousSecret'> & { rotating: boolean }

export interface WebhookDeliveryView {
  id: number
  eventId: string
  type: string
  state: string
  attempts: number
  nextAttemptAt: Date | null
  requestBody: string | null
  responseStatus: number | null
  responseExcerpt: string | null
  durationMs: number | null
  error: string | null
  lastAttemptAt: Date | null
  createdAt: Date
}

function view(endpoint: WebhookEndpoint, now: Date): WebhookEndpointView {
  const { secret: _secret, previousSecret: _previous, ...rest } = endpoint
  return { ...rest, rotating: !!endpoint.previousSecretUntil && endpoint.previousSecretUntil > now }
}

export async function listWebhookEndpoints(ctx: Ctx): Promise<(WebhookEndpointView & { failed: number; pending: number })[]> {
  requireAdmin(ctx, 'manage webhooks')
  const rows = await ctx.db
    .select({
      endpoint: webhookEndpoints,
      failed: sql<number>`(select count(*)::int from webhook_deliveries d where d.endpoint_id = ${webhookEndpoints.id} and d.state = 'failed')`,
      pending: sql<number>`(select count(*)::int from webhook_deliveries d where d.endpoint_id = ${webhookEndpoints.id} and d.state = 'pending')`,
    })
    .from(webhookEndpoints)
    .orderBy(webhookEndpoints.id)
  return rows.map((row) => ({ ...view(row.endpoint, ctx.now()), failed: row.failed, pending: row.pending }))
}

/** One endpoint and its delivery log, newest first (the last 50). */
export async function getWebhookEndpoint(ctx: Ctx, endpointId: number): Promise<{ endpoint: WebhookEndpointView; deliveries: WebhookDeliveryView[] }> {
  requireAdmin(ctx, 'manage webhooks')
  const [endpoint] = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId))
  if (!endpoint) throw new NotFoundError('That webhook endpoint')
  const deliveries = await ctx.db
    .select({
      id: webhookDeliveries.id,
      eventId: webhookDeliveries.eventId,
      type: webhookEvents.type,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      requestBody: webhookDeliveries.requestBody,
      responseStatus: webhookDeliveries.responseStatus,
      responseExcerpt: webhookDeliveries.responseExcerpt,
      durationMs: webhookDeliveries.durationMs,
      error: webhookDeliveries.error,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(50)
  return { endpoint: view(endpoint, ctx.now()), deliveries }
}
