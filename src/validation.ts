import { z } from 'zod'
import { ValidationError } from './errors'

// NUL cannot be stored in PostgreSQL text, and other control characters are never typed:
// either means the text did not arrive as the person typed it, so we ask them to retype it.
// (Invalid UTF-8 is caught where the bytes are still visible: src/web/forms.ts.)
const UNREADABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

interface TextRule {
  min?: number
  max: number
  /** Single-line fields (titles, names) collapse every run of whitespace to one space. */
  singleLine?: boolean
  /** An empty value is allowed (and becomes ''). */
  optional?: boolean
}

function cleanText(value: unknown, singleLine: boolean): unknown {
  if (value === undefined || value === null) return ''
  if (typeof value !== 'string') return value
  const normalised = value.normalize('NFC').replace(/\r\n?/g, '\n')
  return singleLine ? normalised.replace(/\s+/g, ' ').trim() : normalised.trim()
}

/** Length in characters as a person counts them (code points, not UTF-16 units). */
export function characterCount(value: string): number {
  let count = 0
  for (const _ of value) count++
  return count
}

/** A required text field with a readable message for every way it can be wrong. */
export function text(label: string, { min = 1, max, singleLine = false, optional = false }: TextRule) {
  return z.preprocess(
    (value) => cleanText(value, singleLine),
    z.string({ error: `${label} must be text.` }).superRefine((value, ctx) => {
      if (UNREADABLE.test(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `${label} contains control characters that could not be read. Please retype it.`,
        })
        return
      }
      const length = characterCount(value)
      if (length === 0 && optional) return
      if (length === 0) ctx.addIssue({ code: 'custom', message: `${label} is required.` })
      else if (length < min)
        ctx.addIssue({ code: 'custom', message: `${label} must be at least ${min} characters (it has ${length}).` })
      else if (length > max)
        ctx.addIssue({ code: 'custom', message: `${label} must be at most ${max} characters (it has ${length}).` })
    }),
  )
}

/** Like `text`, but an empty value is allowed and becomes ''. */
export function optionalText(label: string, rule: Omit<TextRule, 'min' | 'optional'>) {
  return text(label, { ...rule, optional: true })
}

/** A positive database id from a form or URL; anything else is a field error, never a crash. */
export function id(label: string) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : value),
    z
      .number({ error: `Choose a valid ${label}.` })
      .int({ error: `Choose a valid ${label}.` })
      .min(1, { error: `Choose a valid ${label}.` })
      .max(2_147_483_647, { error: `Choose a valid ${label}.` }),
  )
}

/** An optional id from a select whose empty option means "none": '' becomes null. */
export function optionalId(label: string) {
  return z.preprocess((value) => (value === '' || value === undefined || value === null ? null : value), id(label).nullable())
}

/** A checkbox or a hidden "1"/"0" field. */
export const flag = z.preprocess(
  (value) => value === true || value === '1' || value === 'true' || value === 'on',
  z.boolean(),
)

/**
 * A one-click button's wanted state: its hidden field says "1" or "0", never anything else, so
 * a different value is a refusal rather than a guess. (A checkbox, absent when unticked, is `flag`.)
 */
export const toggle = z.preprocess(
  (value) => (value === '1' ? true : value === '0' ? false : value),
  z.boolean({ error: 'That button sent a state it does not have. Reload the page and try again.' }),
)

/**
 * Parses verb input; on failure throws a ValidationError carrying one message per field
 * (the first problem found for that field), so forms can show it beside the field.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const fields: Record<string, string> = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form')
    fields[field] ??= issue.message
  }
  throw new ValidationError(fields)
}

/** Parses a numeric id from a URL segment; returns null for anything that is not a valid id. */
export function parseId(value: string | undefined): number | null {
  if (!value || !/^\d{1,10}$/.test(value)) return null
  const parsed = Number(value)
  return parsed >= 1 && parsed <= 2_147_483_647 ? parsed : null
}

/**
 * A day (taken as UTC midnight) or an instant with its zone, from a URL parameter: the scoreboard's
 * links write both. Anything else is a message by the field, never a crash.
 */
export function instantParam(label: string) {
  return z.string().transform((text, ctx) => {
    const value = text.trim()
    const isDay = /^\d{4}-\d{2}-\d{2}$/.test(value)
    const isInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)
    const at = isDay ? new Date(`${value}T00:00:00.000Z`) : isInstant ? new Date(value) : null
    if (!at || Number.isNaN(at.getTime()) || (isDay && at.toISOString().slice(0, 10) !== value) || at.getUTCFullYear() < 2000 || at.getUTCFullYear() > 2100) {
      ctx.addIssue({ code: 'custom', message: `${label} must be a date like 2026-11-01 or a time like 2026-11-01T09:00:00Z.` })
      return z.NEVER
    }
    return at
  })
}
