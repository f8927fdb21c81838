import type { Context } from 'hono'
import { hashToken } from '../auth'
import type { AppEnv } from './types'

/**
 * A stable, anonymous key for this browser, for search analytics: a one-way hash of its CSRF
 * token, so the key cannot be turned back into the token and no extra cookie is needed.
 */
export function visitorKey(c: Context<AppEnv>): string {
  return hashToken(c.var.csrfToken).slice(0, 32)
}
