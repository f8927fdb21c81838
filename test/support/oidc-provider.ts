import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

// A real OpenID provider (node-oidc-provider, certified) on 127.0.0.1 for the SSO tests:
// discovery, authorisation with PKCE required, token endpoint, ID tokens signed with its own
// keys, userinfo. The interaction (login and consent pages) is replaced by the test choosing
// who signs in, so a flow runs without a browser.

export interface TestAccount {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  /** A custom claim, bound to organisations through the provider's organisation claim. */
  org?: string | string[]
}

export interface TestOidcProvider {
  issuer: string
  clientId: string
  clientSecret: string
  accounts: Map<string, TestAccount>
  /** Who the next authorisation signs in as. */
  signInAs(sub: string): void
  /** Follows the provider's redirects from an authorisation URL to the callback URL it sends the browser to. */
  authorize(authorizationUrl: string): Promise<URL>
  close(): Promise<void>
}

export async function startOidcProvider(options: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'wire-forum'
  const clientSecret = options.clientSecret ?? 'a-long-client-secret-for-the-tests-0123456789'
  const accounts = new Map<string, TestAccount>()
  let nextSub: string | null = null
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null
  let provider: InstanceType<typeof Provider> | null = null

  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.url?.startsWith('/interaction/') && provider) {
        const details = await provider.interactionDetails(req, res)
        const accountId = nextSub
        if (!accountId) return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'nobody chosen' })
        const grant = new provider.Grant({ accountId, clientId })
        grant.addOIDCScope(String(details.params.scope ?? 'openid'))
        const grantId = await grant.save()
        return provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false })
      }
      handler!(req, res)
    })().catch((error) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub)
      if (!account) return undefined
      return { accountId: sub, claims: async () => ({ ...account }) }
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'org'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
  })
  handler = provider.callback()

  // A tiny cookie jar for the provider's own cookies (its interaction and session).
  const jar = new Map<string, string>()
  async function step(url: string): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...rest] = pair!.split('=')
      jar.set(name!.trim(), rest.join('='))
    }
    return response
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signInAs(sub) {
      nextSub = sub
    },
    async authorize(authorizationUrl) {
      // Each sign-in is a fresh browser at the provider: no session left from the last person.
      jar.clear()
      let url = authorizationUrl
      for (let hop = 0; hop < 8; hop++) {
        const response = await step(url)
        const location = response.headers.get('location')
        if (!location) throw new Error(`the provider answered ${response.status} at ${url}: ${(await response.text()).slice(0, 300)}`)
        const next = new URL(location, url)
        if (!next.href.startsWith(issuer)) return next
        url = next.href
      }
      throw new Error('too many redirects at the provider')
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
