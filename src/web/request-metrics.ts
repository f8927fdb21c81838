import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Metrics } from '../metrics'
import type { AppEnv } from './types'

/**
 * Counts and times every request by the route pattern that answered it. After `next()`, Hono's
 * route index points at the deepest handler reached, the one that answered; a URL nothing
 * matched ends on a catch-all middleware's pattern (`/*`), so the labels stay a fixed set.
 * Scrapes are left out: on a quiet forum they would be most of the traffic.
 */
export function requestMetrics(options: { metrics: Metrics; skip?: (path: string) => boolean }): MiddlewareHandler<AppEnv> {
  const skip = options.skip ?? ((path: string) => path === '/metrics')
  return async function countRequest(c, next) {
    if (skip(c.req.path)) return next()
    const started = performance.now()
    await next()
    options.metrics.observeRequest({
      method: c.req.method,
      route: routePath(c) || 'unmatched',
      status: c.res.status,
      seconds: (performance.now() - started) / 1000,
    })
  }
}
