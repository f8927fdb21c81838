import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import type { MailMode } from '../db/schema'
import type { MailSettings } from '../mail'
import { effectiveMode, isFixedTopic, topicKeyOf } from './kinds'
import { CSAT_LINK_LIFETIME_MS, FIX_LINK_LIFETIME_MS, issueMailToken, UNSUBSCRIBE_LIFETIME_MS } from './mail-tokens'

// What the mail channel asks before it writes a mail: does this person want this kind of mail
// now, and which links (unsubscribe, preferences, acting on a fix) does their mail carry.

/** The modes of these people, in one query: `modeOf(userId, kind)` answers for any notice kind. */
export async function mailModesOf(db: Db, userIds: number[]): Promise<(userId: number, kind: string) => MailMode> {
  const unique = [...new Set(userIds)]
  const rows = unique.length
    ? await queryRows<{ user_id: number; kind: string; mode: MailMode }>(
        db,
        sql`select user_id, kind, mode from mail_preferences where user_id = any(${`{${unique.join(',')}}`}::int[])`,
      )
    : []
  const stored = new Map(rows.map((row) => [`${row.user_id}:${row.kind}`, row.mode]))
  return (userId, kind) => {
    const topic = topicKeyOf(kind)
    return effectiveMode(topic, stored.get(`${userId}:${topic}`))
  }
}

export function preferencesUrl(settings: MailSettings): string {
  return `${settings.publicUrl}/account/notifications`
}

/**
 * The footer links and the one-click unsubscribe URL of a non-essential mail of this kind
 * ("stop this kind of mail"). Paging is essential: it gets the preferences link only.
 */
export async function mailFooterLinks(
  db: Db,
  args: { userId: number; kind: string; now: Date },
  settings: MailSettings,
): Promise<{ unsubscribeUrl?: string; preferencesUrl: string }> {
  const topic = args.kind === 'digest' ? 'digest' : topicKeyOf(args.kind)
  if (isFixedTopic(topic)) return { preferencesUrl: preferencesUrl(settings) }
  const token = await issueMailToken(db, { purpose: 'unsubscribe', userId: args.userId, data: { kind: topic }, lifetimeMs: UNSUBSCRIBE_LIFETIME_MS, now: args.now })
  return { unsubscribeUrl: `${settings.publicUrl}/mail/unsubscribe/${token}`, preferencesUrl: preferencesUrl(settings) }
}

/**
 * "This solved it" and "Still broken" for the asker's fix mail: signed, single-use links to a
 * confirm page (a GET changes nothing; mail scanners fetch links), valid 14 days.
 */
export async function issueFixLinks(
  db: Db,
  args: { userId: number; loopReplyId: number; now: Date },
  settings: MailSettings,
): Promise<{ label: string; url: string }[]> {
  const link = async (purpose: 'fix_solved' | 'fix_still_broken') =>
    `${settings.publicUrl}/mail/fix/${await issueMailToken(db, { purpose, userId: args.userId, data: { loopReplyId: args.loopReplyId }, lifetimeMs: FIX_LINK_LIFETIME_MS, now: args.now })}`
  return [
    { label: 'This solved it', url: await link('fix_solved') },
    { label: 'Still broken', url: await link('fix_still_broken') },
  ]
}

/**
 * The rating page of a CSAT mail for its asker: one signed, single-use link (30 days) to a page
 * that works without signing in; `?rating=N` only preselects a rating there (a GET changes nothing).
 */
export async function issueCsatLink(db: Db, args: { userId: number; csatRequestId: number; now: Date }, settings: MailSettings): Promise<string> {
  const token = await issueMailToken(db, { purpose: 'csat', userId: args.userId, data: { csatRequestId: args.csatRequestId }, lifetimeMs: CSAT_LINK_LIFETIME_MS, now: args.now })
  return `${settings.publicUrl}/csat/${token}`
}
