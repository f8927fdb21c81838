import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { chatAlerts } from '../db/schema'
import { CHAT_DELIVER, enqueue, type ChatAlertPayload } from '../outbox'
import { guardedPost, type KeptConnections } from './guard'
import { WEBHOOK_RETRY_DELAYS_MS } from './deliver-webhook'

// Team chat alerts: Slack-compatible JSON (`text` for notifications and clients without
// blocks, `blocks` for the message), which Mattermost, Rocket.Chat and Teams workflows accept.
// Written in the transaction of what happened; links are paths until delivery makes them absolute.

export const CHAT_ALERT_KINDS = ['escalation', 'escalation_breached', 'sla_breached', 'handoff_published'] as const
export type ChatAlertKind = (typeof CHAT_ALERT_KINDS)[number]

export interface ChatMessage {
  text: string
  /** Markdown lines of the message (Slack mrkdwn), and the link it points to. */
  lines: string[]
  link: { label: string; path: string }
}

const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The JSON a chat incoming webhook receives. */
export function chatBody(message: ChatMessage, publicUrl: string): { text: string; blocks: unknown[] } {
  const url = publicUrl + message.link.path
  return {
    text: `${message.text} ${url}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: message.lines.map(escapeMrkdwn).join('\n') } },
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: message.link.label }, url }] },
    ],
  }
}

/** Writes an alert for a team that has a chat URL (nothing otherwise), delivered after commit. */
export async function queueChatAlert(db: Db, teamSlug: string, kind: ChatAlertKind, message: ChatMessage, now: Date): Promise<number | null> {
  const [team] = await queryRows<{ chat_webhook_url: string | null }>(db, sql`select chat_webhook_url from teams where slug = ${teamSlug}`)
  if (!team?.chat_webhook_url) return null
  const [alert] = await db.insert(chatAlerts).values({ teamSlug, url: team.chat_webhook_url, kind, body: message, createdAt: now }).returning({ id: chatAlerts.id })
  await enqueue(db, { topic: CHAT_DELIVER, key: `chat:${alert!.id}`, payload: { alertId: alert!.id } satisfies ChatAlertPayload, dueAt: now })
  return alert!.id
}

const when = (at: Date | string) => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** An escalation reached the engineer on rotation: who, the item, the response target, a link. */
export async function alertEscalation(db: Db, escalationId: number, now: Date): Promise<void> {
  const [row] = await queryRows<{ team_slug: string; item_id: number; title: string; engineer: string | null; response_due_at: string; escalated_by: string | null }>(
    db,
    sql`select i.team_slug, i.id as item_id, i.title, u.display_name as engineer, e.response_due_at::text, b.display_name as escalated_by
        from escalations e join queue_items i on i.id = e.item_id left join users u on u.id = e.engineer_id left join users b on b.id = e.escalated_by_id
        where e.id = ${escalationId}`,
  )
  if (!row) return
  const who = row.engineer ?? 'nobody on rotation'
  await queueChatAlert(
    db,
    row.team_slug,
    'escalation',
    {
      text: `Escalated to ${who}: “${row.title}” (answer by ${when(row.response_due_at)}).`,
      lines: [`*Escalated to ${who}*: “${row.title}”`, `Response target: ${when(row.response_due_at)}`, ...(row.escalated_by ? [`Escalated by ${row.escalated_by}`] : [])],
      link: { label: 'Open the item', path: `/queue/items/${row.item_id}` },
    },
    now,
  )
}

/** An escalation passed its response target: who is called in next. */
export async function alertEscalationBreach(db: Db, escalationId: number, backupId: number | null, now: Date): Promise<void> {
  const [row] = await queryRows<{ team_slug: string; item_id: number; title: string; engineer: string | null; backup: string | null; response_due_at: string }>(
    db,
    sql`select i.team_slug, i.id as item_id, i.title, u.display_name as engineer, k.display_name as backup, e.response_due_at::text
        from escalations e join queue_items i on i.id = e.item_id left join users u on u.id = e.engineer_id left join users k on k.id = ${backupId}
        where e.id = ${escalationId}`,
  )
  if (!row) return
  const called = row.backup ? `${row.backup} is called in next.` : 'Nobody else could be called in.'
  await queueChatAlert(
    db,
    row.team_slug,
    'escalation_breached',
    {
      text: `Response target missed: “${row.title}” (${row.engineer ?? 'unassigned'}). ${called}`,
      lines: [`*Response target missed*: “${row.title}”`, `Due ${when(row.response_due_at)}, escalated to ${row.engineer ?? 'nobody'}`, called],
      link: { label: 'Open the item', path: `/queue/items/${row.item_id}` },
    },
    now,
  )
}

/** An item missed an SLA target. */
export async function alertSlaBreach(db: Db, itemId: number, target: string, now: Date): Promise<void> {
  const [row] = await queryRows<{ team_slug: string; title: string; assignee: string | null }>(
    db,
    sql`select i.team_slug, i.title, u.display_name as assignee from queue_items i left join users u on u.id = i.assignee_id where i.id = ${itemId}`,
  )
  if (!row) return
  await queueChatAlert(
    db,
    row.team_slug,
    'sla_breached',
    {
      text: `SLA breached: the ${target} target of “${row.title}” was missed.`,
      lines: [`*SLA breached*: the ${target} target of “${row.title}” was missed.`, `Assignee: ${row.assignee ?? 'nobody'}`],
      link: { label: 'Open the item', path: `/queue/items/${itemId}` },
    },
    now,
  )
}

/** A shift handover: the published handoff, what the team should prioritise. */
export async function alertHandoff(db: Db, handoffId: number, nextEngineerId: number | null, now: Date): Promise<void> {
  const [row] = await queryRows<{ team_slug: string; name: string; engineer: string | null; next: string | null; priorities: string }>(
    db,
    sql`select r.team_slug, r.name, u.display_name as engineer, n.display_name as next, h.priorities
        from handoffs h join rotations r on r.id = h.rotation_id left join users u on u.id = h.engineer_id left join users n on n.id = ${nextEngineerId}
        where h.id = ${handoffId}`,
  )
  if (!row) return
  await queueChatAlert(
    db,
    row.team_slug,
    'handoff_published',
    {
      text: `Shift handover on ${row.name}: ${row.engineer ?? 'the engineer'} hands over${row.next ? ` to ${row.next}` : ''}.`,
      lines: [
        `*Shift handover* on ${row.name}: ${row.engineer ?? 'the engineer'} hands over${row.next ? ` to ${row.next}` : ''}.`,
        ...(row.priorities.trim() ? [`Priorities: ${row.priorities.trim().slice(0, 2500)}`] : []),
      ],
      link: { label: 'Read the handoff', path: `/handoffs/${handoffId}` },
    },
    now,
  )
}

/** One attempt of a chat alert; retried on the webhook schedule, then given up. */
export async function deliverChatAlert(db: Db, payload: ChatAlertPayload, now: Date, options: { publicUrl: string; timeoutMs?: number; connections?: KeptConnections }): Promise<void> {
  const [alert] = await queryRows<{ id: number; team_slug: string; url: string; body: ChatMessage; state: string; attempts: number }>(
    db,
    sql`select a.id::int as id, a.team_slug, a.url, a.body, a.state, a.attempts from chat_alerts a where a.id = ${payload.alertId}`,
  )
  if (!alert || alert.state !== 'pending') return
  const [team] = await queryRows<{ chat_allow_private_network: boolean }>(db, sql`select chat_allow_private_network from teams where slug = ${alert.team_slug}`)
  let status: number | null = null
  let error: string | null = null
  try {
    const result = await guardedPost(alert.url, JSON.stringify(chatBody(alert.body, options.publicUrl)), {}, {
      allowPrivateNetwork: team?.chat_allow_private_network ?? false,
      timeoutMs: options.timeoutMs,
      connections: options.connections,
    })
    status = result.status
    if (status < 200 || status > 299) error = `Answered ${status}.`
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught)
  }
  const attempt = alert.attempts + 1
  const delay = error ? WEBHOOK_RETRY_DELAYS_MS[attempt - 1] : undefined
  const state = !error ? 'delivered' : delay === undefined ? 'failed' : 'pending'
  await db.transaction(async (tx) => {
    const db = tx as unknown as Db
    await db.execute(sql`
      update chat_alerts set state = ${state}, attempts = ${attempt}, response_status = ${status}, error = ${error?.slice(0, 2000) ?? null},
        delivered_at = ${state === 'delivered' ? now.toISOString() : null}::timestamptz
      where id = ${alert.id}`)
    if (state === 'pending')
      await enqueue(db, { topic: CHAT_DELIVER, key: `chat:${alert.id}`, payload, dueAt: new Date(now.getTime() + delay!), onConflict: 'replace' })
  })
}
