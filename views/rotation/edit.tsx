import type { PersonRef } from '../../src/rotation'
import { Checkbox, CsrfField, FormMessage, Select, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from '../queue/board'

/**
 * Create or change a rotation. The order of engineers is a column of selects (1st, 2nd, …),
 * so it needs no script: a blank select is simply skipped.
 */
export function RotationForm(props: {
  chrome: Chrome
  action: string
  form: FormState
  memberIds: string[]
  teams: { slug: string; name: string }[]
  staff: PersonRef[]
  submitLabel: string
}) {
  const { form } = props
  const rows = Math.min(Math.max(props.memberIds.length + 2, 4), Math.max(props.staff.length, 1))
  const slots = Array.from({ length: Math.max(rows, props.memberIds.length) }, (_, index) => props.memberIds[index] ?? '')
  const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`
  return (
    <form method="post" action={props.action} class="rotation-form">
      <CsrfField token={props.chrome.csrfToken} />
      <FormMessage form={form} />
      {form.values.rotationId && <input type="hidden" name="rotationId" value={form.values.rotationId} />}
      <Select form={form} name="teamSlug" label="Team" placeholder="Choose a team" options={props.teams.map((team) => ({ value: team.slug, label: team.name }))} />
      <TextField form={form} name="name" label="Name" maxlength={80} hint="Like “Payments engineering rotation”." />
      <fieldset aria-describedby={form.errors.memberIds ? 'field-memberIds-error' : undefined}>
        <legend>Engineers, in order</legend>
        {slots.map((current, index) => (
          <label>
            {ordinal(index + 1)}
            <select name="memberIds" aria-invalid={form.errors.memberIds ? 'true' : undefined}>
              <option value="" selected={current === ''}>
                —
              </option>
              {props.staff.map((person) => (
                <option value={String(person.id)} selected={current === String(person.id)}>
                  {person.displayName}
                </option>
              ))}
            </select>
          </label>
        ))}
        {form.errors.memberIds && (
          <small id="field-memberIds-error" class="field-error">
            {form.errors.memberIds}
          </small>
        )}
      </fieldset>
      <div class="grid">
        <div>
          <TextField form={form} name="shiftDays" label="Shift length (days)" type="number" hint="1 to 28; working days when weekends are skipped." />
        </div>
        <div>
          <TextField form={form} name="handoff" label="Handoff time" hint="Like 09:00, in the rotation’s timezone." />
        </div>
        <div>
          <TextField form={form} name="timezone" label="Timezone" hint="Like Europe/Berlin or America/New_York." />
        </div>
      </div>
      <Checkbox form={form} name="workingDaysOnly" label="Working days only (a 2-day shift starting Friday continues on Monday)" />
      <fieldset>
        <legend>Hours to answer an escalation, by severity</legend>
        <div class="grid">
          <div>
            <TextField form={form} name="responseLow" label="Low" type="number" />
          </div>
          <div>
            <TextField form={form} name="responseNormal" label="Normal" type="number" />
          </div>
          <div>
            <TextField form={form} name="responseHigh" label="High" type="number" />
          </div>
          <div>
            <TextField form={form} name="responseCritical" label="Critical" type="number" />
          </div>
        </div>
      </fieldset>
      <TextField form={form} name="confirmWaitDays" label="Days to wait for a customer to confirm a fix" type="number" />
      <button type="submit">{props.submitLabel}</button>
    </form>
  )
}

export function NewRotationPage(props: { chrome: Chrome; form: FormState; memberIds: string[]; teams: { slug: string; name: string }[]; staff: PersonRef[] }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Set up a rotation', noindex: true }}>
      <QueueNav current="rotations" />
      <section class="narrow">
        <hgroup>
          <h1>Set up a rotation</h1>
          <p>Shifts are planned a quarter ahead as soon as it is saved, fairly, around everyone’s time away.</p>
        </hgroup>
        {props.teams.length === 0 ? (
          <p class="empty">Every team already has a rotation.</p>
        ) : (
          <RotationForm chrome={props.chrome} action="/rotations/new" form={props.form} memberIds={props.memberIds} teams={props.teams} staff={props.staff} submitLabel="Create the rotation" />
        )}
      </section>
    </Layout>
  )
}
