import { and, desc, eq, gt, inArray, isNull } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { mailMessages, queueItems, replyAddresses } from '../../db/schema'
import type { MailSettings } from '../settings'
import { formatReplyAddress, generateReplyToken, hashReplyToken, REPLY_ADDRESS_LIFETIME_MS, type ReplyAddressKind } from './reply-address'

export interface ReplyTarget {
  userId: number
  /** A reply becomes a public reply on this thread (as the person). */
  threadId?: number | null
  /** Staff mail about an item: a reply goes to the item (replyToItem), or is a note (asNote). */
  itemId?: number | null
  asNote?: boolean
}

/** How many of a person's latest mails are searched for an address to reuse. */
const RECENT_MAILS = 30
/** An address is reused only while it has at least this long to live, so a late reply still lands. */
const REUSE_WHILE_LEFT_MS = REPLY_ADDRESS_LIFETIME_MS / 2

/**
 * The reply address of one person for one thread (or item, or item note): the one their recent
 * mails already carry while it has half its 180 days left, else a new one. Only the token's hash
 * is stored, so the token to reuse is read back from the mails we sent (reply_to, and the footer
 * for note addresses); a candidate counts only if its row is this person's, for this target.
 */
export async function issueReplyAddress(db: Db, target: ReplyTarget, settings: MailSettings, now: Date): Promise<string> {
  const kind: ReplyAddressKind = target.asNote ? 'note' : 'reply'
  const threadId = target.itemId ? null : (target.threadId ?? null)
  const itemId = target.itemId ?? null
  const recent = await db
    .select({ replyTo: mailMessages.replyTo, text: mailMessages.textBody })
    .from(mailMessages)
    .where(eq(mailMessages.userId, target.userId))
    .orderBy(desc(mailMessages.createdAt), desc(mailMessages.id))
    .limit(RECENT_MAILS)
  const pattern = new RegExp(`\\b${kind}\\+([a-z2-7]{32})@`, 'g')
  const tokens = [...new Set(recent.flatMap((mail) => [...(kind === 'note' ? mail.text : (mail.replyTo ?? '')).matchAll(pattern)].map((match) => match[1]!)))]
  if (tokens.length > 0) {
    const byHash = new Map(tokens.map((token) => [hashReplyToken(token), token]))
    const [reusable] = await db
      .select({ tokenHash: replyAddresses.tokenHash })
      .from(replyAddresses)
      .where(
        and(
          inArray(replyAddresses.tokenHash, [...byHash.keys()]),
          eq(replyAddresses.userId, target.userId),
          threadId === null ? isNull(replyAddresses.threadId) : eq(replyAddresses.threadId, threadId),
          itemId === null ? isNull(replyAddresses.itemId) : eq(replyAddresses.itemId, itemId),
          eq(replyAddresses.asNote, kind === 'note'),
          gt(replyAddresses.expiresAt, new Date(now.getTime() + REUSE_WHILE_LEFT_MS)),
        ),
      )
      .orderBy(desc(replyAddresses.expiresAt))
      .limit(1)
    if (reusable) return formatReplyAddress(kind, byHash.get(reusable.tokenHash)!, settings)
  }
  const token = generateReplyToken()
  await db.insert(replyAddresses).values({
    tokenHash: hashReplyToken(token),
    userId: target.userId,
    threadId,
    itemId,
    asNote: kind === 'note',
    expiresAt: new Date(now.getTime() + REPLY_ADDRESS_LIFETIME_MS),
    createdAt: now,
  })
  return formatReplyAddress(kind, token, settings)
}

/**
 * The Reply-To of a notification mail and the footer line that explains it, or null when reply by
 * mail is off (no inbound SMTP port or webhook secret: replies would go nowhere) or the mail is
 * about neither a thread nor an item. Staff mail about an item gets the item's address and a
 * second one for an internal note; an item without a public thread takes notes only.
 */
export async function replyToOf(
  db: Db,
  notice: { userId: number; threadId: number | null; itemId: number | null },
  settings: MailSettings,
  now: Date,
): Promise<{ replyTo: string; hint: string } | null> {
  if (!settings.replyByMail) return null
  if (notice.itemId) {
    const note = await issueReplyAddress(db, { userId: notice.userId, itemId: notice.itemId, asNote: true }, settings, now)
    const [item] = await db.select({ threadId: queueItems.threadId }).from(queueItems).where(eq(queueItems.id, notice.itemId))
    if (!item?.threadId) return { replyTo: note, hint: `Reply to this mail to add an internal note to item #${notice.itemId}.` }
    const reply = await issueReplyAddress(db, { userId: notice.userId, itemId: notice.itemId }, settings, now)
    return { replyTo: reply, hint: `Reply to this mail to answer publicly on the thread, or reply to ${note} to add an internal note instead.` }
  }
  if (!notice.threadId) return null
  const reply = await issueReplyAddress(db, { userId: notice.userId, threadId: notice.threadId }, settings, now)
  return { replyTo: reply, hint: 'Reply to this mail to answer on the thread (the quoted mail is left out).' }
}
