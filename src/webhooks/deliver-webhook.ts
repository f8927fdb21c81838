import { sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { systemClock } from '../clock'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { notifyStaff } from '../notify'
import { enqueue, WEBHOOK_DELIVER, type WebhookDeliveryPayload } from '../outbox'
import { guardedPost, type KeptConnections, type PostResult } from './guard'

/**
 * Waits after failed attempt N (1-based): 30 s, 2 m, 10 m, 30 m, 1 h, 2 h, 4 h, 8 h, 8 h, about a
 * day in all; after the last one the delivery has failed for good. The generic outbox's own
 * retries are not used: each attempt is a fresh outbox row due at the next time.
 */
export const WEBHOOK_RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000]

/** An endpoint whose every delivery failed for this long is disabled, and the admins told. */
export const DISABLE_AFTER_MS = 24 * 3_600_000

export interface WebhookPayload {
  type: string
  version: 1
  timestamp: string
  data: Record<string, unknown>
}

interface DeliveryFacts {
  id: number
  state: string
  attempts: number
  created_at: Date | string
  event_id: string
  type: string
  data: Record<string, unknown>
  internal_data: Record<string, unknown> | null
  event_at: Date | string
  endpoint_id: number
  url: string
  enabled: boolean
  internal: boolean
  allow_private_network: boolean
  secret: string
  previous_secret: string | null
  previous_secret_until: Date | string | null
  failing_since: Date | string | null
  description: string
}

/** Paths in event data become links on this site. */
function absolute(value: unknown, publicUrl: string): unknown {
  if (Array.isArray(value)) return value.map((entry) => absolute(entry, publicUrl))
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, key === 'url' && typeof entry === 'string' && entry.startsWith('/') ? publicUrl + entry : absolute(entry, publicUrl)]),
    )
  return value
}

/** The body one endpoint receives: internal fields only for internal endpoints. */
export function webhookBody(facts: Pick<DeliveryFacts, 'type' | 'data' | 'internal_data' | 'event_at' | 'internal'>, publicUrl: string): string {
  const data = facts.internal && facts.internal_data ? { ...facts.data, internal: facts.internal_data } : facts.data
  const payload: WebhookPayload = { type: facts.type, version: 1, timestamp: new Date(facts.event_at).toISOString(), data: absolute(data, publicUrl) as Record<string, unknown> }
  return JSON.stringify(payload)
}

/**
 * The `webhook-signature` header: one signature per valid secret (the new one, and during a
 * rotation's overlap the old one too), space-separated as Standard Webhooks allows.
 */
export function signatures(secrets: string[], eventId: string, at: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(eventId, at, body)).join(' ')
}

export interface DeliverOptions {
  publicUrl: string
  /** Test hook: a shorter timeout. */
  timeoutMs?: number
  /** Connections kept open between deliveries (the app's; without, one connection per delivery). */
  connections?: KeptConnections
}

/**
 * One attempt of one delivery. Idempotent: a delivery no longer pending is left alone. The POST
 * happens outside any transaction; its outcome is recorded after.
 */
