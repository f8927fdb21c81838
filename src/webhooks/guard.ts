import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'

// Outgoing requests to URLs an admin typed: the SSRF guard. The name is resolved once, every
// address is checked, and the socket connects to a checked address only (the request's `lookup`
// answers with them), so DNS rebinding between check and connect cannot move it. Redirects are
// never followed: a 3xx is a failed delivery.

export const REQUEST_TIMEOUT_MS = 5_000
export const RESPONSE_CAP_BYTES = 64 * 1024

export class BlockedAddressError extends Error {}

function ipv4Blocked(address: string): boolean {
  const [a, b, c] = address.split('.').map(Number) as [number, number, number, number]
  return (
    a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a >= 224 // multicast, reserved, broadcast
  )
}

/** Whether an address is one the open internet can reach (not private, loopback, link-local, reserved). */
export function isPublicAddress(address: string): boolean {
  const kind = net.isIP(address)
  if (kind === 4) return !ipv4Blocked(address)
  if (kind !== 6) return false
  const lower = address.toLowerCase()
  // IPv4-mapped and -compatible forms are judged as the IPv4 address they carry.
  const mapped = /^(?:0*:)*(?:ffff:)?(?:0+:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ?? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped) return !ipv4Blocked(mapped[1]!)
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (hex) {
    const hi = parseInt(hex[1]!, 16)
    const lo = parseInt(hex[2]!, 16)
    return !ipv4Blocked(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
  }
  const words = expandIpv6(lower)
  if (!words) return false
  const first = words[0]!
  if (words.every((word) => word === 0)) return false // ::
  if (words.slice(0, 7).every((word) => word === 0) && words[7] === 1) return false // ::1
  if ((first & 0xfe00) === 0xfc00) return false // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return false // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return false // multicast
  if (first === 0x2001 && words[1] === 0x0db8) return false // documentation
  if (first === 0x0064 && words[1] === 0xff9b) return false // NAT64 can reach private IPv4
  if (first === 0x2002) return false // 6to4 embeds any IPv4
  return (first & 0xe000) === 0x2000 // global unicast 2000::/3 only
}

function expandIpv6(address: string): number[] | null {
  const zone = address.indexOf('%')
  const plain = zone >= 0 ? address.slice(0, zone) : address
  const [head, tail] = plain.split('::') as [string, string | undefined]
  const parse = (part: string) => (part ? part.split(':').map((word) => parseInt(word, 16)) : [])
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  const missing = 8 - left.length - right.length
  if (tail === undefined ? missing !== 0 : missing < 0) return null
  const words = [...left, ...Array<number>(Math.max(0, missing)).fill(0), ...right]
  return words.length === 8 && words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffff) ? words : null
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))))
}

/** Resolves a URL's host and checks every address; returns the addresses a request may connect to. */
export async function resolveChecked(url: URL, allowPrivateNetwork: boolean): Promise<LookupAddress[]> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedAddressError(`Only http and https URLs are allowed, not ${url.protocol}`)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const addresses = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await lookupAll(host)
  if (addresses.length === 0) throw new BlockedAddressError(`${host} has no address`)
  if (!allowPrivateNetwork) {
    const blocked = addresses.find((entry) => !isPublicAddress(entry.address))
    if (blocked) throw new BlockedAddressError(`${host} resolves to ${blocked.address}, a private or reserved address (allow the private network on this endpoint to send there)`)
  }
  return addresses
}

/**
 * Connections kept open between deliveries (one TCP, and for https one TLS, handshake per endpoint
 * instead of per delivery), one set per app. Endpoints that may reach the private network get
 * agents of their own, so a socket a private-network endpoint opened is never handed to one that
 * may not: every socket of the public agents connects to an address the guard checked as public.
 */
export interface KeptConnections {
  agentFor(url: URL, allowPrivateNetwork: boolean): http.Agent
  close(): void
}

export function keptConnections(): KeptConnections {
  const make = (secure: boolean) => {
    const options = { keepAlive: true, maxSockets: 8, maxFreeSockets: 4 }
    return secure ? new https.Agent(options) : new http.Agent(options)
  }
  const agents = { public: { http: make(false), https: make(true) }, private: { http: make(false), https: make(true) } }
  return {
    agentFor: (url, allowPrivateNetwork) => agents[allowPrivateNetwork ? 'private' : 'public'][url.protocol === 'https:' ? 'https' : 'http'],
    close: () => {
      for (const set of Object.values(agents)) for (const agent of Object.values(set)) agent.destroy()
    },
  }
}

export interface PostResult {
  status: number
  /** The start of the response body, at most RESPONSE_CAP_BYTES read. */
  excerpt: string
  durationMs: number
}

