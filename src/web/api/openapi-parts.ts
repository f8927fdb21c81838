import type { z } from '@hono/zod-openapi'
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors'
import * as S from './schemas'

// Pieces every route definition file of the API shares: declared responses, security
// requirements, date formatting, and how domain refusals read through the API.

export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: S.Problem } } })
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } })

export const COMMON_ERRORS = {
  422: problemResponse('The request is invalid; `errors` says why, per field.'),
  429: problemResponse('Too many requests; see Retry-After.'),
} as const
export const IN_PROGRESS = { 409: problemResponse('A request with this Idempotency-Key is still running; retry in a moment.') } as const
export const BAD_BODY = { 400: problemResponse('The body is not a JSON object.') } as const
/**
 * A 403 of any route a token or session can call (every one): the route's own refusals, and the
 * account-suspended problem a suspended owner gets everywhere, declared here once.
 */
export const forbiddenResponse = (description: string) => ({
  description: `${description} A suspended account gets the account-suspended problem (with suspendedUntil) on every route, reads included.`,
  content: { 'application/problem+json': { schema: S.ForbiddenProblem } },
})
export const AUTH_ERRORS = {
  401: problemResponse('No credentials, or an invalid or revoked token (WWW-Authenticate says which).'),
  403: forbiddenResponse('The token lacks the scope this needs (WWW-Authenticate: Bearer error="insufficient_scope").'),
} as const

// Public reads work without credentials; a token, when sent, must be valid and carry the scope.
export const PUBLIC: Record<string, string[]>[] = [{}, { bearerAuth: [] }, { sessionCookie: [] }]
export const SIGNED_IN: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }]

export const iso = (at: Date) => at.toISOString()
export const isoOrNull = (at: Date | null) => (at ? at.toISOString() : null)

/** Staff resources do not exist for callers who may not see them: the domain's refusal becomes a 404. */
export async function hideFromNonStaff<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (error instanceof ForbiddenError) throw new NotFoundError(what)
    throw error
  }
}

/** A verb's field errors under the API's field names (the verbs name fields as the pages' forms do). */
export async function withApiFields<T>(work: Promise<T>, names: Record<string, string>): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError(Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [names[field] ?? field, message])), error.message)
    throw error
  }
}
