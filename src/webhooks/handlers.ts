import type { Db } from '../db/client'
import { CHAT_DELIVER, WEBHOOK_DELIVER, type ChatAlertPayload, type OutboxHandlers, type WebhookDeliveryPayload } from '../outbox'
import { deliverChatAlert } from './chat-alerts'
import { deliverWebhook } from './deliver-webhook'
import { keptConnections } from './guard'

export function webhookHandlers(options: { publicUrl: string; timeoutMs?: number }): OutboxHandlers {
  // One set of kept connections per app (its handlers): deliveries to an endpoint reuse them.
  const delivery = { ...options, connections: keptConnections() }
  return {
    [WEBHOOK_DELIVER]: (payload, { db, now }) => deliverWebhook(db as Db, payload as WebhookDeliveryPayload, now, delivery),
    [CHAT_DELIVER]: (payload, { db, now }) => deliverChatAlert(db as Db, payload as ChatAlertPayload, now, delivery),
  }
}
