import { z } from 'zod'
import { WEBHOOK_EVENT_TYPES } from '../db/schema'
import { flag, id, optionalText, text } from '../validation'

/** An http(s) URL with a host; where it resolves to is checked at each delivery (the SSRF guard). */
export const webhookUrl = (label: string) =>
  text(label, { min: 10, max: 2000, singleLine: true }).pipe(
    z.string().refine((value) => {
      try {
        const url = new URL(value)
        return (url.protocol === 'https:' || url.protocol === 'http:') && !!url.hostname && !url.username && !url.password
      } catch {
        return false
      }
    }, `${label} must be an http:// or https:// address, without a user name or password.`),
  )

const eventTypes = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: 'Choose event types from the list.' }))
    .min(1, { error: 'Choose at least one event type.' }),
)

export const WebhookEndpointInput = z.object({
  url: webhookUrl('URL'),
  description: optionalText('Description', { max: 200, singleLine: true }),
  eventTypes,
  enabled: flag,
  internal: flag,
  allowPrivateNetwork: flag,
})
// Form input: any field may be missing (an unticked checkbox); the schema says what is required.
export type WebhookEndpointInput = Partial<z.input<typeof WebhookEndpointInput>>

export const WebhookEndpointUpdate = WebhookEndpointInput.extend({ endpointId: id('endpoint') })
export type WebhookEndpointUpdate = Partial<z.input<typeof WebhookEndpointUpdate>>

export const EndpointRef = z.object({ endpointId: id('endpoint') })
export type EndpointRef = z.input<typeof EndpointRef>

export const EndpointEnabled = z.object({ endpointId: id('endpoint'), enabled: z.preprocess((value) => value === '1' || value === true, z.boolean()) })
export type EndpointEnabled = z.input<typeof EndpointEnabled>

export const DeliveryRef = z.object({ endpointId: id('endpoint'), deliveryId: id('delivery') })
export type DeliveryRef = z.input<typeof DeliveryRef>
