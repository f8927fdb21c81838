import { eq } from 'drizzle-orm'
import type { z } from 'zod'
import { inTransaction, type VerbArgs } from '../ctx'
import { users } from '../db/schema'
import { RateLimitedError } from '../errors'
import { queueMail, renderMail } from '../mail'
import { parseInput } from '../validation'
import { issueActionToken, requireMailSettings } from './action-tokens'
import { hitRateLimit } from './rate-limit'
import { RequestPasswordResetInput } from './schemas'

export const SIGN_IN_LINK_LIFETIME_MS = 15 * 60 * 1000
export const SIGN_IN_LINKS_PER_ADDRESS = { limit: 5, windowMs: 60 * 60 * 1000 }
export const SIGN_IN_LINKS_PER_IP = { limit: 20, windowMs: 60 * 60 * 1000 }

/**
 * Mails a single-use sign-in link (15 minutes) when the address has an account, and does nothing
 * visible otherwise: the page answers the same either way. It is the owner's way in while a
 * guesser has password sign-in paused for their account. Sent through the outbox.
 */
export async function requestSignInLink({ ctx, input }: VerbArgs<z.input<typeof RequestPasswordResetInput>>): Promise<void> {
  const settings = requireMailSettings(ctx, 'send a sign-in link')
  const data = parseInput(RequestPasswordResetInput, input)
  const now = ctx.now()
  const perIp = await hitRateLimit(ctx.db, `sign-in-link:ip:${data.clientIp}`, SIGN_IN_LINKS_PER_IP, now)
  if (!perIp.allowed) throw new RateLimitedError(perIp.retryAfterSeconds)
  const perAddress = await hitRateLimit(ctx.db, `sign-in-link:address:${data.email}`, SIGN_IN_LINKS_PER_ADDRESS, now)
  if (!perAddress.allowed) throw new RateLimitedError(perAddress.retryAfterSeconds)

  await inTransaction(ctx, async ({ db }) => {
    const [user] = await db
      .select({ id: users.id, email: users.email, displayName: users.displayName, deletedAt: users.deletedAt })
      .from(users)
      .where(eq(users.email, data.email))
      .for('update')
    if (!user || user.deletedAt) return
    const link = await issueActionToken(db, { purpose: 'sign_in_link', userId: user.id, data: { email: user.email }, lifetimeMs: SIGN_IN_LINK_LIFETIME_MS, now })
    const { text, html } = renderMail(
      {
        heading: `Sign in to ${settings.siteName}`,
        paragraphs: [
          `Someone (we hope you) asked for a link to sign in to ${settings.siteName} as ${user.email}.`,
          'The link works once, for 15 minutes, and signs you in without your password.',
          'If you did not ask for it, ignore this mail: nobody can use it without access to your mailbox.',
        ],
        actions: [{ label: 'Sign me in', url: `${settings.publicUrl}/login/link/${link.token}` }],
        footer: { reason: 'You get this mail because a sign-in link was requested for this address.' },
      },
      settings,
    )
    await queueMail(
      db,
      { kind: 'sign_in_link', eventKey: `sign_in_link:${link.id}`, to: { address: user.email, userId: user.id, name: user.displayName }, subject: `Your sign-in link for ${settings.siteName}`, text, html },
      settings,
      now,
    )
  })
}
