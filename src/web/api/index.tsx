import { Hono } from 'hono'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../types'
import { ApiReference } from './docs'
import type { ApiEnv } from './middleware'
import { createApiApp } from './routes'
import { apiScopes } from '../../db/schema'
import { memberApiScopes } from '../../policy'

export { apiRouteDefinitions } from './routes'

const GUIDE = [
  `Authentication: Authorization: Bearer <token> (anyone makes their own at /account/tokens, scoped per resource and read or write: ${apiScopes.join(', ')}; members may choose ${memberApiScopes.join(', ')}), or the session cookie for same-origin calls (unsafe methods then need the X-CSRF-Token header). The token owner’s role still decides what it may see: what it may not see does not exist for it (404). A missing, invalid or revoked token is a 401; a token without the scope a request needs is a 403 with WWW-Authenticate: Bearer error="insufficient_scope". Public threads, categories, tags and search need no credentials.`,
  'Pagination: lists return next_cursor (opaque) and a Link: <…>; rel="next" header; pass cursor=… and limit (1 to 100).',
  'Idempotency: send Idempotency-Key on POST; a retry with the same key and body returns the first answer (same status and body); the same key with another body is a 422.',
  'Errors: application/problem+json (RFC 9457) with type, title, status, detail, and errors (one message per field) for invalid input.',
  'Rate limits: per token (or session user, or address) per minute, with RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset headers; over the limit, 429 with Retry-After.',
]

export function openApiConfig(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wire Forum API',
      version: '1.0.0',
      description: GUIDE.join('\n\n'),
    },
    servers: [{ url: `${publicUrl}/api/v1` }],
  }
}

/** /api/v1: the API and its OpenAPI document. */
export function createApiRoutes(): OpenAPIHono<ApiEnv> {
  const api = createApiApp()
  api.doc31('/openapi.json', (c) => openApiConfig(c.var.deps.env.publicUrl))
  return api
}

/** /api/docs: the reference, rendered from the same document. */
export function createApiDocsRoutes(api: OpenAPIHono<ApiEnv>): Hono<AppEnv> {
  const docs = new Hono<AppEnv>()
  docs.get('/', (c) => {
    const document = api.getOpenAPI31Document(openApiConfig(c.var.deps.env.publicUrl))
    return c.html(<ApiReference doc={document as never} stylesheet={c.var.deps.assets.urls.pico} guide={GUIDE} />)
  })
  return docs
}
