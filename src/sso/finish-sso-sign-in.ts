import { timingSafeEqual } from 'node:crypto'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import { createSession, hashToken, type IssuedSession } from '../auth'
import { inTransaction, type Ctx, type VerbArgs } from '../ctx'
import { organisationBindings, ssoProviders, ssoSignInAttempts, userIdentities, users, type SsoProvider } from '../db/schema'
import { ConflictError, ValidationError } from '../errors'
import { screenSignUp } from '../safety'
import { parseInput } from '../validation'
import { SsoSignInRefused } from './errors'
import { providerProfile, ProviderFlowError, type ProviderProfile } from './provider-clients'
import { FinishSsoInput } from './schemas'

/** Accounts made through a provider have no password; this is no argon2 hash, so no password matches it. */
export const NO_PASSWORD = '!sso-only'

export type FinishedSso =
  | ({ outcome: 'signed_in'; userId: number; created: boolean; returnTo: string } & IssuedSession)
  | { outcome: 'linked'; userId: number; returnTo: string }

function sameState(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Finishes a sign-in at the provider's callback: the state must be this browser's and unused,
 * then the code is traded (PKCE verifier, nonce checked), and the person is found by their
 * identity, else by a verified email (an unverified one never links to an existing account),
 * else created. A member without an organisation lands in the one bound to their email domain or
 * to the provider's organisation claim.
 */
export async function finishSsoSignIn({ ctx, input }: VerbArgs<FinishSsoInput>): Promise<FinishedSso> {
  const data = parseInput(FinishSsoInput, input)
  const callbackUrl = new URL(data.callbackUrl)
  const state = callbackUrl.searchParams.get('state') ?? ''
  if (!state || !data.browserState || !sameState(state, data.browserState))
    throw new SsoSignInRefused('This sign-in answer does not belong to this browser (it may have been forged, or started in another tab). Start the sign-in again.')
  const now = ctx.now()
  // Taken and deleted at once: a replayed callback finds nothing.
  const [attempt] = await ctx.db.delete(ssoSignInAttempts).where(eq(ssoSignInAttempts.stateHash, hashToken(state))).returning()
  if (!attempt || attempt.expiresAt.getTime() <= now.getTime()) throw new SsoSignInRefused('This sign-in has expired or was already used. Start it again.')
  const [provider] = await ctx.db.select().from(ssoProviders).where(and(eq(ssoProviders.id, attempt.providerId), eq(ssoProviders.slug, data.slug)))
  if (!provider || !provider.enabled) throw new SsoSignInRefused('This sign-in provider is not available any more.')

  let profile: ProviderProfile
  try {
    // The wall clock on purpose, not ctx.now(): the provider stamps the ID token's iat/exp with its
    // real time, and checking them against an injected clock would refuse every fresh token.
    profile = await providerProfile(provider, callbackUrl, { state, codeVerifier: attempt.codeVerifier, nonce: attempt.nonce, redirectUri: data.redirectUri }, Date.now(), {
      allowPrivateNetwork: Boolean(ctx.ssoPrivateNetwork),
    })
  } catch (error) {
    if (error instanceof ProviderFlowError) throw new SsoSignInRefused(`Signing in with ${provider.name} did not complete: ${error.message}. Start it again.`)
    throw error
  }

  if (attempt.linkUserId) return linkIdentity(ctx, provider, profile, attempt.linkUserId, attempt.returnTo)
  return signInWithIdentity(ctx, provider, profile, attempt.returnTo)
}

async function linkIdentity(ctx: Ctx, provider: SsoProvider, profile: ProviderProfile, userId: number, returnTo: string): Promise<FinishedSso> {
  // The person who started the linking must be the one finishing it.
  if (ctx.actor?.id !== userId) throw new SsoSignInRefused('Sign in to the account you were linking, then start again.')
  return inTransaction(ctx, async ({ db, now }) => {
    const [existing] = await db
      .select({ userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.providerId, provider.id), eq(userIdentities.subject, profile.subject)))
    if (existing && existing.userId !== userId)
      throw new ConflictError(`That ${provider.name} account already signs in to another account here. Unlink it there first.`)
    if (!existing)
      await db.insert(userIdentities).values({
        userId,
        providerId: provider.id,
        subject: profile.subject,
        email: profile.email,
        emailVerified: profile.emailVerified,
        createdAt: now(),
      })
    return { outcome: 'linked' as const, userId, returnTo }
  })
}

