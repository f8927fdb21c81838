import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { webhookDeliveries, webhookEvents, type WebhookEventType } from '../db/schema'
import { enqueue, WEBHOOK_DELIVER, type WebhookDeliveryPayload } from '../outbox'

// What a webhook says, decided here from ids the product's verbs pass in the transaction of the
// change. Public endpoints get operational data (ids, titles, states, who, links); `internal`
// (internal note bodies, an escalation's reproduction and the engineer's answer, which may
// quote logs and accounts) is kept apart and merged only into deliveries to internal endpoints.

export interface WebhookSubject {
  threadId?: number | null
  itemId?: number | null
  escalationId?: number | null
  /** A reply the event is about (with threadId): its id, author and link, public. */
  replyId?: number | null
  /** Event-specific fields (the previous state, which SLA target, the shift…), public. */
  extra?: Record<string, unknown>
  /** Event-specific fields for internal endpoints only (staff's reasons and notes, who decided). */
  internal?: Record<string, unknown>
}

interface ItemRow {
  id: number
  title: string
  state: string
  kind: string
  severity: string
  team_slug: string
  thread_id: number | null
  assignee_id: number | null
  assignee_name: string | null
  organisation: string | null
}

async function threadData(db: Db, threadId: number) {
  const [row] = await queryRows<{ id: number; title: string; slug: string; reply_count: number; accepted_reply_id: number | null; author_name: string; category: string }>(
    db,
    sql`select t.id, t.title, t.slug, t.reply_count, t.accepted_reply_id, u.display_name as author_name, c.name as category
        from threads t join users u on u.id = t.author_id join categories c on c.id = t.category_id where t.id = ${threadId}`,
  )
  if (!row) return null
  return {
    id: row.id,
    title: row.title,
    author: row.author_name,
    category: row.category,
    replyCount: row.reply_count,
    acceptedReplyId: row.accepted_reply_id,
    url: `/t/${row.id}/${row.slug}`,
  }
}

async function replyData(db: Db, replyId: number) {
  const [row] = await queryRows<{ id: number; thread_id: number; author_id: number; author_name: string; created_at: Date | string }>(
    db,
    sql`select r.id, r.thread_id, r.author_id, u.display_name as author_name, r.created_at from replies r join users u on u.id = r.author_id where r.id = ${replyId}`,
  )
  if (!row) return null
  return { id: row.id, author: { id: row.author_id, name: row.author_name }, createdAt: new Date(row.created_at).toISOString(), url: `/t/${row.thread_id}#reply-${row.id}` }
}

async function itemData(db: Db, itemId: number) {
  const [row] = await queryRows<ItemRow>(
    db,
    sql`select i.id, i.title, i.state, i.kind, i.severity, i.team_slug, i.thread_id, i.assignee_id, a.display_name as assignee_name, o.name as organisation
        from queue_items i left join users a on a.id = i.assignee_id left join organisations o on o.id = i.organisation_id where i.id = ${itemId}`,
  )
  if (!row) return null
  return {
    id: row.id,
    title: row.title,
    state: row.state,
    kind: row.kind,
    severity: row.severity,
    team: row.team_slug,
    threadId: row.thread_id,
    organisation: row.organisation,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name } : null,
    url: `/queue/items/${row.id}`,
  }
}

async function internalNotesOf(db: Db, itemId: number) {
  const rows = await queryRows<{ id: number; author: string; body: string; created_at: Date | string }>(
    db,
    sql`select n.id, u.display_name as author, n.body_markdown as body, n.created_at from internal_notes n join users u on u.id = n.author_id
        where n.item_id = ${itemId} order by n.id desc limit 5`,
  )
  return rows.map((row) => ({ id: row.id, author: row.author, body: row.body, createdAt: new Date(row.created_at).toISOString() }))
}

async function escalationData(db: Db, escalationId: number) {
  const [row] = await queryRows<{
    id: number
    item_id: number
    engineer_id: number | null
    engineer: string | null
    escalated_by: string | null
    response_due_at: Date | string
    outcome: string | null
    release: string | null
    tracker_url: string | null
    answered_at: Date | string | null
    customer_did: string
    what_happened: string
    expected: string
    logs: string
    account: string
    answer: string | null
  }>(
    db,
    sql`select e.id, e.item_id, e.engineer_id, u.display_name as engineer, b.display_name as escalated_by, e.response_due_at, e.outcome, e.release,
          e.tracker_url, e.answered_at, e.customer_did, e.what_happened, e.expected, e.logs, e.account, e.answer
        from escalations e left join users u on u.id = e.engineer_id left join users b on b.id = e.escalated_by_id where e.id = ${escalationId}`,
  )
  if (!row) return null
  return {
    public: {
      id: row.id,
      itemId: row.item_id,
      engineer: row.engineer_id ? { id: row.engineer_id, name: row.engineer } : null,
      escalatedBy: row.escalated_by,
      responseDueAt: new Date(row.response_due_at).toISOString(),
      outcome: row.outcome,
      release: row.release,
      trackerUrl: row.tracker_url,
    },
    internal: {
      reproduction: { customerDid: row.customer_did, whatHappened: row.what_happened, expected: row.expected, logs: row.logs, account: row.account },
      answer: row.answer,
    },
  }
}

