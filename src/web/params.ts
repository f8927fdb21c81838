import type { Context } from 'hono'
import { NotFoundError } from '../errors'
import { parseId } from '../validation'

/** A numeric id from the URL; anything else (letters, overflow) is a plain 404. */
export function idParam(c: Context, name: string, what: string): number {
  const id = parseId(c.req.param(name))
  if (id === null) throw new NotFoundError(what)
  return id
}