function displayNameFrom(profile: ProviderProfile): string {
  const name = (profile.name ?? profile.email?.split('@')[0] ?? 'Member').replace(/[\u0000-\u001F\u007F]/g, '').replace(/\s+/g, ' ').trim()
  const bounded = [...name].slice(0, 50).join('')
  return bounded.length >= 2 ? bounded : `${bounded || 'Member'} (${profile.subject.slice(0, 8)})`.slice(0, 50)
}

function claimValues(value: unknown): string[] {
  if (typeof value === 'string' || typeof value === 'number') return [String(value)]
  if (Array.isArray(value)) return value.filter((entry) => typeof entry === 'string' || typeof entry === 'number').map(String)
  return []
}

/** The organisation bound to this person's provider claim, else to their verified email's domain. */
async function boundOrganisation(ctx: Ctx, provider: SsoProvider, profile: ProviderProfile): Promise<number | null> {
  const values = provider.organisationClaim ? claimValues(profile.claims[provider.organisationClaim]).slice(0, 100) : []
  if (values.length > 0) {
    const [byClaim] = await ctx.db
      .select({ organisationId: organisationBindings.organisationId })
      .from(organisationBindings)
      .where(and(eq(organisationBindings.kind, 'claim'), eq(organisationBindings.providerId, provider.id), inArray(organisationBindings.value, values)))
      .orderBy(organisationBindings.id)
      .limit(1)
    if (byClaim) return byClaim.organisationId
  }
  if (profile.email && profile.emailVerified) {
    const domain = profile.email.slice(profile.email.lastIndexOf('@') + 1)
    const [byDomain] = await ctx.db
      .select({ organisationId: organisationBindings.organisationId })
      .from(organisationBindings)
      .where(and(eq(organisationBindings.kind, 'email_domain'), eq(organisationBindings.value, domain)))
    if (byDomain) return byDomain.organisationId
  }
  return null
}

async function signInWithIdentity(ctx: Ctx, provider: SsoProvider, profile: ProviderProfile, returnTo: string): Promise<FinishedSso> {
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = tx.now()
    let created = false
    const [known] = await db
      .select({ id: userIdentities.id, userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.providerId, provider.id), eq(userIdentities.subject, profile.subject)))
    let userId: number
    if (known) {
      userId = known.userId
      await db
        .update(userIdentities)
        .set({ email: profile.email, emailVerified: profile.emailVerified, lastSignedInAt: now })
        .where(eq(userIdentities.id, known.id))
    } else {
      if (!profile.email || !profile.emailVerified) {
        throw new SsoSignInRefused(
          profile.email
            ? `${provider.name} has not verified the address ${profile.email}, so it cannot sign you in here. Verify it with ${provider.name}, or sign in another way and link ${provider.name} from your account page.`
            : `${provider.name} did not share an email address, so it cannot sign you in here. Sign in another way and link ${provider.name} from your account page.`,
        )
      }
      const [existing] = await db.select({ id: users.id, emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.email, profile.email)).for('update')
      if (existing) {
        userId = existing.id
        // The provider vouched for the address, which proves it as well as our own link would.
        if (!existing.emailVerifiedAt) await db.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, existing.id))
      } else {
        // The same door as sign-up: a removed spammer's address (and a disposable one, when the admin refuses those) makes no account.
        try {
          await screenSignUp(db, profile.email)
        } catch (error) {
          if (error instanceof ValidationError) throw new SsoSignInRefused(Object.values(error.fields)[0] ?? error.message)
          throw error
        }
        const [user] = await db
          .insert(users)
          .values({ email: profile.email, displayName: displayNameFrom(profile), passwordHash: NO_PASSWORD, role: 'member', emailVerifiedAt: now, createdAt: now })
          .returning({ id: users.id })
        userId = user!.id
        created = true
      }
      await db.insert(userIdentities).values({
        userId,
        providerId: provider.id,
        subject: profile.subject,
        email: profile.email,
        emailVerified: profile.emailVerified,
        createdAt: now,
        lastSignedInAt: now,
      })
    }
    const organisationId = await boundOrganisation(tx, provider, profile)
    if (organisationId)
      await db
        .update(users)
        .set({ organisationId })
        .where(and(eq(users.id, userId), eq(users.role, 'member'), isNull(users.organisationId)))
    const session = await createSession(db, userId, now, 'sso')
    return { outcome: 'signed_in' as const, userId, created, returnTo, ...session }
  })
}
