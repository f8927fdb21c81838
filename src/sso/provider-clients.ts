import { decodeIdToken, GitHub, Google, OAuth2RequestError } from 'arctic'
import * as oidc from 'openid-client'
import type { SsoProvider } from '../db/schema'
import { BlockedAddressError, guardedFetch } from '../webhooks'

// How each kind of provider runs the authorisation code flow. OpenID Connect providers go through
// openid-client (discovery, PKCE, state, nonce and ID token checks); GitHub (plain OAuth 2.0, no ID
// token) and Google go through arctic, whose endpoints are the real ones and cannot be pointed elsewhere.

/** Who the provider says signed in. */
export interface ProviderProfile {
  /** The provider's stable id for the person (`sub`, GitHub's numeric id). */
  subject: string
  email: string | null
  /** The provider vouches that the person controls `email`. */
  emailVerified: boolean
  name: string | null
  /** Every claim it sent (ID token, then userinfo), for the organisation claim. */
  claims: Record<string, unknown>
}

export interface FlowSecrets {
  state: string
  codeVerifier: string
  nonce: string
  redirectUri: string
}

/** A refusal from the provider's side (an error answer, a failed check); the message is safe to show. */
export class ProviderFlowError extends Error {}

const REQUEST_TIMEOUT_S = 10
const SCOPES = ['openid', 'email', 'profile']

// --- OpenID Connect -------------------------------------------------------------

// Discovery documents and keys per provider version: public data, re-read when the admin edits
// the provider (its updated_at is in the key) or an hour has passed.
const configurations = new Map<string, { config: Promise<oidc.Configuration>; until: number }>()
const DISCOVERY_TTL_MS = 60 * 60 * 1000

function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:'
}

/**
 * Where the forum may reach an identity provider. The issuer URL is typed by an admin and its
 * discovery document names further URLs (keys, token, userinfo), so every request goes through
 * the webhooks' SSRF guard: public addresses only, unless the server's operator sets
 * SSO_ALLOW_PRIVATE_NETWORK for a provider on their own network.
 */
export interface ProviderNetwork {
  allowPrivateNetwork: boolean
}

/** The provider's address was refused by the SSRF guard; the message says which address and what to do. */
export class ProviderAddressRefused extends Error {}

function fetchThroughGuard(network: ProviderNetwork): oidc.CustomFetch {
  return async (url, options) => {
    try {
      return await guardedFetch(url, { method: options.method, headers: options.headers, body: options.body as string | URLSearchParams | null, signal: options.signal }, network)
    } catch (error) {
      if (error instanceof BlockedAddressError)
        throw new ProviderAddressRefused(
          `${error.message.replace(/ \(allow the private network.*\)$/, '')}. Sign-in providers must be on public addresses; for one on your own network, the server's operator sets SSO_ALLOW_PRIVATE_NETWORK=true`,
        )
      throw error
    }
  }
}

/** The guard's refusal inside an error openid-client wrapped, if that is what went wrong. */
export function addressRefusalIn(error: unknown): ProviderAddressRefused | null {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++)
    if (cause instanceof ProviderAddressRefused) return cause
  return null
}

/** Reads <issuer>/.well-known/openid-configuration and prepares a client for it. */
export async function discoverIssuer(issuerUrl: string, clientId: string, clientSecret: string, network: ProviderNetwork): Promise<oidc.Configuration> {
  const issuer = new URL(issuerUrl)
  // The schemas only let http through for a loopback issuer (a provider beside the forum, or a test's).
  const execute = isLoopbackHttp(issuer) ? [oidc.allowInsecureRequests] : []
  const guarded = fetchThroughGuard(network)
  const discovered = await oidc.discovery(issuer, clientId, clientSecret, undefined, { execute, timeout: REQUEST_TIMEOUT_S, [oidc.customFetch]: guarded })
  const server = discovered.serverMetadata()
  // client_secret_basic is what most providers expect first; fall back to posting the secret.
  const methods = server.token_endpoint_auth_methods_supported ?? ['client_secret_basic']
  const auth = methods.includes('client_secret_basic') ? oidc.ClientSecretBasic(clientSecret) : oidc.ClientSecretPost(clientSecret)
  const config = new oidc.Configuration(server, clientId, { client_secret: clientSecret }, auth)
  config.timeout = REQUEST_TIMEOUT_S
  // Keys, token and userinfo requests go through the guard too: the document may name any address.
  config[oidc.customFetch] = guarded
  for (const step of execute) step(config)
  return config
}

