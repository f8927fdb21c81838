import type { ZodType } from 'zod'
import { expect } from 'vitest'
import { hashToken } from '../../src/auth'
import { apiTokens, type ApiScope, type User } from '../../src/db/schema'
import { newApiToken } from '../../src/queue/api-tokens'
import { apiRouteDefinitions } from '../../src/web/api'
import type { TestApp } from './app'
import type { TestClient } from './client'

// Calling the JSON API in tests: every answer is checked against what its route declares in
// the OpenAPI document (status listed, content type, body parsing with the declared schema).

/** A token for `owner` with `scopes`, written directly (the tokens page has its own tests). */
export async function makeApiToken(t: TestApp, owner: User, scopes: ApiScope[]): Promise<string> {
  const token = newApiToken()
  await t.db.insert(apiTokens).values({ name: `test ${scopes.join(' ')}`, tokenHash: hashToken(token), scopes, createdById: owner.id, createdAt: t.clock.now() })
  return token
}

type Declared = Record<string, { content?: Record<string, { schema: ZodType }> }>

export interface ApiResponse {
  status: number
  headers: Headers
  body: any // eslint-disable-line @typescript-eslint/no-explicit-any -- checked against the route's schema
}

export async function callApi(
  t: TestApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; client?: TestClient } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  // A string body goes as it is (a malformed document, say); anything else as JSON.
  const sent = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
  const init: RequestInit = { method, headers, ...(sent !== undefined ? { body: sent } : {}) }
  // Through a signed-in client (its session cookie and CSRF) or straight to the app.
  const response = options.client ? await options.client.request(path, init) : await t.app.request(path, init)
  const pathname = new URL(path, 'http://localhost').pathname
  const definition = apiRouteDefinitions.find(
    (route) => route.method === method.toLowerCase() && new RegExp(`^/api/v1${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  )
  expect(definition, `${method} ${path} is a declared route`).toBeDefined()
  const text = await response.text()
  const declared = (definition!.responses as Declared)[String(response.status)]
  expect(declared, `${method} ${path} answered ${response.status}, which it does not declare: ${text}`).toBeDefined()
  const [type, content] = Object.entries(declared!.content ?? {})[0]!
  expect(response.headers.get('content-type')).toContain(type)
  const body: unknown = JSON.parse(text)
  const parsed = content.schema.safeParse(body)
  expect(parsed.success, `${method} ${path} ${response.status}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true)
  return { status: response.status, headers: response.headers, body }
}
