import type { AuditEntryRow, AuditFilterChoices } from '../../src/audit'
import { emptyForm, FormMessage, RelativeTime, Select, TextField, type FormState } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'
import { AdminNav } from './admin'

/** Where an entry's subject is looked at, when it has a page of its own. */
function subjectHref(entry: AuditEntryRow): string | null {
  if (!entry.subjectId || !/^\d+$/.test(entry.subjectId)) return null
  switch (entry.subjectType) {
    case 'user':
      return `/admin/users/${entry.subjectId}`
    case 'organisation':
      return `/admin/organisations/${entry.subjectId}`
    case 'thread':
      return `/t/${entry.subjectId}`
    case 'webhook_endpoint':
      return `/admin/webhooks/${entry.subjectId}`
    case 'sso_provider':
      return `/admin/sso/providers/${entry.subjectId}`
    default:
      return null
  }
}

function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

export function AuditDetails({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details)
  if (entries.length === 0) return null
  return (
    <dl class="audit-details">
      {entries.map(([key, value]) => (
        <>
          <dt>{key}</dt>
          <dd>{detailValue(value)}</dd>
        </>
      ))}
    </dl>
  )
}

export function AuditTable({ entries, now }: { entries: AuditEntryRow[]; now: Date }) {
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label="Audit log (scrolls sideways)">
      <table class="striped audit-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const href = subjectHref(entry)
            const label = entry.subjectLabel ?? (entry.subjectType ? `${entry.subjectType} #${entry.subjectId ?? ''}` : '')
            return (
              <tr id={`audit-${entry.id}`}>
                <td>
                  <RelativeTime at={entry.createdAt} now={now} />
                  <br />
                  <small>{formatDateTime(entry.createdAt)}</small>
                </td>
                <td>{entry.actorId ? <a href={`/admin/users/${entry.actorId}`}>{entry.actorName}</a> : entry.actorName}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td>
                  {entry.subjectType && <small>{entry.subjectType} </small>}
                  {href ? <a href={href}>{label}</a> : label}
                </td>
                <td>
                  <AuditDetails details={entry.details} />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

export function AuditLogPage(props: {
  chrome: Chrome
  entries: AuditEntryRow[]
  choices: AuditFilterChoices
  form?: FormState
  nextHref: string | null
  firstPage: boolean
}) {
  const form = props.form ?? emptyForm()
  const filtered = Object.values(form.values).some((value) => value !== '')
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Audit log · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="audit" />
      <p>What staff did (role changes, moderation, settings), newest first. Entries are written with the change itself and never edited.</p>
      <form method="get" action="/admin/audit" class="audit-filter" aria-label="Filter the audit log">
        <FormMessage form={form} />
        <div class="grid">
          <div>
            <Select form={form} name="actor" label="Who" placeholder="Anyone" options={props.choices.actors.map((actor) => ({ value: String(actor.id), label: actor.name }))} />
          </div>
          <div>
            <Select form={form} name="action" label="Action" placeholder="Any action" options={props.choices.actions.map((action) => ({ value: action, label: action }))} />
          </div>
          <div>
            <TextField form={form} name="from" label="From (UTC day)" placeholder="2026-12-01" attributes={{ type: 'date' }} />
          </div>
          <div>
            <TextField form={form} name="to" label="To (UTC day)" placeholder="2026-12-31" attributes={{ type: 'date' }} />
          </div>
        </div>
        <button type="submit">Filter</button> {filtered && <a href="/admin/audit">Clear the filter</a>}
      </form>
      {props.entries.length === 0 ? (
        <p class="empty">{!props.firstPage ? 'No older entries.' : filtered ? 'Nothing matches this filter.' : 'No staff actions recorded yet.'}</p>
      ) : (
        <AuditTable entries={props.entries} now={props.chrome.now} />
      )}
      {props.nextHref && (
        <nav class="pager" aria-label="Pages">
          <a href={props.nextHref} rel="next">
            Older entries →
          </a>
        </nav>
      )}
    </Layout>
  )
}
