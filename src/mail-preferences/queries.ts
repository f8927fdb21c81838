import { eq } from 'drizzle-orm'
import { isStaff, requireSignedIn } from '../policy'
import type { Ctx } from '../ctx'
import { mailDigests, mailPreferences, type MailMode } from '../db/schema'
import { DIGEST_KIND, effectiveMode, MAIL_TOPICS, topicOf } from './kinds'
import { readMailToken, type MailTokenState } from './mail-tokens'

export interface MailPreferenceRow {
  key: string
  label: string
  audience: 'everyone' | 'staff'
  modes: MailMode[]
  mode: MailMode
  /** Why this choice is fixed (paging), when it is. */
  fixed?: string
  hint?: string
}

export interface MailPreferencesView {
  topics: MailPreferenceRow[]
  frequency: 'daily' | 'weekly'
}

/** The viewer's page of mail choices: every topic they may hear of, with their current mode. */
export async function getMailPreferences(ctx: Ctx): Promise<MailPreferencesView> {
  const actor = requireSignedIn(ctx, 'choose which mails you get')
  const [stored, [digest]] = await Promise.all([
    ctx.db.select({ kind: mailPreferences.kind, mode: mailPreferences.mode }).from(mailPreferences).where(eq(mailPreferences.userId, actor.id)),
    ctx.db.select({ frequency: mailDigests.frequency }).from(mailDigests).where(eq(mailDigests.userId, actor.id)),
  ])
  const modes = new Map(stored.map((row) => [row.kind, row.mode]))
  return {
    topics: MAIL_TOPICS.filter((topic) => topic.audience === 'everyone' || isStaff(actor)).map((topic) => ({
      key: topic.key,
      label: topic.label,
      audience: topic.audience,
      modes: [...topic.modes],
      mode: effectiveMode(topic.key, modes.get(topic.key)),
      ...(topic.fixed ? { fixed: topic.fixed } : {}),
      ...(topic.hint ? { hint: topic.hint } : {}),
    })),
    frequency: digest?.frequency ?? 'daily',
  }
}

/** What an unsubscribe link would stop, for its confirm page (reading it changes nothing). */
export async function getUnsubscribeLink(ctx: Ctx, token: string): Promise<{ state: MailTokenState; label: string | null }> {
  const read = await readMailToken(ctx.db, token, ['unsubscribe'], ctx.now())
  if (read.state === 'unknown') return { state: 'unknown', label: null }
  const kind = String((read as { data: Record<string, unknown> }).data.kind ?? '')
  return { state: read.state, label: kind === DIGEST_KIND ? 'Digests (every topic you chose to get in a digest)' : (topicOf(kind)?.label ?? kind) }
}