export async function deliverWebhook(db: Db, payload: WebhookDeliveryPayload, now: Date, options: DeliverOptions): Promise<void> {
  const [facts] = await queryRows<DeliveryFacts>(
    db,
    sql`select d.id::int as id, d.state, d.attempts, d.created_at, e.id as event_id, e.type, e.data, e.internal_data, e.created_at as event_at,
          p.id as endpoint_id, p.url, p.enabled, p.internal, p.allow_private_network, p.secret, p.previous_secret, p.previous_secret_until,
          p.failing_since, p.description
        from webhook_deliveries d join webhook_events e on e.id = d.event_id join webhook_endpoints p on p.id = d.endpoint_id
        where d.id = ${payload.deliveryId}`,
  )
  if (!facts || facts.state !== 'pending') return
  if (!facts.enabled) {
    await db.execute(sql`update webhook_deliveries set state = 'failed', error = 'The endpoint is disabled.', next_attempt_at = null where id = ${facts.id}`)
    return
  }
  const body = webhookBody(facts, options.publicUrl)
  const secrets = [facts.secret]
  if (facts.previous_secret && facts.previous_secret_until && new Date(facts.previous_secret_until) > now) secrets.push(facts.previous_secret)
  // The signing time is the wall clock's: receivers compare it with theirs to refuse replays.
  const signedAt = systemClock.now()
  const headers = {
    'webhook-id': facts.event_id,
    'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
    'webhook-signature': signatures(secrets, facts.event_id, signedAt, body),
  }
  let result: PostResult | null = null
  let error: string | null = null
  const started = performance.now()
  try {
    result = await guardedPost(facts.url, body, headers, { allowPrivateNetwork: facts.allow_private_network, timeoutMs: options.timeoutMs, connections: options.connections })
    if (result.status < 200 || result.status > 299)
      error = result.status >= 300 && result.status < 400 ? `Answered ${result.status}: redirects are not followed.` : `Answered ${result.status}.`
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught)
  }
  const attempt = facts.attempts + 1
  const durationMs = result?.durationMs ?? Math.round(performance.now() - started)
  await db.transaction(async (tx) => {
    const db = tx as unknown as Db
    if (!error) {
      await db.execute(sql`
        update webhook_deliveries set state = 'delivered', attempts = ${attempt}, request_body = ${body}, response_status = ${result!.status},
          response_excerpt = ${result!.excerpt}, duration_ms = ${durationMs}, error = null, last_attempt_at = ${now.toISOString()}::timestamptz,
          delivered_at = ${now.toISOString()}::timestamptz, next_attempt_at = null
        where id = ${facts.id}`)
      await db.execute(sql`update webhook_endpoints set failing_since = null where id = ${facts.endpoint_id}`)
      return
    }
    const delay = WEBHOOK_RETRY_DELAYS_MS[attempt - 1]
    const nextAt = delay === undefined ? null : new Date(now.getTime() + delay)
    await db.execute(sql`
      update webhook_deliveries set state = ${nextAt ? 'pending' : 'failed'}, attempts = ${attempt}, request_body = ${body},
        response_status = ${result?.status ?? null}, response_excerpt = ${result?.excerpt ?? null}, duration_ms = ${durationMs},
        error = ${error.slice(0, 2000)}, last_attempt_at = ${now.toISOString()}::timestamptz, next_attempt_at = ${nextAt?.toISOString() ?? null}::timestamptz
      where id = ${facts.id}`)
    if (nextAt)
      await enqueue(db, { topic: WEBHOOK_DELIVER, key: `webhook:${facts.id}`, payload: { deliveryId: facts.id } satisfies WebhookDeliveryPayload, dueAt: nextAt, onConflict: 'replace' })
    const failingSince = facts.failing_since ? new Date(facts.failing_since) : now
    if (!facts.failing_since) await db.execute(sql`update webhook_endpoints set failing_since = ${now.toISOString()}::timestamptz where id = ${facts.endpoint_id} and failing_since is null`)
    // Sustained failure: nothing succeeded for a day, or a delivery used up its whole day of retries.
    const sustained = now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS || (!nextAt && failingSince <= new Date(facts.created_at))
    if (sustained) await disableEndpoint(db, facts, error, now)
  })
}

async function disableEndpoint(db: Db, facts: DeliveryFacts, error: string, now: Date): Promise<void> {
  const reason = `Disabled ${now.toISOString()}: every delivery failed since ${new Date(facts.failing_since ?? now).toISOString()} (last: ${error.slice(0, 300)})`
  const disabled = await queryRows<{ id: number }>(
    db,
    sql`update webhook_endpoints set enabled = false, disabled_reason = ${reason}, updated_at = ${now.toISOString()}::timestamptz
        where id = ${facts.endpoint_id} and enabled returning id`,
  )
  if (disabled.length === 0) return
  // What was still waiting for it will not go out; an admin can send it again after fixing the receiver.
  await db.execute(sql`update webhook_deliveries set state = 'failed', next_attempt_at = null, error = coalesce(error, 'The endpoint was disabled.')
                       where endpoint_id = ${facts.endpoint_id} and state = 'pending'`)
  const admins = await queryRows<{ id: number }>(db, sql`select id from users where role = 'admin' order by id`)
  await notifyStaff(
    db,
    admins.map((admin) => admin.id),
    'webhook_disabled',
    null,
    `The webhook endpoint ${facts.url}${facts.description ? ` (${facts.description})` : ''} was disabled: its deliveries failed for a day. Fix the receiver, then enable it at /admin/webhooks/${facts.endpoint_id}.`,
    now,
    { eventKey: `webhook_disabled:${facts.endpoint_id}:${now.getTime()}` },
  )
}
