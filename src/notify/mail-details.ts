import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import type { MailContent, MailSettings } from '../mail'
import { issueFixLinks } from '../mail-preferences'

// What a notice's mail says beyond the notice itself, read when the mail is composed: the
// reproduction an engineer needs to act on an escalation without opening the app, the customer's
// words for the assignee, the release a fix ships in. Staff-only facts are read here only for
// staff mails; customers' mails take nothing from this file but the release and the fix's buttons.

type Fact = NonNullable<MailContent['facts']>[number]

interface EscalationRow {
  customer_did: string
  what_happened: string
  expected: string
  logs: string
  account: string
  frequency: string
  customers_affected: string
  response_due_at: string
  created_at: string
  timezone: string | null
  escalated_by: string | null
  engineer: string | null
}

/** The reproduction and the response target of an item's latest escalation, as an engineer reads it. */
export async function escalationFacts(db: Db, itemId: number): Promise<Fact[]> {
  const [row] = await queryRows<EscalationRow>(
    db,
    sql`
      select e.customer_did, e.what_happened, e.expected, e.logs, e.account, e.frequency, e.customers_affected,
        e.response_due_at::text, e.created_at::text, r.timezone, b.display_name as escalated_by, g.display_name as engineer
      from escalations e
      left join rotations r on r.id = e.rotation_id
      left join users b on b.id = e.escalated_by_id
      left join users g on g.id = e.engineer_id
      where e.item_id = ${itemId}
      order by e.id desc
      limit 1`,
  )
  if (!row) return []
  const due = new Date(row.response_due_at)
  const hours = Math.round((due.getTime() - new Date(row.created_at).getTime()) / 3_600_000)
  return [
    { label: 'Respond by', value: `${formatInstant(due, row.timezone ?? 'UTC')} (within ${hours} hours of the escalation)` },
    ...(row.escalated_by ? [{ label: 'Escalated by', value: row.escalated_by }] : []),
    { label: 'What the customer did', value: row.customer_did },
    { label: 'What happened', value: row.what_happened },
    { label: 'What should have happened', value: row.expected },
    { label: 'Logs or links', value: row.logs, preformatted: true },
    { label: 'Account / organisation', value: row.account },
    { label: 'How often', value: row.frequency },
    { label: 'How many customers', value: row.customers_affected },
  ]
}

/** The customer's reply an assignee is told of (staff may read every reply, hidden or not). */
export async function replyPost(db: Db, replyId: number): Promise<MailContent['post'] | null> {
  const [post] = await queryRows<{ author_name: string; body_html: string; body_text: string }>(
    db,
    sql`select u.display_name as author_name, r.body_html, r.body_text from replies r join users u on u.id = r.author_id where r.id = ${replyId}`,
  )
  return post ? { authorName: post.author_name, html: post.body_html, text: post.body_text } : null
}

/** The latest sent "fixed" reply on a thread: which release ships the fix, and which loop reply to confirm. */
export async function fixOfThread(db: Db, threadId: number): Promise<{ loopReplyId: number; release: string | null } | null> {
  const [row] = await queryRows<{ id: number; release: string | null }>(
    db,
    sql`
      select l.id, e.release from loop_replies l left join escalations e on e.id = l.escalation_id
      where l.thread_id = ${threadId} and l.kind = 'fixed' and l.sent_at is not null
      order by l.sent_at desc, l.id desc
      limit 1`,
  )
  return row ? { loopReplyId: row.id, release: row.release } : null
}

/**
 * "This solved it" and "Still broken" in the fix mail, for the thread's asker (only they can
 * confirm): signed, single-use links (action_tokens: fix_solved / fix_still_broken, 14 days) to
 * a confirm page that works without signing in.
 */
export async function fixConfirmationActions(db: Db, args: { userId: number; loopReplyId: number; now: Date }, settings: MailSettings): Promise<MailContent['actions']> {
  return issueFixLinks(db, args, settings)
}

/** Where a staff notice about neither an item nor a thread is acted on. */
export function staffNoticeLink(kind: string, settings: MailSettings): { label: string; url: string } {
  if (kind === 'review_waiting') return { label: 'Open the review queue', url: `${settings.publicUrl}/review` }
  if (kind.startsWith('handoff_')) return { label: 'Open the handoffs', url: `${settings.publicUrl}/handoffs` }
  if (kind.startsWith('swap_') || kind === 'shift_starting') return { label: 'Open the rotations', url: `${settings.publicUrl}/rotations` }
  return { label: 'Open your notifications', url: `${settings.publicUrl}/notifications` }
}

export function formatInstant(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)
  return `${text} (${timeZone})`
}