/** POSTs JSON through the guard, with a timeout for the whole exchange and a capped read of the answer. */
export async function guardedPost(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { allowPrivateNetwork: boolean; timeoutMs?: number; maxBytes?: number; nowMs?: () => number; connections?: KeptConnections },
): Promise<PostResult> {
  const nowMs = options.nowMs ?? performance.now.bind(performance)
  const started = nowMs()
  const url = new URL(target)
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS
  // The name's resolution counts against the same timeout: a resolver that never answers is a failure too.
  let dnsTimer: NodeJS.Timeout | undefined
  const addresses = await Promise.race([
    resolveChecked(url, options.allowPrivateNetwork),
    new Promise<never>((_, reject) => {
      dnsTimer = setTimeout(() => reject(new Error(`No address for ${url.hostname} within ${timeoutMs / 1000} s`)), timeoutMs)
    }),
  ]).finally(() => clearTimeout(dnsTimer))
  const maxBytes = options.maxBytes ?? RESPONSE_CAP_BYTES
  const transport = url.protocol === 'https:' ? https : http
  const agent = options.connections?.agentFor(url, options.allowPrivateNetwork) ?? false
  // A kept connection the other side closed as the request went out fails at once (a reset, or
  // closed before any answer): that request is sent again, once, on a new connection.
  const send = (fresh: boolean) => new Promise<PostResult>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'support-forum-webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
        // Only the checked addresses: the connection cannot go anywhere the check did not see.
        lookup: ((_host: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
          if (lookupOptions?.all) callback(null, addresses)
          else callback(null, addresses[0]!.address, addresses[0]!.family)
        }) as never,
        agent: fresh ? false : agent,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        const finish = () => {
          clearTimeout(timer)
          resolve({ status: response.statusCode ?? 0, excerpt: Buffer.concat(chunks).toString('utf8').slice(0, 2000), durationMs: Math.round(nowMs() - started) })
        }
        response.on('data', (chunk: Buffer) => {
          if (size >= maxBytes) return
          chunks.push(chunk.subarray(0, maxBytes - size))
          size += chunk.length
          // Enough read: the rest of a large answer is not waited for.
          if (size >= maxBytes) {
            response.destroy()
            finish()
          }
        })
        response.on('end', finish)
        response.on('error', (error) => {
          clearTimeout(timer)
          reject(error)
        })
      },
    )
    const timer = setTimeout(() => request.destroy(new Error(`No answer within ${timeoutMs / 1000} s`)), timeoutMs)
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (!fresh && request.reusedSocket && ['ECONNRESET', 'EPIPE'].includes(error.code ?? '')) resolve(send(true))
      else reject(error)
    })
    request.end(body)
  })
  return send(agent === false)
}

/** The largest answer guardedFetch reads (a discovery document or a key set is a few kilobytes). */
export const FETCH_CAP_BYTES = 1024 * 1024

export interface GuardedFetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | URLSearchParams | null
  signal?: AbortSignal
}

/**
 * A `fetch` for URLs an admin typed (an OpenID issuer, and the endpoints its discovery document
 * names): the same checks as webhook deliveries (every address the name resolves to must be
 * public unless `allowPrivateNetwork`, the socket goes to a checked address only, redirects are
 * answered, never followed) and a capped read. Returns a standard Response, so libraries that
 * take a custom fetch (openid-client) can use it as is.
 */
export async function guardedFetch(
  target: string,
  init: GuardedFetchInit,
  options: { allowPrivateNetwork: boolean; timeoutMs?: number; maxBytes?: number },
): Promise<Response> {
  const url = new URL(target)
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS
  const maxBytes = options.maxBytes ?? FETCH_CAP_BYTES
  const addresses = await resolveChecked(url, options.allowPrivateNetwork)
  const headers: Record<string, string> = { 'user-agent': 'support-forum/1', ...init.headers }
  let body: Buffer | undefined
  if (init.body instanceof URLSearchParams) {
    body = Buffer.from(init.body.toString())
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8'
  } else if (typeof init.body === 'string') body = Buffer.from(init.body)
  if (body) headers['content-length'] = String(body.length)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: init.method ?? 'GET',
        headers,
        lookup: ((_host: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
          if (lookupOptions?.all) callback(null, addresses)
          else callback(null, addresses[0]!.address, addresses[0]!.family)
        }) as never,
        agent: false,
        signal: init.signal,
      },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) {
            response.destroy()
            finish(new Error(`The answer from ${url.host} is larger than ${Math.round(maxBytes / 1024)} KB`))
            return
          }
          chunks.push(chunk)
        })
        response.on('end', () => {
          const status = response.statusCode ?? 502
          const answerHeaders = new Headers()
          for (const [name, value] of Object.entries(response.headers)) {
            if (value === undefined) continue
            for (const one of Array.isArray(value) ? value : [value]) answerHeaders.append(name, one)
          }
          const empty = status === 204 || status === 205 || status === 304
          finish(null, new Response(empty ? null : Buffer.concat(chunks), { status: Math.min(599, Math.max(200, status)), headers: answerHeaders }))
        })
        response.on('error', (error) => finish(error))
      },
    )
    const timer = setTimeout(() => request.destroy(new Error(`No answer from ${url.host} within ${timeoutMs / 1000} s`)), timeoutMs)
    let settled = false
    function finish(error: Error | null, response?: Response) {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(response!)
    }
    request.on('error', (error) => finish(error))
    request.end(body)
  })
}
