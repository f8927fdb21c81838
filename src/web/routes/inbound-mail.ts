import { createHash, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { INBOUND_MAX_BYTES, receiveInboundMail } from '../../inbound'
import type { AppEnv } from '../types'

// A provider's inbound webhook (or a relay of your own) posts each mail to a reply address here,
// raw: Content-Type message/rfc822 (or text/plain), Authorization: Bearer <INBOUND_MAIL_SECRET>.
// Without the secret configured the endpoint does not exist. The app-wide 256 KiB body limit
// skips this path; mail gets the SMTP listener's limit instead.

export const inboundMailRoutes = new Hono<AppEnv>()

const RAW_TYPES = ['message/rfc822', 'text/plain']

/** Equal secrets in time independent of where they differ (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** POST /api/v1/inbound-mail: one raw RFC 822 message; answers what became of it. */
inboundMailRoutes.post(
  '/inbound-mail',
  bodyLimit({
    maxSize: INBOUND_MAX_BYTES,
    onError: (c) => c.json({ error: { status: 413, message: `A mail may be at most ${INBOUND_MAX_BYTES} bytes.` } }, 413),
  }),
  async (c) => {
    const secret = c.var.deps.env.inboundMailSecret
    if (!secret) return c.json({ error: { status: 404, message: 'Inbound mail by HTTP is not configured (INBOUND_MAIL_SECRET).' } }, 404)
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    if (!given || !sameSecret(given, secret)) {
      c.header('WWW-Authenticate', 'Bearer')
      return c.json({ error: { status: 401, message: 'Send the inbound mail secret: Authorization: Bearer <INBOUND_MAIL_SECRET>.' } }, 401)
    }
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    if (!RAW_TYPES.includes(type)) return c.json({ error: { status: 415, message: 'Send the raw message as message/rfc822 (or text/plain).' } }, 415)
    const raw = Buffer.from(await c.req.arrayBuffer())
    if (raw.length === 0) return c.json({ error: { status: 400, message: 'The body is empty; send the raw message.' } }, 400)
    const outcome = await receiveInboundMail({ ctx: c.var.ctx, input: { raw, via: 'http' } })
    // Refused, automatic and bounced mail is handled too (recorded): a 2xx stops the provider retrying it.
    return c.json(
      { id: outcome.id, status: outcome.status, reason: outcome.reason, reply_id: outcome.replyId, duplicate: outcome.duplicate },
      outcome.status === 'posted' || outcome.status === 'noted' ? (outcome.duplicate ? 200 : 201) : 200,
    )
  },
)
