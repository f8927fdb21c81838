import { and, eq, sql } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { mailPreferences } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { DIGEST_KIND, isFixedTopic, topicOf } from './kinds'
import { readMailToken } from './mail-tokens'
import { MailLinkInput } from './schemas'

/**
 * One-click unsubscribe (RFC 8058): the link's token is the authority, so no sign-in is asked.
 * It stops the kind of mail the link came with (the in-app notices stay). A token is reusable
 * for a year: a second POST (a provider retrying) answers the same. From a digest, it turns off
 * every topic the person held for the digest.
 */
export async function unsubscribeByToken({ ctx, input }: VerbArgs<MailLinkInput>): Promise<{ kind: string; label: string }> {
  // No actor to check: whoever holds the link acts for the person it was mailed to.
  const data = parseInput(MailLinkInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const token = await readMailToken(db, data.token, ['unsubscribe'], now)
    if (token.state === 'unknown') throw new NotFoundError('This unsubscribe link')
    if (token.state === 'expired') throw new ConflictError('This unsubscribe link has expired. Sign in and choose which mails you get on your notifications page.')
    const t = token as Exclude<typeof token, { state: 'unknown' }>
    const kind = String(t.data.kind ?? '')
    if (kind === DIGEST_KIND) {
      await db
        .update(mailPreferences)
        .set({ mode: 'never', updatedAt: now })
        .where(and(eq(mailPreferences.userId, t.userId), eq(mailPreferences.mode, 'digest')))
      return { kind, label: 'Digests' }
    }
    if (!kind || isFixedTopic(kind)) throw new NotFoundError('This unsubscribe link')
    await db
      .insert(mailPreferences)
      .values({ userId: t.userId, kind, mode: 'never', updatedAt: now })
      .onConflictDoUpdate({ target: [mailPreferences.userId, mailPreferences.kind], set: { mode: 'never', updatedAt: now }, setWhere: sql`${mailPreferences.mode} <> 'never'` })
    return { kind, label: topicOf(kind)?.label ?? kind }
  })
}
