import { eq } from 'drizzle-orm'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { inTransaction, type Actor, type Ctx, type VerbArgs } from '../ctx'
import type { Db } from '../db/client'
import { inboundMails, inboundStatuses, users } from '../db/schema'
import { DomainError, ForbiddenError, ValidationError } from '../errors'
import { postReply } from '../forum'
import { findReplyAddress, parseReplyAddress, type MailSettings, type ReplyAddress } from '../mail'
import { addInternalNote, replyToItem } from '../queue'
import { requireAccountOpen } from '../safety'
import { autoReplyReason, bounceOf, type MailHeaders } from './classify-inbound-mail'
import { mailTextToMarkdown } from './mail-text-to-markdown'
import { markMailFailing } from './mark-mail-failing'
import { stripQuotedText } from './strip-quoted-text'

export type InboundStatus = (typeof inboundStatuses)[number]

export interface InboundMailInput {
  /** The whole message as received (RFC 822). */
  raw: Buffer | string
  via: 'smtp' | 'http'
  /** The SMTP envelope when the mail came by SMTP: MAIL FROM ('' for the null sender of a bounce) and RCPT TO. */
  envelope?: { mailFrom: string; rcptTo: string[] }
}

export interface InboundOutcome {
  id: number
  status: InboundStatus
  reason: string | null
  replyId: number | null
  /** This Message-ID was handled before; nothing was done this time. */
  duplicate: boolean
}

/** Bounces quote the returned message; its headers are all a report needs, near the top. */
const SCAN_BYTES = 256 * 1024

/**
 * One mail to one of our addresses, by SMTP or by a provider's webhook: a reply becomes a post as
 * the person the address was issued to (a public reply on the thread, a reply on the item, or an
 * internal note), with the quoted mail and the signature left out. Forged, unknown and expired
 * addresses, a sender other than the address's person, automatic replies, bounces and empty
 * replies are recorded in inbound_mails and never posted. A Message-ID is handled once.
 *
 * The caller is the transport (the SMTP listener, or the webhook after its secret checked out);
 * who may do what is decided by the verb that posts, acting as the person.
 */
export async function receiveInboundMail({ ctx, input }: VerbArgs<InboundMailInput>): Promise<InboundOutcome> {
  const settings = ctx.mail
  if (!settings) throw new Error('receiveInboundMail needs ctx.mail (the mail settings).')
  const mail = await simpleParser(input.raw, { skipImageLinks: true, skipTextLinks: true })
  const headers = headersOf(mail)
  const recipients = input.envelope?.rcptTo ?? recipientsOf(mail, headers)
  const recipient = recipients.find((address) => parseReplyAddress(address, settings)) ?? recipients[0] ?? ''
  const fromAddress = mail.from?.value[0]?.address?.toLowerCase() ?? input.envelope?.mailFrom ?? ''
  const subject = (mail.subject ?? '').slice(0, 500)
  const now = ctx.now()

  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(inboundMails)
      .values({ via: input.via, fromAddress, toAddress: recipient, subject, messageId: mail.messageId ?? null, status: 'refused', reason: 'being handled', receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: inboundMails.id })
    if (!row) {
      // The provider (or a relay) delivered it again: the first delivery decided.
      const [first] = await tx.db.select().from(inboundMails).where(eq(inboundMails.messageId, mail.messageId!))
      return { id: first!.id, status: first!.status, reason: first!.reason, replyId: first!.replyId, duplicate: true }
    }
    const outcome = await decide(tx, { mail, headers, raw: input.raw, envelope: input.envelope, recipient, fromAddress, settings, now })
    await tx.db
      .update(inboundMails)
      .set({ status: outcome.status, reason: outcome.reason, userId: outcome.userId, replyId: outcome.replyId })
      .where(eq(inboundMails.id, row.id))
    return { id: row.id, status: outcome.status, reason: outcome.reason, replyId: outcome.replyId, duplicate: false }
  })
}

interface Decision {
  status: InboundStatus
  reason: string | null
  userId: number | null
  replyId: number | null
}

const refused = (reason: string, userId: number | null = null): Decision => ({ status: 'refused', reason, userId, replyId: null })

