import type { Context } from 'hono'
import type { Chrome } from '../../views/layout'
import type { AppEnv } from './types'

/** The per-request part every page gets: viewer, CSRF token, time, and site settings. */
export function chrome(c: Context<AppEnv>): Chrome {
  const { env, assets } = c.var.deps
  const actor = c.var.actor
  const url = new URL(c.req.url)
  return {
    siteName: env.siteName,
    viewer: actor ? { id: actor.id, displayName: actor.displayName, role: actor.role } : null,
    csrfToken: c.var.csrfToken,
    now: c.var.ctx.now(),
    path: url.pathname + url.search,
    publicUrl: env.publicUrl,
    assets: assets.urls,
    unreadNotifications: c.var.unreadNotifications ?? 0,
    silence: c.var.silence ?? null,
    pendingReviews: c.var.pendingReviews ?? 0,
    demo: !!c.var.deps.demo,
  }
}
