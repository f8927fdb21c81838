import { createHmac } from 'node:crypto'

/** The soak's control requests are signed: HMAC-SHA256 of the body under the shared secret, hex. */
export function signControl(body: string, key: string): string {
  return createHmac('sha256', key).update(body).digest('hex')
}