async function decide(
  tx: Ctx,
  message: {
    mail: ParsedMail
    headers: MailHeaders
    raw: Buffer | string
    envelope: InboundMailInput['envelope']
    recipient: string
    fromAddress: string
    settings: MailSettings
    now: Date
  },
): Promise<Decision> {
  const { mail, headers, settings, now } = message
  const raw = typeof message.raw === 'string' ? message.raw.slice(0, SCAN_BYTES) : message.raw.subarray(0, SCAN_BYTES).toString('utf8')
  const bounce = bounceOf(headers, raw, message.envelope ? message.envelope.mailFrom : null)
  if (bounce) {
    const userId = await markMailFailing(tx.db, bounce, now)
    const about = userId ? (bounce.permanent ? 'the address is marked as failing' : 'delivery is only delayed, so the address is not marked') : 'it matches none of our mails'
    return { status: 'bounce', reason: `Bounce (${bounce.diagnostic}); ${about}.`, userId, replyId: null }
  }
  const auto = autoReplyReason(headers, mail.subject ?? '')
  if (auto) return { status: 'auto_reply', reason: `An automatic reply (${auto}), not posted.`, userId: null, replyId: null }

  const found = await findReplyAddress(tx.db, message.recipient, settings, now)
  if (!found.ok) return refused(found.reason)
  const address = found.address
  const [person] = await tx.db
    .select({ id: users.id, role: users.role, displayName: users.displayName, email: users.email, organisationId: users.organisationId })
    .from(users)
    .where(eq(users.id, address.userId))
  if (!person) return refused('The person this reply address was issued to no longer exists.')
  // The token is the secret; the sender check stops a forwarded notification from posting as its recipient.
  if (message.fromAddress !== person.email)
    return refused(`Sent from ${message.fromAddress || 'no address'}, not from the address this reply address was issued to; a forwarded mail is not posted.`, person.id)
  // A removed or suspended account posts nothing by mail either (a silenced one is refused by the verb that posts).
  try {
    await requireAccountOpen(tx.db, person.id, now)
  } catch (error) {
    if (error instanceof ForbiddenError) return refused(`Not posted: ${error.message}`, person.id)
    throw error
  }

  const text = stripQuotedText(mail.text ?? '')
  if (!text) return refused('Nothing was left after removing the quoted mail and the signature.', person.id)
  return post(tx, person, address, mailTextToMarkdown(text))
}

/** Posts as the person, in a savepoint: a refusal by the domain leaves nothing behind but the record. */
async function post(tx: Ctx, actor: Actor, address: ReplyAddress, body: string): Promise<Decision> {
  try {
    return await tx.db.transaction(async (savepoint) => {
      const ctx: Ctx = { ...tx, actor, db: savepoint as unknown as Db }
      if (address.asNote) {
        await addInternalNote({ ctx, input: { itemId: String(address.itemId ?? ''), body } })
        return { status: 'noted' as const, reason: null, userId: actor.id, replyId: null }
      }
      const reply = address.itemId
        ? await replyToItem({ ctx, input: { itemId: String(address.itemId), body, then: 'keep' } })
        : await postReply({ ctx, input: { threadId: String(address.threadId), body } }).then((posted) => ({ replyId: posted.id }))
      return { status: 'posted' as const, reason: null, userId: actor.id, replyId: reply.replyId }
    })
  } catch (error) {
    if (!(error instanceof DomainError)) throw error
    const detail = error instanceof ValidationError ? Object.values(error.fields).join(' ') || error.message : error.message
    return refused(`Not posted: ${detail}`, actor.id)
  }
}

/** Header lines as they came, unfolded, by lower-case name (the first of each). */
function headersOf(mail: ParsedMail): MailHeaders {
  const headers: MailHeaders = new Map()
  for (const { key, line } of mail.headerLines) {
    if (headers.has(key)) continue
    const unfolded = line.replace(/\r?\n[ \t]+/g, ' ')
    headers.set(key, unfolded.slice(unfolded.indexOf(':') + 1).trim())
  }
  return headers
}

/** Where a webhook's mail was addressed: the relay's envelope headers first, then To and Cc. */
function recipientsOf(mail: ParsedMail, headers: MailHeaders): string[] {
  const listed = (value: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(value) ? value : value ? [value] : []).flatMap((group) => group.value.map((entry) => entry.address ?? ''))
  const envelope = ['x-original-to', 'delivered-to', 'envelope-to', 'x-envelope-to'].map((name) => headers.get(name)?.replace(/^<|>$/g, '') ?? '')
  return [...envelope, ...listed(mail.to), ...listed(mail.cc)].map((address) => address.trim().toLowerCase()).filter((address) => address.includes('@'))
}
