import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { replyAddresses } from '../../db/schema'
import type { MailSettings } from '../settings'

// A notification's Reply-To: reply+<token>@<domain> for one person and one thread or item, and
// note+<token>@<domain> for an internal note on an item. The token is 160 random bits (base32);
// reply_addresses keeps only its SHA-256, so a leaked table posts nothing.

export const REPLY_ADDRESS_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000

export const replyAddressKinds = ['reply', 'note'] as const
export type ReplyAddressKind = (typeof replyAddressKinds)[number]

export type ReplyAddress = typeof replyAddresses.$inferSelect

/** 160 random bits, base32 (as auth's tokens; not imported from auth, which sends mail through this domain). */
export function generateReplyToken(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)))
}

/** Only this is stored. */
export function hashReplyToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)))
}

const LOCAL_PART = /^(reply|note)\+([a-z2-7]{32})$/

export function formatReplyAddress(kind: ReplyAddressKind, token: string, settings: Pick<MailSettings, 'domain'>): string {
  return `${kind}+${token}@${settings.domain}`
}

/** The kind and token of one of our reply addresses, or null for any other address. */
export function parseReplyAddress(address: string, settings: Pick<MailSettings, 'domain'>): { kind: ReplyAddressKind; token: string } | null {
  const at = address.lastIndexOf('@')
  if (at < 0 || address.slice(at + 1).toLowerCase() !== settings.domain.toLowerCase()) return null
  // Some relays upper-case the local part; base32 tokens are lower case, so nothing is lost.
  const match = LOCAL_PART.exec(address.slice(0, at).toLowerCase())
  return match ? { kind: match[1] as ReplyAddressKind, token: match[2]! } : null
}

export type ReplyAddressLookup = { ok: true; address: ReplyAddress; kind: ReplyAddressKind } | { ok: false; reason: string }

/**
 * The reply address a recipient stands for, if it is one we issued, of the kind it claims, and
 * still valid. The reason says why not, in words an admin reading /admin/mail understands.
 */
export async function findReplyAddress(db: Db, recipient: string, settings: Pick<MailSettings, 'domain'>, now: Date): Promise<ReplyAddressLookup> {
  const parsed = parseReplyAddress(recipient, settings)
  if (!parsed) return { ok: false, reason: `${recipient} is not a reply address of this forum.` }
  const [address] = await db.select().from(replyAddresses).where(eq(replyAddresses.tokenHash, hashReplyToken(parsed.token)))
  if (!address) return { ok: false, reason: 'Unknown reply address: this token was never issued (forged or mistyped).' }
  // A reply token sent to note+ (or the reverse) was not issued for that: someone edited the address.
  if (address.asNote !== (parsed.kind === 'note')) return { ok: false, reason: `This token was issued for ${address.asNote ? 'notes' : 'replies'}, not ${parsed.kind === 'note' ? 'notes' : 'replies'}.` }
  if (address.expiresAt <= now) return { ok: false, reason: `This reply address expired on ${address.expiresAt.toISOString().slice(0, 10)}.` }
  return { ok: true, address, kind: parsed.kind }
}
