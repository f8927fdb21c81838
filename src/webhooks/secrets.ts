import { randomBytes } from 'node:crypto'

/** A Standard Webhooks secret: `whsec_` and 24 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/** How long a rotated-out secret still signs, so receivers can switch without losing a delivery. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000
