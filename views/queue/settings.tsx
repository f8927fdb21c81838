import type { ApiScope, BusinessCalendarRow, Macro, SlaPolicy, Team } from '../../src/db/schema'
import { itemKinds, plans, severities } from '../../src/db/schema'
import { describeTarget, formatWindows, PLACEHOLDERS } from '../../src/queue'
import { Checkbox, CsrfField, FormMessage, RelativeTime, Select, TextArea, TextField, type FormState } from '../components'
import { threadPath } from '../format'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from './board'
import { KIND_LABEL, SEVERITY_LABEL } from './labels'

export function FileItemPage(props: { chrome: Chrome; form: FormState; teams: string[]; organisations: { id: number; name: string }[] }) {
  const { form } = props
  return (
    <Layout chrome={props.chrome} meta={{ title: 'File an item', noindex: true }}>
      <QueueNav current="new" />
      <section class="narrow">
        <hgroup>
          <h1>File an item</h1>
          <p>For an email, a chat or a call that needs the same care as a forum thread.</p>
        </hgroup>
        <form method="post" action="/queue/items/new">
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={form} />
          <Select
            form={form}
            name="source"
            label="Came from"
            options={[
              { value: 'email', label: 'Email' },
              { value: 'chat', label: 'Chat' },
              { value: 'call', label: 'Call' },
              { value: 'other', label: 'Something else' },
            ]}
          />
          <TextField form={form} name="title" label="Title" required maxlength={200} />
          <TextArea form={form} name="description" label="What the customer said" rows={6} maxlength={20000} />
          <TextField form={form} name="requesterEmail" type="email" label="Customer’s email (optional)" hint="An existing account; their organisation and plan come with it." />
          <Select
            form={form}
            name="organisationId"
            label="Organisation (optional)"
            placeholder="From the customer, or none"
            options={props.organisations.map((organisation) => ({ value: String(organisation.id), label: organisation.name }))}
          />
          <Select form={form} name="kind" label="Kind" options={itemKinds.map((kind) => ({ value: kind, label: KIND_LABEL[kind] }))} />
          <Select form={form} name="severity" label="Severity" options={severities.map((severity) => ({ value: severity, label: SEVERITY_LABEL[severity] }))} />
          <Select form={form} name="teamSlug" label="Team" placeholder="Choose a team" options={props.teams.map((team) => ({ value: team, label: team }))} />
          <button type="submit">File the item</button>
        </form>
      </section>
    </Layout>
  )
}

