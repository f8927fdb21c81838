import type { Db } from '../db/client'
import { CHAT_DELIVER, WEBHOOK_DELIVER, type ChatAlertPayload, type OutboxHandlers, type WebhookDeliveryPayload } from '../outbox'
import { deliverChatAlert } from './chat-alerts'
import { deliverWebhook } from './deliver-webhook'

export function webhookHandlers(options: { publicUrl: string; timeoutMs?: number }): OutboxHandlers {
  return {
    [WEBHOOK_DELIVER]: (payload, { db, now }) => deliverWebhook(db as Db, payload as WebhookDeliveryPayload, now, options),
    [CHAT_DELIVER]: (payload, { db, now }) => deliverChatAlert(db as Db, payload as ChatAlertPayload, now, options),
  }
}
