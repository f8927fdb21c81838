import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { FormState } from '../../views/components'
import { ConflictError, ForbiddenError, RateLimitedError, UnauthenticatedError, ValidationError } from '../errors'
import type { AppEnv } from './types'

export type FormValues = Record<string, string>

/** The submitted form's text fields (files are not accepted anywhere). A malformed body is a 400. */
export async function readForm(c: Context<AppEnv>): Promise<FormValues> {
  let body: Record<string, unknown>
  try {
    body = await c.req.parseBody()
  } catch {
    throw new HTTPException(400, { message: 'The form could not be read. Please try again.' })
  }
  const values: FormValues = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' && key !== '_csrf') values[key] = value
  }
  return values
}

/** Statuses a re-rendered form is sent with: 200 for a preview, 4xx for a refusal. */
export type FormStatus = 200 | 401 | 403 | 409 | 422 | 429

export interface FormFailure {
  state: FormState
  status: Exclude<FormStatus, 200>
}

/**
 * Turns a domain error a person can act on into a form state (their input, a message by
 * each field) and a status. Other errors (not found, bugs) are not form problems: rethrown.
 */
export function formFailure(c: Context<AppEnv>, error: unknown, values: FormValues): FormFailure {
  const keep = (errors: Record<string, string>, message?: string): FormState => ({ values, errors, message })
  if (error instanceof ValidationError) return { state: keep(error.fields, error.message), status: 422 }
  if (error instanceof ConflictError)
    return { state: keep(error.field ? { [error.field]: error.message } : {}, error.message), status: 409 }
  if (error instanceof ForbiddenError) return { state: keep({}, error.message), status: 403 }
  if (error instanceof UnauthenticatedError)
    return {
      state: keep({}, 'Your session has ended. Sign in in another tab, then submit again: your text is still here.'),
      status: 401,
    }
  if (error instanceof RateLimitedError) {
    c.header('Retry-After', String(error.retryAfterSeconds))
    return { state: keep({}, error.message), status: 429 }
  }
  throw error
}

/**
 * Runs a form's action. On success returns `done(result)`; on a failure the person can fix,
 * returns `again(failure)` so the route re-renders the form with their input and messages.
 */
export async function submitForm<Result>(
  c: Context<AppEnv>,
  values: FormValues,
  action: () => Promise<Result>,
  done: (result: Result) => Response | Promise<Response>,
  again: (failure: FormFailure) => Response | Promise<Response>,
): Promise<Response> {
  let result: Result
  try {
    result = await action()
  } catch (error) {
    return again(formFailure(c, error, values))
  }
  return done(result)
}
