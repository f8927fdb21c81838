import type { Context } from 'hono'

/** A request htmx made for a fragment (not a boosted full-page navigation). */
export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true' && c.req.header('hx-boosted') !== 'true'
}

/** Only same-site paths are followed after sign-in, so ?next= cannot send people elsewhere. */
export function safeNext(value: string | undefined | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/'
  return value
}
