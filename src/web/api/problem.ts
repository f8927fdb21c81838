import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'

// RFC 9457 problem details. Every error of the JSON API has this shape; `errors` carries one
// message per field for validation failures. The `error` member keeps the shape the API
// answered with before (`{ error: { status, message, fields } }`), so older clients still read it.

export const PROBLEM_TYPE_BASE = 'https://wire-forum.dev/problems/'

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
}

const TYPES: Partial<Record<number, string>> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-large',
  422: 'validation',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable',
}

export interface ProblemInput {
  status: number
  detail: string
  errors?: Record<string, string>
  /** A more specific type than the status's (e.g. `idempotency-key-reused`). */
  type?: string
  title?: string
  /** Extension members of the problem type (RFC 9457 section 3.2), e.g. `suspendedUntil`. */
  extensions?: Record<string, unknown>
}

/** A problem the API answers with directly (a refused scope, a bad cursor); src/web/errors.tsx renders it. */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemInput) {
    super(problem.detail)
  }
}

export function problemBody({ status, detail, errors, type, title, extensions }: ProblemInput) {
  return {
    type: `${PROBLEM_TYPE_BASE}${type ?? TYPES[status] ?? 'error'}`,
    title: title ?? TITLES[status] ?? 'Error',
    status,
    detail,
    ...extensions,
    ...(errors ? { errors } : {}),
    error: { status, message: detail, ...(errors ? { fields: errors } : {}) },
  }
}

export function problem(c: Context, input: ProblemInput): Response {
  return c.body(JSON.stringify(problemBody(input)), input.status as ContentfulStatusCode, { 'Content-Type': 'application/problem+json' })
}

/** One message per field from a zod failure; the path says which field (`limit`, `tags.2`). */
export function fieldErrors(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_'
    fields[key] ??= issue.message
  }
  return fields
}
