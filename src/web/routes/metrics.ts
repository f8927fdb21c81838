import { createHash, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { Metrics } from '../../metrics'
import { clientIp } from '../client-ip'
import type { AppEnv } from '../types'

/** /metrics for Prometheus: with METRICS_TOKEN set, a bearer token; without it, loopback clients only. */
export function metricsRoutes(metrics: Metrics): Hono<AppEnv> {
  const routes = new Hono<AppEnv>()
  routes.get('/metrics', async (c) => {
    const token = c.var.deps.env.metricsToken
    if (token) {
      if (!bearerMatches(c.req.header('authorization'), token))
        return c.text('A bearer token is required.', 401, { 'WWW-Authenticate': 'Bearer realm="metrics"', 'Cache-Control': 'no-store' })
    } else if (!isLoopback(clientIp(c))) {
      // Without a token, the endpoint does not exist for anyone but the machine itself.
      return c.text('Not found', 404, { 'Cache-Control': 'no-store' })
    }
    return c.body(await metrics.render(), 200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' })
  })
  return routes
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? ''
  // Digests have equal lengths, so the comparison takes the same time whatever was sent.
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0
}

/** 127.0.0.0/8, ::1, and IPv4 loopback written as an IPv6-mapped address. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1' || address === '0:0:0:0:0:0:0:1'
}
