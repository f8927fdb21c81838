import type { Context } from 'hono'
import { safeNextPath } from './next-path'

/** A request htmx made for a fragment (not a boosted full-page navigation). */
export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true' && c.req.header('hx-boosted') !== 'true'
}

/**
 * safeNextPath for callers that have only a path of our own (the sign-in redirect builds it
 * from the request's URL). The placeholder origin only anchors the parse: a relative path
 * gets the same verdict against any origin.
 */
export function safeNext(value: string | undefined | null): string {
  return safeNextPath(value, 'http://next.invalid')
}
