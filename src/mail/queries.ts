import { and, desc, eq, inArray, isNotNull, lt, or } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import type { Ctx } from '../ctx'
import { mailMessages, users, type MailStatus } from '../db/schema'
import { NotFoundError } from '../errors'

// Read models of /admin/mail: what the forum sent (or kept, with no SMTP server), newest first.

export const MAIL_PAGE_SIZE = 50

export interface MailListRow {
  id: number
  kind: string
  toAddress: string
  subject: string
  status: MailStatus
  attempts: number
  lastError: string | null
  createdAt: Date
  sentAt: Date | null
}

/** Where the next page starts: the last row's (created_at, id), as "<ms>.<id>" in the link. */
export interface MailCursor {
  createdAt: Date
  id: number
}

export function parseMailCursor(value: string | undefined): MailCursor | null {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(value ?? '')
  return match ? { createdAt: new Date(Number(match[1])), id: Number(match[2]) } : null
}

export function mailCursorParam(cursor: MailCursor): string {
  return `${cursor.createdAt.getTime()}.${cursor.id}`
}

const listColumns = {
  id: mailMessages.id,
  kind: mailMessages.kind,
  toAddress: mailMessages.toAddress,
  subject: mailMessages.subject,
  status: mailMessages.status,
  attempts: mailMessages.attempts,
  lastError: mailMessages.lastError,
  createdAt: mailMessages.createdAt,
  sentAt: mailMessages.sentAt,
}

/** The newest mails first, a keyset page at a time (stable while new mail arrives). */
export async function listMail(ctx: Ctx, { before = null }: { before?: MailCursor | null } = {}): Promise<{ mails: MailListRow[]; next: MailCursor | null }> {
  requireAdmin(ctx, 'read the mail the forum sends')
  const rows = await ctx.db
    .select(listColumns)
    .from(mailMessages)
    // Served by mail_messages_created_idx (created_at desc, id desc).
    .where(before ? or(lt(mailMessages.createdAt, before.createdAt), and(eq(mailMessages.createdAt, before.createdAt), lt(mailMessages.id, before.id))) : undefined)
    .orderBy(desc(mailMessages.createdAt), desc(mailMessages.id))
    .limit(MAIL_PAGE_SIZE + 1)
  const mails = rows.slice(0, MAIL_PAGE_SIZE)
  const last = mails[mails.length - 1]
  return { mails, next: rows.length > MAIL_PAGE_SIZE && last ? { createdAt: last.createdAt, id: last.id } : null }
}

export interface MailView extends MailListRow {
  fromAddress: string
  replyTo: string | null
  headers: Record<string, string>
  textBody: string
  htmlBody: string
  userId: number | null
  userName: string | null
}

/** One mail as it was (or would have been) sent: its headers and both parts. */
export async function getMail(ctx: Ctx, mailId: number): Promise<MailView> {
  requireAdmin(ctx, 'read the mail the forum sends')
  const [row] = await ctx.db
    .select({
      ...listColumns,
      fromAddress: mailMessages.fromAddress,
      replyTo: mailMessages.replyTo,
      headers: mailMessages.headers,
      textBody: mailMessages.textBody,
      htmlBody: mailMessages.htmlBody,
      userId: mailMessages.userId,
      userName: users.displayName,
    })
    .from(mailMessages)
    .leftJoin(users, eq(users.id, mailMessages.userId))
    .where(eq(mailMessages.id, mailId))
  if (!row) throw new NotFoundError('That mail')
  return row
}

export interface PersonMail {
  /** Set when mail to the address bounced: since when it fails. */
  failingSince: Date | null
  recent: MailListRow[]
}

/** A person's mail on their admin page: whether their address fails, and their latest mails. */
export async function getPersonMail(ctx: Ctx, userId: number): Promise<PersonMail> {
  requireAdmin(ctx, 'read the mail the forum sends')
  const [[person], recent] = await Promise.all([
    ctx.db.select({ failingSince: users.mailFailingAt }).from(users).where(eq(users.id, userId)),
    // Served by mail_messages_user_idx (user_id, created_at desc).
    ctx.db.select(listColumns).from(mailMessages).where(eq(mailMessages.userId, userId)).orderBy(desc(mailMessages.createdAt), desc(mailMessages.id)).limit(10),
  ])
  if (!person) throw new NotFoundError('That person')
  return { failingSince: person.failingSince, recent }
}

/** Of these people, whose mail fails and since when (the people list marks them). */
export async function getFailingAddresses(ctx: Ctx, userIds: number[]): Promise<Map<number, Date>> {
  requireAdmin(ctx, 'see the list of people')
  if (userIds.length === 0) return new Map()
  const rows = await ctx.db
    .select({ id: users.id, since: users.mailFailingAt })
    .from(users)
    .where(and(inArray(users.id, userIds), isNotNull(users.mailFailingAt)))
  return new Map(rows.map((row) => [row.id, row.since!]))
}
