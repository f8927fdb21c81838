// Outgoing webhooks (Standard Webhooks, signed, per admin-configured endpoint) and team chat
// alerts. A leaf domain: other domains call its emitters in their transactions; it reads their
// tables by SQL to build payloads and imports none of them.
export { alertEscalation, alertEscalationBreach, alertHandoff, alertSlaBreach, chatBody, type ChatMessage } from './chat-alerts'
export { createWebhookEndpoint } from './create-webhook-endpoint'
export { deleteWebhookEndpoint } from './delete-webhook-endpoint'
export { DISABLE_AFTER_MS, WEBHOOK_RETRY_DELAYS_MS } from './deliver-webhook'
export { emitShiftsStarted, emitWebhookEvent, shiftStartedUnsent, type WebhookSubject } from './emit-webhook-event'
export { BlockedAddressError, guardedFetch, guardedPost, isPublicAddress, resolveChecked } from './guard'
export { webhookHandlers } from './handlers'
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../db/schema'
export { getWebhookEndpoint, listWebhookEndpoints, type WebhookDeliveryView, type WebhookEndpointView } from './queries'
export { resendWebhookDelivery } from './resend-webhook-delivery'
export { rotateWebhookSecret } from './rotate-webhook-secret'
export { webhookUrl, type DeliveryRef, type EndpointEnabled, type EndpointRef, type WebhookEndpointInput, type WebhookEndpointUpdate } from './schemas'
export { setWebhookEndpointEnabled } from './set-webhook-endpoint-enabled'
export { updateWebhookEndpoint } from './update-webhook-endpoint'
