import { and, eq } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import type { Db } from '../db/client'
import { signInSettings, ssoProviders, type Role } from '../db/schema'
import { ForbiddenError } from '../errors'
import { isStaff } from '../policy'

export interface SignInPolicy {
  /** Anyone may sign in (and up) with a password. */
  passwordSignIn: boolean
  /** Support, engineers and admins must come through a provider. */
  staffRequireSso: boolean
  /** ALLOW_PASSWORD_SIGN_IN is set: the two switches above are ignored for passwords (a way back in). */
  overridden: boolean
}

/**
 * The sign-in policy admins set at /admin/sso (the sso domain writes sign_in_settings; this only
 * reads it). `ctx.passwordSignInOverride` (ALLOW_PASSWORD_SIGN_IN) lets passwords in whatever the
 * settings say, so an identity provider that is down or misconfigured never locks every admin out.
 */
export async function getSignInPolicy(ctx: Pick<Ctx, 'db' | 'passwordSignInOverride'>): Promise<SignInPolicy> {
  const [row] = await ctx.db.select().from(signInSettings).where(eq(signInSettings.id, 1))
  return {
    passwordSignIn: row?.passwordSignInEnabled ?? true,
    staffRequireSso: row?.staffRequireSso ?? false,
    overridden: Boolean(ctx.passwordSignInOverride),
  }
}

async function enabledProviderNames(db: Db): Promise<string> {
  const rows = await db.select({ name: ssoProviders.name }).from(ssoProviders).where(and(eq(ssoProviders.enabled, true)))
  return rows.map((row) => row.name).join(' or ') || 'single sign-on'
}

/**
 * Refuses a password when the policy says so: for everyone when password sign-in is off, and for
 * staff when they must use SSO. `role` null means "not known yet" (sign-up, or before the
 * password is checked), which only the everyone-switch can refuse.
 */
export async function requirePasswordAllowed(ctx: Pick<Ctx, 'db' | 'passwordSignInOverride'>, role: Role | null): Promise<void> {
  const policy = await getSignInPolicy(ctx)
  if (policy.overridden) return
  if (!policy.passwordSignIn)
    throw new ForbiddenError(`Passwords are turned off here. Sign in with ${await enabledProviderNames(ctx.db)}.`)
  if (role && policy.staffRequireSso && isStaff({ role }))
    throw new ForbiddenError(`Staff sign in with ${await enabledProviderNames(ctx.db)}, not a password.`)
}