/**
 * Records one event and a delivery to every enabled endpoint subscribed to its type, in the
 * caller's transaction; the deliveries go out after commit. Returns the event's id, or null when
 * no endpoint listens (nothing is written then). `eventId` makes the event idempotent: an event
 * that may be noticed more than once (a sanction's end, by staff and by its timer) names itself,
 * and a second emit with that id writes nothing and returns null.
 */
export async function emitWebhookEvent(
  db: Db,
  type: WebhookEventType,
  subject: WebhookSubject,
  now: Date,
  options: { eventId?: string } = {},
): Promise<string | null> {
  const endpoints = await queryRows<{ id: number }>(
    db,
    sql`select id from webhook_endpoints where enabled and ${type} = any(event_types) order by id`,
  )
  if (endpoints.length === 0) return null
  const data: Record<string, unknown> = {}
  const internal: Record<string, unknown> = {}
  if (subject.threadId) data.thread = await threadData(db, subject.threadId)
  if (subject.replyId) data.reply = await replyData(db, subject.replyId)
  if (subject.itemId) {
    data.item = await itemData(db, subject.itemId)
    internal.internalNotes = await internalNotesOf(db, subject.itemId)
  }
  if (subject.escalationId) {
    const escalation = await escalationData(db, subject.escalationId)
    if (escalation) {
      data.escalation = escalation.public
      internal.escalation = escalation.internal
    }
  }
  Object.assign(data, subject.extra ?? {})
  Object.assign(internal, subject.internal ?? {})
  const id = options.eventId ?? `msg_${randomUUID().replaceAll('-', '')}`
  const written = await db
    .insert(webhookEvents)
    .values({ id, type, data, internalData: Object.keys(internal).length ? internal : null, createdAt: now })
    .onConflictDoNothing({ target: webhookEvents.id })
    .returning({ id: webhookEvents.id })
  if (written.length === 0) return null
  const deliveries = await db
    .insert(webhookDeliveries)
    .values(endpoints.map((endpoint) => ({ eventId: id, endpointId: endpoint.id, nextAttemptAt: now, createdAt: now })))
    .returning({ id: webhookDeliveries.id })
  await enqueue(
    db,
    ...deliveries.map((delivery) => ({
      topic: WEBHOOK_DELIVER,
      key: `webhook:${delivery.id}`,
      payload: { deliveryId: delivery.id } satisfies WebhookDeliveryPayload,
      dueAt: now,
    })),
  )
  return id
}

/** How far back the rotation tick looks for shifts that began (a tick that runs late still sends them). */
const SHIFT_STARTED_WINDOW_MS = 3_600_000

/**
 * rotation.shift_started for each shift that began within the last hour and has no event yet
 * (the event row is the record that it was sent, so ticks every few minutes send it once).
 */
/**
 * Whether emitShiftsStarted has anything to send (an endpoint listens and a shift began within
 * the window unsent), as a condition on `rotation_shifts s`: the rotation tick's probe asks it.
 */
export const shiftStartedUnsent = (now: Date) => sql`
  exists (select 1 from webhook_endpoints where enabled and 'rotation.shift_started' = any(event_types))
  and s.starts_at <= ${now.toISOString()}::timestamptz and s.starts_at > ${new Date(now.getTime() - SHIFT_STARTED_WINDOW_MS).toISOString()}::timestamptz
  and not exists (select 1 from webhook_events e where e.type = 'rotation.shift_started' and e.data->'shift'->>'id' = s.id::text)`

export async function emitShiftsStarted(db: Db, now: Date): Promise<number> {
  const [listening] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from webhook_endpoints where enabled and 'rotation.shift_started' = any(event_types)`)
  if (!listening?.n) return 0
  const started = await queryRows<{ id: number; team_slug: string; name: string; user_id: number | null; engineer: string | null; starts_at: string; ends_at: string }>(
    db,
    sql`select s.id, r.team_slug, r.name, s.user_id, u.display_name as engineer, s.starts_at::text, s.ends_at::text
        from rotation_shifts s join rotations r on r.id = s.rotation_id left join users u on u.id = s.user_id
        where ${shiftStartedUnsent(now)}
        order by s.starts_at, s.id`,
  )
  for (const shift of started)
    await emitWebhookEvent(
      db,
      'rotation.shift_started',
      {
        extra: {
          shift: {
            id: shift.id,
            team: shift.team_slug,
            rotation: shift.name,
            engineer: shift.user_id ? { id: shift.user_id, name: shift.engineer } : null,
            startsAt: new Date(shift.starts_at).toISOString(),
            endsAt: new Date(shift.ends_at).toISOString(),
            url: `/rotations`,
          },
        },
      },
      now,
    )
  return started.length
}
