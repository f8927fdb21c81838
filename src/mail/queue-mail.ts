import { randomBytes } from 'node:crypto'
import type { Db } from '../db/client'
import { mailMessages } from '../db/schema'
import { enqueue, MAIL_DELIVER, type MailPayload } from '../outbox'
import type { MailSettings } from './settings'

export interface OutgoingMail {
  /** The event kind, which template made it. */
  kind: string
  /** With the recipient's address, what makes this mail unique: a second queueMail for it does nothing. */
  eventKey: string
  to: { address: string; userId: number | null; name?: string }
  subject: string
  text: string
  html: string
  /** Mails about one thread share a References root, so mail clients group them. */
  threadId?: number | null
  replyTo?: string
  /** Non-essential mail carries one-click unsubscribe (RFC 8058): the URL a POST unsubscribes at. */
  unsubscribeUrl?: string
  /** Extra headers (Auto-Submitted, X-Entity-Ref-ID…). */
  headers?: Record<string, string>
}

/** The Message-ID every mail about a thread refers to, so they group as one conversation. */
export function threadReference(threadId: number, settings: MailSettings): string {
  return `<thread-${threadId}@${settings.domain}>`
}

/**
 * Writes a mail and the outbox row that delivers it, in the caller's transaction: the mail goes
 * out if and only if the change that caused it commits. Returns the mail's id, or null when this
 * recipient already has the mail of this event (at-least-once callers mail nobody twice).
 */
export async function queueMail(db: Db, mail: OutgoingMail, settings: MailSettings, now: Date): Promise<number | null> {
  const messageId = `<${now.getTime().toString(36)}.${randomBytes(9).toString('base64url')}@${settings.domain}>`
  const headers: Record<string, string> = { 'Message-ID': messageId, ...mail.headers }
  if (mail.threadId) {
    headers['In-Reply-To'] = threadReference(mail.threadId, settings)
    headers.References = threadReference(mail.threadId, settings)
  }
  if (mail.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${mail.unsubscribeUrl}>`
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  const [row] = await db
    .insert(mailMessages)
    .values({
      kind: mail.kind,
      eventKey: mail.eventKey,
      userId: mail.to.userId,
      toAddress: mail.to.name ? `${quoteName(mail.to.name)} <${mail.to.address}>` : mail.to.address,
      fromAddress: settings.from,
      replyTo: mail.replyTo ?? null,
      subject: oneLine(mail.subject),
      textBody: mail.text,
      htmlBody: mail.html,
      headers,
      messageId,
      threadId: mail.threadId ?? null,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: mailMessages.id })
  if (!row) return null
  await enqueue(db, { topic: MAIL_DELIVER, key: `mail:${row.id}`, payload: { mailId: row.id } satisfies MailPayload, dueAt: now })
  return row.id
}

/** A display name as a quoted string, so a name with a comma or angle brackets stays one recipient. */
function quoteName(name: string): string {
  return `"${oneLine(name).replace(/["\\]/g, '\\$&')}"`
}

/** Header values are one line: a newline in a title must not start a header of its own. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim()
}
