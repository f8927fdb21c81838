import { and, eq, lt } from 'drizzle-orm'
import * as oidc from 'openid-client'
import { hashToken, hitRateLimit } from '../auth'
import { inTransaction, type VerbArgs } from '../ctx'
import { ssoProviders, ssoSignInAttempts } from '../db/schema'
import { NotFoundError, RateLimitedError, UnavailableError } from '../errors'
import { requireSignedIn } from '../policy'
import { parseInput } from '../validation'
import { addressRefusalIn, providerAuthorizationUrl } from './provider-clients'
import { StartSsoInput } from './schemas'

/** How long a person has at the provider before the sign-in must start again. */
export const SSO_ATTEMPT_LIFETIME_MS = 10 * 60 * 1000

/** Each start writes a row and may ask the provider for its discovery document: generous for people, not for a flood. */
export const SSO_STARTS_PER_ADDRESS = { limit: 60, windowMs: 10 * 60 * 1000 }

/**
 * Starts a sign-in (or, with `link`, the linking of a provider to the signed-in person): fresh
 * state, PKCE verifier and nonce, kept on the server under the state's hash; the state also goes
 * to the browser (the route's cookie), so only the browser that started can finish.
 */
export async function startSsoSignIn({ ctx, input }: VerbArgs<StartSsoInput>): Promise<{ redirectTo: string; state: string; expiresAt: Date }> {
  const data = parseInput(StartSsoInput, input)
  const linkUser = data.link ? requireSignedIn(ctx, 'link a sign-in to your account') : null
  const perAddress = await hitRateLimit(ctx.db, `sso-start:ip:${ctx.clientIp ?? 'unknown'}`, SSO_STARTS_PER_ADDRESS, ctx.now())
  if (!perAddress.allowed) throw new RateLimitedError(perAddress.retryAfterSeconds)
  const [provider] = await ctx.db
    .select()
    .from(ssoProviders)
    .where(and(eq(ssoProviders.slug, data.slug), eq(ssoProviders.enabled, true)))
  if (!provider) throw new NotFoundError('That sign-in provider')
  const secrets = { state: oidc.randomState(), codeVerifier: oidc.randomPKCECodeVerifier(), nonce: oidc.randomNonce(), redirectUri: data.redirectUri }
  const now = ctx.now()
  let url: URL
  try {
    url = await providerAuthorizationUrl(provider, secrets, now.getTime(), { allowPrivateNetwork: Boolean(ctx.ssoPrivateNetwork) })
  } catch (error) {
    // An address the guard refuses will not start working by trying again: say what is wrong.
    const refused = addressRefusalIn(error)
    if (refused) throw new UnavailableError(`Sign-in through ${provider.name} is not possible: ${refused.message}.`)
    throw new UnavailableError(`${provider.name} cannot be reached just now, so sign-in through it cannot start. Please try again in a moment.`)
  }
  const expiresAt = new Date(now.getTime() + SSO_ATTEMPT_LIFETIME_MS)
  await inTransaction(ctx, async ({ db }) => {
    // Abandoned attempts go as new ones arrive (served by sso_sign_in_attempts_expires_idx).
    await db.delete(ssoSignInAttempts).where(lt(ssoSignInAttempts.expiresAt, now))
    await db.insert(ssoSignInAttempts).values({
      stateHash: hashToken(secrets.state),
      providerId: provider.id,
      codeVerifier: secrets.codeVerifier,
      nonce: secrets.nonce,
      returnTo: data.returnTo,
      linkUserId: linkUser?.id ?? null,
      expiresAt,
      createdAt: now,
    })
  })
  return { redirectTo: url.href, state: secrets.state, expiresAt }
}