function configurationFor(provider: SsoProvider, nowMs: number, network: ProviderNetwork): Promise<oidc.Configuration> {
  const key = `${provider.id}:${provider.updatedAt.getTime()}:${provider.issuerUrl}:${network.allowPrivateNetwork}`
  const cached = configurations.get(key)
  if (cached && cached.until > nowMs) return cached.config
  const config = discoverIssuer(provider.issuerUrl!, provider.clientId, provider.clientSecret, network)
  // A failed discovery is not kept: the next sign-in tries again.
  config.catch(() => configurations.delete(key))
  configurations.set(key, { config, until: nowMs + DISCOVERY_TTL_MS })
  return config
}

function describe(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) return `the provider answered ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`
  if (error instanceof oidc.ResponseBodyError) return `the provider refused the code: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`
  if (error instanceof OAuth2RequestError) return `the provider refused the code: ${error.code}${error.description ? ` (${error.description})` : ''}`
  if (error instanceof Error) {
    // oauth4webapi names the claim that failed a comparison (nonce, iss, aud) in the cause.
    let claim: unknown
    for (let cause: unknown = error.cause; cause && typeof cause === 'object' && claim === undefined; cause = (cause as { cause?: unknown }).cause)
      claim = (cause as { claim?: unknown }).claim
    return typeof claim === 'string' ? `${error.message} (the ID token's "${claim}" claim does not match)` : error.message
  }
  return String(error)
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
}

/** Spec text says email_verified is a boolean; some providers send "true". */
function verifiedClaim(value: unknown): boolean {
  return value === true || value === 'true'
}

async function oidcAuthorizationUrl(provider: SsoProvider, secrets: FlowSecrets, nowMs: number, network: ProviderNetwork): Promise<URL> {
  const config = await configurationFor(provider, nowMs, network)
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: secrets.redirectUri,
    scope: SCOPES.join(' '),
    code_challenge: await oidc.calculatePKCECodeChallenge(secrets.codeVerifier),
    code_challenge_method: 'S256',
    state: secrets.state,
    nonce: secrets.nonce,
  })
}

async function oidcProfile(provider: SsoProvider, callbackUrl: URL, secrets: FlowSecrets, nowMs: number, network: ProviderNetwork): Promise<ProviderProfile> {
  let config: oidc.Configuration
  try {
    config = await configurationFor(provider, nowMs, network)
  } catch (error) {
    throw new ProviderFlowError(addressRefusalIn(error)?.message ?? `reading the provider's discovery document failed: ${describe(error)}`)
  }
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>
  try {
    tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: secrets.codeVerifier,
      expectedState: secrets.state,
      expectedNonce: secrets.nonce,
      idTokenExpected: true,
    })
  } catch (error) {
    throw new ProviderFlowError(describe(error))
  }
  const idClaims = tokens.claims()
  if (!idClaims) throw new ProviderFlowError('the provider sent no ID token')
  let claims: Record<string, unknown> = { ...idClaims }
  const wantsMore = !stringClaim(claims.email) || (provider.organisationClaim && claims[provider.organisationClaim] === undefined)
  if (wantsMore && config.serverMetadata().userinfo_endpoint) {
    try {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)
      // The ID token's claims win: they are signed; userinfo only fills the gaps.
      claims = { ...info, ...claims }
    } catch (error) {
      throw new ProviderFlowError(`reading the profile failed: ${describe(error)}`)
    }
  }
  return {
    subject: idClaims.sub,
    email: stringClaim(claims.email)?.toLowerCase() ?? null,
    emailVerified: verifiedClaim(claims.email_verified),
    name: stringClaim(claims.name) ?? stringClaim(claims.preferred_username),
    claims,
  }
}

// --- GitHub (arctic) -----------------------------------------------------------------

const GITHUB_API = 'https://api.github.com'

async function githubJson<T>(path: string, accessToken: string): Promise<T> {
  const response = await fetch(`${GITHUB_API}${path}`, {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/vnd.github+json', 'User-Agent': 'wire-forum' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000),
  })
  if (!response.ok) throw new ProviderFlowError(`GitHub answered ${response.status} for ${path}`)
  return (await response.json()) as T
}

