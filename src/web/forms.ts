import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { FormState } from '../../views/components'
import { ConflictError, ForbiddenError, RateLimitedError, UnauthenticatedError, ValidationError } from '../errors'
import type { AppEnv } from './types'

export type FormValues = Record<string, string>

const INVALID_UTF8 = 'This field contains bytes that are not valid UTF-8 text (perhaps pasted from another encoding). Please retype it.'

// Which fields of each request arrived as invalid UTF-8. Decoding replaces bad bytes with
// U+FFFD, which a person may also type on purpose, so the check runs on the raw bytes.
const invalidFields = new WeakMap<Request, string[]>()

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
  invalidFields.set(c.req.raw, await fieldsWithInvalidUtf8(c))
  return values
}

/** Every value of a repeated field (checkboxes, multi-selects): readForm keeps only the last. */
export async function readListField(c: Context<AppEnv>, name: string): Promise<string[]> {
  const type = c.req.header('content-type') ?? ''
  const buffer = await c.req.arrayBuffer()
  if (type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(new TextDecoder().decode(buffer)).getAll(name)
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(buffer, { headers: { 'content-type': type } }).formData()
    return form.getAll(name).filter((value): value is string => typeof value === 'string')
  }
  return []
}

async function fieldsWithInvalidUtf8(c: Context<AppEnv>): Promise<string[]> {
  const type = c.req.header('content-type') ?? ''
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  const strict = new TextDecoder('utf-8', { fatal: true })
  const isValid = (part: Uint8Array) => {
    try {
      strict.decode(part)
      return true
    } catch {
      return false
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const bad: string[] = []
    for (const pair of new TextDecoder('latin1').decode(bytes).split('&')) {
      const [name = '', value = ''] = pair.split(/=(.*)/s)
      if (!isValid(percentDecode(value))) bad.push(new URLSearchParams(`${name}=`).keys().next().value ?? name)
    }
    return bad
  }
  // Multipart comes only from scripts, never from our pages: one verdict for the whole body.
  if (type.startsWith('multipart/form-data') && !isValid(bytes)) return ['form']
  return []
}

/** application/x-www-form-urlencoded value (as latin1 text) to the raw bytes it encodes. */
function percentDecode(value: string): Uint8Array {
  const out: number[] = []
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!
    if (char === '+') out.push(0x20)
    else if (char === '%' && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
      out.push(parseInt(value.slice(i + 1, i + 3), 16))
      i += 2
    } else out.push(value.charCodeAt(i) & 0xff)
  }
  return Uint8Array.from(out)
}

/** Statuses a re-rendered form is sent with: 200 for a preview, 4xx for a refusal. */
export type FormStatus = 200 | 401 | 403 | 409 | 422 | 429

export interface FormFailure {
  state: FormState
  status: Exclude<FormStatus, 200>
  /** The domain error refused, for a page that cannot show this form to whoever was refused (rethrow it). */
  cause?: unknown
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
  if (error instanceof ForbiddenError) return { state: keep(error.field ? { [error.field]: error.message } : {}, error.message), status: 403 }
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
  const badEncoding = invalidFields.get(c.req.raw) ?? []
  if (badEncoding.length > 0) {
    const errors = Object.fromEntries(badEncoding.map((field) => [field, INVALID_UTF8]))
    return again({ state: { values, errors, message: 'Part of what you sent could not be read as text.' }, status: 422 })
  }
  let result: Result
  try {
    result = await action()
  } catch (error) {
    return again({ ...formFailure(c, error, values), cause: error })
  }
  return done(result)
}