export function MacrosPage(props: { chrome: Chrome; macros: Macro[]; form: FormState; teams: string[]; editing: Macro | null }) {
  const { form } = props
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Canned replies', noindex: true }}>
      <QueueNav current="macros" />
      <h1>Canned replies</h1>
      {props.macros.length === 0 ? (
        <p class="empty">No canned replies yet.</p>
      ) : (
        <ul class="macro-list">
          {props.macros.map((macro) => (
            <li>
              <a href={`/queue/macros?edit=${macro.id}`}>{macro.title}</a> <small class="muted">{macro.teamSlug ? `team ${macro.teamSlug}` : 'all teams'}</small>
              <form method="post" action={`/queue/macros/${macro.id}/delete`} class="inline-form">
                <CsrfField token={props.chrome.csrfToken} />
                <button type="submit" class="small secondary outline" aria-label={`Delete ${macro.title}`}>
                  Delete
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <section class="narrow" aria-labelledby="macro-form-heading">
        <h2 id="macro-form-heading">{props.editing ? `Edit “${props.editing.title}”` : 'New canned reply'}</h2>
        <form method="post" action="/queue/macros">
          <CsrfField token={props.chrome.csrfToken} />
          {props.editing && <input type="hidden" name="macroId" value={String(props.editing.id)} />}
          <FormMessage form={form} />
          <TextField form={form} name="title" label="Title" required maxlength={80} />
          <TextArea
            form={form}
            name="body"
            label="Text"
            rows={6}
            maxlength={20000}
            hint={`Placeholders: ${Object.keys(PLACEHOLDERS)
              .map((name) => `{{${name}}}`)
              .join(', ')}`}
          />
          <Select form={form} name="teamSlug" label="Team" placeholder="All teams" options={props.teams.map((team) => ({ value: team, label: team }))} />
          <button type="submit">Save</button>
        </form>
      </section>
    </Layout>
  )
}

const minutesText = (minutes: number) => `${minutes} min`

export function SlaSettingsPage(props: {
  chrome: Chrome
  policies: SlaPolicy[]
  calendars: BusinessCalendarRow[]
  policyForm: FormState
  calendarForm: FormState
  canEdit: boolean
}) {
  const calendarName = (id: number | null) => props.calendars.find((calendar) => calendar.id === id)?.name ?? '24/7'
  const calendarOf = (id: number | null) => {
    const calendar = props.calendars.find((row) => row.id === id)
    return calendar ? { timezone: calendar.timezone, windows: calendar.windows, holidays: calendar.holidays } : { timezone: 'UTC', windows: [], holidays: [] }
  }
  return (
    <Layout chrome={props.chrome} meta={{ title: 'SLA policies', noindex: true }}>
      <QueueNav current="sla" />
      <h1>SLA policies</h1>
      <p>The first policy (by position) whose conditions match an item applies; an empty condition matches anything. Items keep the version they started with.</p>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Table (scrolls sideways)">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Policy</th>
              <th scope="col">Plan</th>
              <th scope="col">Severity</th>
              <th scope="col">Kind</th>
              <th scope="col">First response</th>
              <th scope="col">Next response</th>
              <th scope="col">Resolution</th>
              <th scope="col">Hours</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {props.policies.map((policy) => (
              <tr>
                <td>{policy.position}</td>
                <td>{props.canEdit ? <a href={`/queue/settings/sla?policy=${policy.id}`}>{policy.name}</a> : policy.name}</td>
                <td>{policy.matchPlan ?? 'any'}</td>
                <td>{policy.matchSeverity ?? 'any'}</td>
                <td>{policy.matchKind ?? 'any'}</td>
                <td title={minutesText(policy.firstResponseMinutes)}>{describeTarget(policy.firstResponseMinutes, calendarOf(policy.calendarId))}</td>
                <td title={minutesText(policy.nextResponseMinutes)}>{describeTarget(policy.nextResponseMinutes, calendarOf(policy.calendarId))}</td>
                <td title={minutesText(policy.resolutionMinutes)}>{describeTarget(policy.resolutionMinutes, calendarOf(policy.calendarId))}</td>
                <td>{calendarName(policy.calendarId)}</td>
                <td>{policy.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.policies.length === 0 && <p class="empty">No policies: items get a 24/7 default of 3 days to first response.</p>}
      {props.canEdit && (
        <section class="narrow" aria-labelledby="policy-form-heading">
          <h2 id="policy-form-heading">{props.policyForm.values.policyId ? 'Edit policy' : 'New policy'}</h2>
          <form method="post" action="/queue/settings/sla/policies">
            <CsrfField token={props.chrome.csrfToken} />
            {props.policyForm.values.policyId && <input type="hidden" name="policyId" value={props.policyForm.values.policyId} />}
            <FormMessage form={props.policyForm} />
            <TextField form={props.policyForm} name="name" label="Name" required maxlength={80} />
            <TextField form={props.policyForm} name="position" type="number" label="Position" hint="Lower positions are tried first." />
            <Select form={props.policyForm} name="matchPlan" label="Plan" placeholder="Any plan" options={plans.map((plan) => ({ value: plan, label: plan }))} />
            <Select form={props.policyForm} name="matchSeverity" label="Severity" placeholder="Any severity" options={severities.map((severity) => ({ value: severity, label: SEVERITY_LABEL[severity] }))} />
            <Select form={props.policyForm} name="matchKind" label="Kind" placeholder="Any kind" options={itemKinds.map((kind) => ({ value: kind, label: KIND_LABEL[kind] }))} />
            <TextField form={props.policyForm} name="firstResponseMinutes" type="number" label="First response (minutes)" />
            <TextField form={props.policyForm} name="nextResponseMinutes" type="number" label="Next response (minutes)" />
            <TextField form={props.policyForm} name="resolutionMinutes" type="number" label="Resolution (minutes)" />
            <Select form={props.policyForm} name="calendarId" label="Counted in" placeholder="24/7" options={props.calendars.map((calendar) => ({ value: String(calendar.id), label: calendar.name }))} />
            <div class="form-buttons">
              <button type="submit">Save policy</button>
              {props.policyForm.values.policyId && (
                <button type="submit" formaction={`/queue/settings/sla/policies/${props.policyForm.values.policyId}/delete`} class="secondary outline">
                  Delete
                </button>
              )}
            </div>
          </form>
        </section>
      )}
      <h2>Business hours</h2>
      <ul>
        {props.calendars.map((calendar) => (
          <li>
            {props.canEdit ? <a href={`/queue/settings/sla?calendar=${calendar.id}`}>{calendar.name}</a> : calendar.name} ({calendar.timezone}):{' '}
            {formatWindows(calendar.windows).replace(/\n/g, '; ') || 'always open'}
            {calendar.holidays.length > 0 && `; closed on ${calendar.holidays.join(', ')}`}
          </li>
        ))}
      </ul>
      {props.canEdit && (
        <section class="narrow" aria-labelledby="calendar-form-heading">
          <h2 id="calendar-form-heading">{props.calendarForm.values.calendarId ? 'Edit calendar' : 'New calendar'}</h2>
          <form method="post" action="/queue/settings/sla/calendars">
            <CsrfField token={props.chrome.csrfToken} />
            {props.calendarForm.values.calendarId && <input type="hidden" name="calendarId" value={props.calendarForm.values.calendarId} />}
            <FormMessage form={props.calendarForm} />
            <TextField form={props.calendarForm} name="name" label="Name" required maxlength={60} />
            <TextField form={props.calendarForm} name="timezone" label="Timezone" hint="An IANA name, like Europe/Berlin or America/New_York." />
            <TextArea form={props.calendarForm} name="windows" label="Opening hours" rows={4} hint="One line per rule: “Mon-Fri 09:00-17:00”, “Sat 10:00-14:00”. Empty means 24/7." />
            <TextArea form={props.calendarForm} name="holidays" label="Holidays" rows={3} hint="Dates like 2026-12-25, separated by spaces or lines." />
            <button type="submit">Save calendar</button>
          </form>
        </section>
      )}
    </Layout>
  )
}

export function TeamsPage(props: {
  chrome: Chrome
  teams: Team[]
  slugs: string[]
  members: { teamSlug: string; userId: number }[]
  staff: { id: number; displayName: string; role: string; onDuty: boolean }[]
  form: FormState
  memberIds: string[]
  canEdit: boolean
}) {
  const name = (id: number | null) => props.staff.find((person) => person.id === id)?.displayName ?? '—'
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Teams', noindex: true }}>
      <QueueNav current="teams" />
      <h1>Teams</h1>
      <table class="striped">
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Lead</th>
            <th scope="col">Members (on duty in bold)</th>
          </tr>
        </thead>
        <tbody>
          {props.slugs.map((slug) => {
            const team = props.teams.find((row) => row.slug === slug)
            const members = props.members.filter((member) => member.teamSlug === slug)
            return (
              <tr>
                <td>{props.canEdit ? <a href={`/queue/settings/teams?team=${slug}`}>{team?.name ?? slug}</a> : (team?.name ?? slug)}</td>
                <td>{team ? name(team.leadId) : '—'}</td>
                <td>
                  {members.length === 0
                    ? 'nobody yet: items wait unassigned'
                    : members.map((member, index) => {
                        const person = props.staff.find((row) => row.id === member.userId)
                        return (
                          <>
                            {index > 0 && ', '}
                            {person?.onDuty ? <strong>{person.displayName}</strong> : (person?.displayName ?? '?')}
                          </>
                        )
                      })}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <h2>On duty</h2>
      <ul class="duty-list">
        {props.staff.map((person) => (
          <li>
            {person.displayName} <small class="muted">{person.role}</small> {person.onDuty ? <strong>on duty</strong> : <span class="muted">off duty</span>}
            {props.canEdit && (
              <form method="post" action="/queue/duty" class="inline-form">
                <CsrfField token={props.chrome.csrfToken} />
                <input type="hidden" name="userId" value={String(person.id)} />
                <input type="hidden" name="onDuty" value={person.onDuty ? '0' : '1'} />
                <button type="submit" class="small outline">
                  {person.onDuty ? 'Off duty' : 'On duty'}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {props.canEdit && (
        <section class="narrow" aria-labelledby="team-form-heading">
          <h2 id="team-form-heading">Create or edit a team</h2>
          <form method="post" action="/queue/settings/teams">
            <CsrfField token={props.chrome.csrfToken} />
            <FormMessage form={props.form} />
            <TextField form={props.form} name="slug" label="Slug" hint="Categories route to teams by this slug." />
            <TextField form={props.form} name="name" label="Name" />
            <Select form={props.form} name="leadId" label="Lead" placeholder="No lead" options={props.staff.map((person) => ({ value: String(person.id), label: person.displayName }))} />
            <fieldset>
              <legend>Members</legend>
              {props.staff.map((person) => (
                <label>
                  <input type="checkbox" name="memberIds" value={String(person.id)} checked={props.memberIds.includes(String(person.id))} /> {person.displayName}
                </label>
              ))}
              {props.form.errors.memberIds && <small class="field-error">{props.form.errors.memberIds}</small>}
            </fieldset>
            <TextField
              form={props.form}
              name="chatWebhookUrl"
              label="Chat webhook URL"
              hint="A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, a Teams workflow): escalations, missed response targets, SLA breaches and shift handovers are posted there. Leave empty for none."
            />
            <Checkbox form={props.form} name="chatAllowPrivateNetwork" label="Allow a private-network address (a self-hosted chat server)" />
            <button type="submit">Save team</button>
          </form>
        </section>
      )}
    </Layout>
  )
}

// What each scope lets a token do, in the words of the tokens page.
const SCOPE_LABEL: Record<ApiScope, string> = {
  'items:write': 'items:write (file items, change state, assign, triage, reply)',
  'items:read': 'items:read (the board and items)',
  'threads:read': 'threads:read (read threads, search; public content)',
  'threads:write': 'threads:write (ask and reply, as you)',
  'notes:read': 'notes:read (internal notes on items read through the API)',
  'notes:write': 'notes:write (add internal notes)',
  'escalations:read': 'escalations:read (escalations with their reproduction and answer)',
  'escalations:write': 'escalations:write (escalate items, answer escalations)',
  'rotations:read': 'rotations:read (who is on rotation, shifts)',
  'organisations:read': 'organisations:read (customer organisations and plans)',
  'people:read': 'people:read (people and their organisations)',
  'notifications:read': 'notifications:read (your notifications)',
}

export interface TokensPageProps {
  chrome: Chrome
  /** Where the page lives: the queue's settings (staff; an admin sees everyone's tokens) or the account (anyone, their own). */
  place: 'queue' | 'account'
  tokens: { id: number; name: string; scopes: string[]; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; ownerName: string }[]
  /** The scopes the viewer's role may put on a token. */
  scopes: readonly ApiScope[]
  form: FormState
  /** The scopes ticked when the form comes back with an error. */
  chosen?: readonly string[]
  created: string | null
}

export function TokensPage(props: TokensPageProps) {
  const base = props.place === 'queue' ? '/queue/tokens' : '/account/tokens'
  const chosen = props.chosen ?? [props.scopes.includes('items:write') ? 'items:write' : 'threads:read']
  return (
    <Layout chrome={props.chrome} meta={{ title: 'API tokens', noindex: true }}>
      {props.place === 'queue' && <QueueNav current="tokens" />}
      <h1>API tokens</h1>
      <p>
        For scripts and other tools using the <a href="/api/docs">JSON API</a>: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as the person who
        made it and sees only what they may see; revoke it here when it is no longer needed.
      </p>
      {props.created && (
        <div class="token-once" role="status">
          <p>
            <strong>Copy this token now: it is shown only once.</strong>
          </p>
          <code class="token">{props.created}</code>
        </div>
      )}
      {props.tokens.length === 0 ? (
        <p class="muted">No tokens yet.</p>
      ) : (
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scopes</th>
              <th scope="col">Owner</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => (
              <tr class={token.revokedAt ? 'revoked' : undefined}>
                <td>{token.name}</td>
                <td>{token.scopes.join(', ')}</td>
                <td>{token.ownerName}</td>
                <td>{token.lastUsedAt ? <RelativeTime at={token.lastUsedAt} now={props.chrome.now} /> : 'never'}</td>
                <td>
                  {token.revokedAt ? (
                    <span class="muted">revoked</span>
                  ) : (
                    <form method="post" action={`${base}/${token.id}/revoke`} class="inline-form">
                      <CsrfField token={props.chrome.csrfToken} />
                      <button type="submit" class="small secondary outline" aria-label={`Revoke ${token.name}`}>
                        Revoke
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="narrow" aria-labelledby="token-form-heading">
        <h2 id="token-form-heading">New token</h2>
        <form method="post" action={base}>
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <TextField form={props.form} name="name" label="Name" hint="What uses it: “Zendesk bridge”, “sales CRM”, “my export script”." />
          <fieldset>
            <legend>Scopes</legend>
            {props.scopes.map((scope) => (
              <label>
                <input type="checkbox" name="scopes" value={scope} checked={chosen.includes(scope)} /> {SCOPE_LABEL[scope]}
              </label>
            ))}
            {props.form.errors.scopes && <small class="field-error">{props.form.errors.scopes}</small>}
          </fieldset>
          <button type="submit">Create token</button>
        </form>
      </section>
    </Layout>
  )
}
