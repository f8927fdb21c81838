import type { MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from './types'

const NUL_REFUSED = 'This address contains a NUL character (%00), which no page here uses. Check the link and try again.'

// In a parsed URL a NUL can only appear as "%00" (the parser escapes a raw one), and no other
// escape decodes to U+0000: an overlong "%C0%80" is invalid UTF-8, which decoders replace or
// reject. So looking for "%00" finds exactly the NULs that decoding would produce, even in a
// path whose other escapes do not decode.
const ENCODED_NUL = /%00/i

/**
 * Refuses, with a 400, any request whose path or query would decode to a NUL. PostgreSQL text
 * cannot hold one, so it would otherwise reach a query as a slug, a tag or a search word and
 * fail there as a 500. Form bodies are left to the domain's text rules, which answer a NUL with
 * a message by the field and keep what was typed.
 */
export function refuseNul(): MiddlewareHandler<AppEnv> {
  return async function refuseNul(c, next) {
    const url = new URL(c.req.url)
    if (ENCODED_NUL.test(url.pathname) || ENCODED_NUL.test(url.search)) throw new HTTPException(400, { message: NUL_REFUSED })
    await next()
  }
}
