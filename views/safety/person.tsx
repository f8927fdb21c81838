import type { PersonSafety } from '../../src/safety'
import { CsrfField, FormMessage, RelativeTime, Select, TextArea, TextField, emptyForm, type FormState } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'
import { SANCTION_DURATIONS } from './review'

const LEVELS = [
  { value: 'auto', label: 'Automatic (earned by reading, posting and accepted answers)' },
  { value: '0', label: 'New' },
  { value: '1', label: 'Basic' },
  { value: '2', label: 'Member' },
  { value: '3', label: 'Regular' },
]

export interface PersonModerationForms {
  trust?: FormState
  sanction?: FormState
  remove?: FormState
}

/** /moderation/users/:id: a member's trust level, suspensions and silences, and removing a spammer. */
export function PersonModerationPage(props: {
  chrome: Chrome
  safety: PersonSafety
  isAdmin: boolean
  forms?: PersonModerationForms
  notice?: string | null
}) {
  const { chrome, safety } = props
  const person = { id: safety.userId, displayName: safety.displayName, email: safety.email }
  const forms = props.forms ?? {}
  const trustForm = forms.trust ?? emptyForm({ trustLevel: safety.locked ? String(safety.trustLevel) : 'auto' })
  const sanctionForm = forms.sanction ?? emptyForm({ kind: 'silence', duration: '7' })
  const removeForm = forms.remove ?? emptyForm({})
  return (
    <Layout chrome={chrome} meta={{ title: `${person.displayName} · Moderation`, noindex: true }}>
      <h1>{person.displayName}</h1>
      <p>
        {person.email} · {safety.role}
      </p>
      {props.notice && <p role="status">{props.notice}</p>}
      <p>
        Trust level: <strong>{safety.trustName}</strong>
        {safety.locked ? ' (set by hand)' : ' (automatic)'}
        {safety.deleted && ' · removed as a spammer'}
      </p>
      {props.isAdmin && !safety.deleted && (
        <section>
          <h2>Trust level</h2>
          <form method="post" action={`/moderation/users/${person.id}/trust`}>
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={trustForm} />
            <Select form={trustForm} name="trustLevel" label="Level" options={LEVELS} />
            <button type="submit">Set trust level</button>
          </form>
        </section>
      )}
      <section>
        <h2>Suspensions and silences</h2>
        {safety.sanctions.length === 0 ? (
          <p class="empty">Never suspended or silenced.</p>
        ) : (
          <ul>
            {safety.sanctions.map((s) => (
              <li>
                <strong>{s.kind === 'suspend' ? 'Suspended' : 'Silenced'}</strong> <RelativeTime at={s.startsAt} now={chrome.now} />
                {s.byName && <> by {s.byName}</>}, {s.endsAt ? `until ${formatDateTime(s.endsAt)}` : 'until lifted'}
                {s.active ? ' (in force)' : ' (over)'}. Reason: {s.reason}. They are told: “{s.message}”
                {s.active && (
                  <form method="post" action={`/moderation/sanctions/${s.id}/lift`}>
                    <CsrfField token={chrome.csrfToken} />
                    <button type="submit" class="secondary">
                      Lift now
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
        {!safety.deleted && (
          <form method="post" action={`/moderation/users/${person.id}/sanctions`}>
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={sanctionForm} />
            <Select
              form={sanctionForm}
              name="kind"
              label="What"
              options={[
                { value: 'silence', label: 'Silence: can read and sign in, cannot post, reply, vote or flag' },
                { value: 'suspend', label: 'Suspend: signed out, cannot sign in' },
              ]}
            />
            <TextField form={sanctionForm} name="reason" label="Reason (for staff)" required maxlength={500} />
            <TextArea form={sanctionForm} name="message" label="What the person is told" rows={3} required maxlength={1000} />
            <Select form={sanctionForm} name="duration" label="For" options={SANCTION_DURATIONS} />
            <button type="submit">Apply</button>
          </form>
        )}
      </section>
      {!safety.deleted && (
        <section>
          <h2>Remove as a spammer</h2>
          <p>
            Hides every question and reply they posted, signs them out everywhere, revokes their API tokens and closes the account. A record is kept in the
            audit log, and their address cannot sign up again.
          </p>
          <form method="post" action={`/moderation/users/${person.id}/remove`}>
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={removeForm} />
            <TextField form={removeForm} name="reason" label="Reason" maxlength={500} placeholder="Spam" />
            <TextField form={removeForm} name="confirmName" label={`Type “${person.displayName}” to confirm`} required maxlength={100} autocomplete="off" />
            <button type="submit" class="contrast">
              Remove {person.displayName} and all their posts
            </button>
          </form>
        </section>
      )}
    </Layout>
  )
}
