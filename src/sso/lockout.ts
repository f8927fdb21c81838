import { and, eq, sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { signInSettings, ssoProviders, userIdentities } from '../db/schema'
import { ConflictError } from '../errors'

/**
 * With passwords off (or required SSO for staff), the admin changing things must keep a way in:
 * an enabled provider linked to their own account. Checked inside the change's transaction, after
 * it, so a provider deleted or disabled in the same change counts as gone. ALLOW_PASSWORD_SIGN_IN
 * is the way back in for everyone else, and makes this check unnecessary.
 */
export async function assertSomeoneCanSignIn(ctx: Ctx): Promise<void> {
  if (ctx.passwordSignInOverride || !ctx.actor) return
  const [policy] = await ctx.db.select().from(signInSettings).where(eq(signInSettings.id, 1))
  const passwordsLimited = policy && (!policy.passwordSignInEnabled || policy.staffRequireSso)
  if (!passwordsLimited) return
  const [linked] = await ctx.db
    .select({ count: sql<number>`count(*)::int` })
    .from(userIdentities)
    .innerJoin(ssoProviders, eq(ssoProviders.id, userIdentities.providerId))
    .where(and(eq(userIdentities.userId, ctx.actor.id), eq(ssoProviders.enabled, true)))
  if (!linked || linked.count === 0)
    throw new ConflictError(
      'This would leave you no way to sign in: passwords are limited and none of your linked sign-ins would work. Link an enabled provider to your account first (Account → Sign-in), or set ALLOW_PASSWORD_SIGN_IN=1.',
    )
}
