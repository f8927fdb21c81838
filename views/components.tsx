import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import type { Role } from '../src/db/schema'
import { formatDateTime, formatRelative } from './format'

export function RelativeTime({ at, now }: { at: Date; now: Date }) {
  return (
    <time datetime={at.toISOString()} title={formatDateTime(at)}>
      {formatRelative(at, now)}
    </time>
  )
}

const ROLE_LABEL: Record<Role, string | null> = { member: null, support: 'Support', engineer: 'Engineer', admin: 'Staff' }

export function RoleBadge({ role }: { role: Role }) {
  const label = ROLE_LABEL[role]
  return label ? <span class={`badge badge-${role}`}>{label}</span> : null
}

export function UserLink({ user }: { user: { id: number; displayName: string; role: Role } }) {
  return (
    <span class="user-link">
      <a href={`/u/${user.id}`}>{user.displayName}</a> <RoleBadge role={user.role} />
    </span>
  )
}

/** The one place raw HTML reaches a page: Markdown the forum domain has already sanitised. */
export function SanitizedHtml({ html, class: className }: { html: string; class?: string }) {
  return <div class={className ?? 'prose'}>{raw(focusableCodeBlocks(html))}</div>
}

/**
 * A code block scrolls sideways when its lines are long, so keyboard users must be able to focus
 * it to scroll (WCAG 2.1.1). Added when shown, so posts stored before this need no rewrite; the
 * HTML was sanitised at write time and this only touches the exact tag sanitize-html emits.
 */
export function focusableCodeBlocks(html: string): string {
  return html.includes('<pre><code') ? html.replaceAll('<pre><code', '<pre><code tabindex="0"') : html
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />
}

export interface FormState {
  values: Record<string, string>
  errors: Record<string, string>
  /** A message for the whole form (shown above it), e.g. "This thread is locked". */
  message?: string
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} })

/** Says what went wrong at the top of a form and is announced to screen readers. */
export function FormMessage({ form }: { form: FormState }) {
  const count = Object.keys(form.errors).length
  if (!form.message && count === 0) return null
  return (
    <p class="form-message" role="alert">
      {form.message ?? (count === 1 ? 'Please correct the highlighted field.' : 'Please correct the highlighted fields.')}
    </p>
  )
}

interface FieldProps {
  form: FormState
  name: string
  label: string
  hint?: Child
  id?: string
}

function describedBy(id: string, error: string | undefined, hint: unknown): string | undefined {
  return [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined
}

function FieldNotes({ id, error, hint }: { id: string; error?: string; hint?: Child }) {
  return (
    <>
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
      {hint && !error && <small id={`${id}-hint`}>{hint}</small>}
    </>
  )
}

export function TextField(
  props: FieldProps & {
    type?: 'text' | 'email' | 'password' | 'search' | 'number' | 'url'
    required?: boolean
    autocomplete?: string
    maxlength?: number
    minlength?: number
    placeholder?: string
    autofocus?: boolean
    attributes?: Record<string, string>
  },
) {
  const id = props.id ?? `field-${props.name}`
  const error = props.form.errors[props.name]
  return (
    <>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? '' : (props.form.values[props.name] ?? '')}
        required={props.required}
        autocomplete={props.autocomplete}
        maxlength={props.maxlength}
        minlength={props.minlength}
        placeholder={props.placeholder}
        autofocus={props.autofocus}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.hint)}
        {...(props.attributes ?? {})}
      />
      <FieldNotes id={id} error={error} hint={props.hint} />
    </>
  )
}

export function TextArea(
  props: FieldProps & { rows?: number; required?: boolean; maxlength?: number; attributes?: Record<string, string> },
) {
  const id = props.id ?? `field-${props.name}`
  const error = props.form.errors[props.name]
  return (
    <>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 8}
        required={props.required}
        maxlength={props.maxlength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.hint)}
        {...(props.attributes ?? {})}
      >
        {props.form.values[props.name] ?? ''}
      </textarea>
      <FieldNotes id={id} error={error} hint={props.hint} />
    </>
  )
}

export function Select(
  props: FieldProps & { options: { value: string; label: string }[]; placeholder?: string; required?: boolean },
) {
  const id = props.id ?? `field-${props.name}`
  const error = props.form.errors[props.name]
  const current = props.form.values[props.name] ?? ''
  return (
    <>
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, error, props.hint)}
      >
        {props.placeholder !== undefined && (
          <option value="" selected={current === ''}>
            {props.placeholder}
          </option>
        )}
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === current}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldNotes id={id} error={error} hint={props.hint} />
    </>
  )
}

export function Checkbox(props: FieldProps) {
  const id = props.id ?? `field-${props.name}`
  const error = props.form.errors[props.name]
  const checked = ['1', 'on', 'true'].includes(props.form.values[props.name] ?? '')
  return (
    <fieldset>
      <input type="hidden" name={props.name} value="0" />
      <label for={id}>
        <input id={id} type="checkbox" name={props.name} value="1" checked={checked} aria-invalid={error ? 'true' : undefined} />
        {props.label}
      </label>
      <FieldNotes id={id} error={error} hint={props.hint} />
    </fieldset>
  )
}

/** A row of section links (a page's tabs); the current one is marked for assistive technology. */
export function Tabs<Key extends string>({ label, current, links, class: className }: { label: string; current: Key; links: [Key, string, string][]; class?: string }) {
  return (
    <nav aria-label={label} class={className ? `tabs ${className}` : 'tabs'}>
      <ul>
        {links.map(([key, href, text]) => (
          <li>
            <a href={href} aria-current={key === current ? 'page' : undefined}>
              {text}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/**
 * "First page" and "Next" links of a list paged by cursor (newest first): the first link only once
 * the reader has moved on, the next only while there is more.
 */
export function CursorPager({ label, firstHref, nextHref, nextText = 'Next page' }: { label: string; firstHref: string | null; nextHref: string | null; nextText?: string }) {
  if (!firstHref && !nextHref) return null
  return (
    <nav class="pagination" aria-label={label}>
      {firstHref && <a href={firstHref}>First page</a>}
      {nextHref && (
        <a href={nextHref} rel="next">
          {nextText}
        </a>
      )}
    </nav>
  )
}

/** Filters in a link that could not be used, each by its name (ids `${prefix}-${name}-error`): nothing is listed under them. */
export function FilterErrors({ prefix, errors }: { prefix: string; errors: [string, string][] }) {
  return (
    <div role="alert" class="form-error">
      <p>These filters could not be used, so nothing is listed:</p>
      <ul>
        {errors.map(([key, message]) => (
          <li id={`${prefix}-${key}-error`}>
            <code>{key}</code>: {message}
          </li>
        ))}
      </ul>
    </div>
  )
}