async function githubProfile(provider: SsoProvider, code: string, secrets: FlowSecrets): Promise<ProviderProfile> {
  const github = new GitHub(provider.clientId, provider.clientSecret, secrets.redirectUri)
  let accessToken: string
  try {
    accessToken = (await github.validateAuthorizationCode(code)).accessToken()
  } catch (error) {
    throw new ProviderFlowError(describe(error))
  }
  const user = await githubJson<{ id: number; login: string; name: string | null }>('/user', accessToken)
  // The profile's public email may be unverified; /user/emails says which addresses GitHub verified.
  const emails = await githubJson<{ email: string; primary: boolean; verified: boolean }[]>('/user/emails', accessToken)
  const chosen = emails.find((entry) => entry.primary && entry.verified) ?? emails.find((entry) => entry.verified) ?? emails.find((entry) => entry.primary) ?? null
  return {
    subject: String(user.id),
    email: chosen?.email.toLowerCase() ?? null,
    emailVerified: chosen?.verified ?? false,
    name: stringClaim(user.name) ?? user.login,
    claims: { login: user.login },
  }
}

// --- Google (arctic) -----------------------------------------------------------------

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com']

async function googleProfile(provider: SsoProvider, code: string, secrets: FlowSecrets, nowMs: number): Promise<ProviderProfile> {
  const google = new Google(provider.clientId, provider.clientSecret, secrets.redirectUri)
  let idToken: string
  try {
    idToken = (await google.validateAuthorizationCode(code, secrets.codeVerifier)).idToken()
  } catch (error) {
    throw new ProviderFlowError(describe(error))
  }
  // Straight from Google's token endpoint over TLS, so its signature need not be checked
  // (OpenID Connect Core 3.1.3.7); its issuer, audience, expiry and our nonce still are.
  const claims = decodeIdToken(idToken) as Record<string, unknown>
  if (!GOOGLE_ISSUERS.includes(String(claims.iss))) throw new ProviderFlowError('the ID token is not from Google')
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audience.includes(provider.clientId)) throw new ProviderFlowError('the ID token is for another application')
  if (typeof claims.exp !== 'number' || claims.exp * 1000 < nowMs - 60_000) throw new ProviderFlowError('the ID token has expired')
  if (claims.nonce !== secrets.nonce) throw new ProviderFlowError('the ID token does not carry this sign-in’s nonce')
  return {
    subject: String(claims.sub),
    email: stringClaim(claims.email)?.toLowerCase() ?? null,
    emailVerified: verifiedClaim(claims.email_verified),
    name: stringClaim(claims.name),
    claims: { hd: claims.hd },
  }
}

// --- The two steps -----------------------------------------------------------------------

/** Where to send the browser: the provider's authorisation endpoint with state, PKCE and nonce. */
export async function providerAuthorizationUrl(provider: SsoProvider, secrets: FlowSecrets, nowMs: number, network: ProviderNetwork): Promise<URL> {
  switch (provider.kind) {
    case 'oidc':
      return oidcAuthorizationUrl(provider, secrets, nowMs, network)
    case 'github':
      // GitHub's OAuth apps take no nonce (no ID token); state protects the round trip.
      return new GitHub(provider.clientId, provider.clientSecret, secrets.redirectUri).createAuthorizationURL(secrets.state, ['read:user', 'user:email'])
    case 'google': {
      const url = new Google(provider.clientId, provider.clientSecret, secrets.redirectUri).createAuthorizationURL(secrets.state, secrets.codeVerifier, SCOPES)
      url.searchParams.set('nonce', secrets.nonce)
      return url
    }
  }
}

/** Trades the callback's code for who signed in, checking state, PKCE and nonce on the way. */
export async function providerProfile(provider: SsoProvider, callbackUrl: URL, secrets: FlowSecrets, nowMs: number, network: ProviderNetwork): Promise<ProviderProfile> {
  if (provider.kind === 'oidc') return oidcProfile(provider, callbackUrl, secrets, nowMs, network)
  const error = callbackUrl.searchParams.get('error')
  if (error) throw new ProviderFlowError(`the provider answered ${error}${callbackUrl.searchParams.get('error_description') ? ` (${callbackUrl.searchParams.get('error_description')})` : ''}`)
  if (callbackUrl.searchParams.get('state') !== secrets.state) throw new ProviderFlowError('the answer does not belong to this sign-in (state)')
  const code = callbackUrl.searchParams.get('code')
  if (!code) throw new ProviderFlowError('the provider sent no code')
  return provider.kind === 'github' ? githubProfile(provider, code, secrets) : googleProfile(provider, code, secrets, nowMs)
}
