import type { RotationPage } from '../../src/rotation'
import { CsrfField, emptyForm, FormMessage, Select, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from '../queue/board'
import { CalendarGrid, OnNowLine } from './calendar'
import { RotationForm } from './edit'
import { clockTime, localDateTime, localRange } from './format'
import { FeedCreated, feedUrl, type RotationForms } from './overview'

const SEVERITIES = [
  ['critical', 'Critical'],
  ['high', 'High'],
  ['normal', 'Normal'],
  ['low', 'Low'],
] as const

/** The edit form's values for a saved rotation. */
export function rotationFormValues(page: RotationPage): { form: FormState; memberIds: string[] } {
  const { rotation } = page
  const targets = rotation.responseTargets
  return {
    form: emptyForm({
      rotationId: String(rotation.id),
      teamSlug: rotation.teamSlug,
      name: rotation.name,
      shiftDays: String(rotation.shiftDays),
      handoff: clockTime(rotation.handoffMinutes),
      timezone: rotation.timezone,
      workingDaysOnly: rotation.workingDaysOnly ? '1' : '0',
      responseLow: String(targets.low),
      responseNormal: String(targets.normal),
      responseHigh: String(targets.high),
      responseCritical: String(targets.critical),
      confirmWaitDays: String(rotation.confirmWaitDays),
    }),
    memberIds: page.members.map((member) => String(member.id)),
  }
}

export function RotationPageView(props: {
  chrome: Chrome
  page: RotationPage
  forms: RotationForms
  /** The edit form after a refused save: the person's input and its order of engineers. */
  edit: { form: FormState; memberIds: string[] } | null
  createdFeed: string | null
}) {
  const { chrome, page, forms } = props
  const { rotation, summary } = page
  const tz = rotation.timezone
  const team = encodeURIComponent(rotation.teamSlug)
  const form = (key: string) => forms[key] ?? emptyForm()
  const overrideForm = form('override')
  const swapForm = form('swap')
  const edit = props.edit ?? rotationFormValues(page)
  const upcoming = page.shifts.filter((shift) => shift.startsAt > chrome.now && shift.userId !== null)
  return (
    <Layout chrome={chrome} meta={{ title: `${page.teamName}: ${rotation.name}`, noindex: true }} wide>
      <QueueNav current="rotations" />
      <p class="breadcrumb-line">
        <a href="/rotations">Rotations</a> › {page.teamName}
      </p>
      <hgroup>
        <h1>
          {page.teamName}: {rotation.name}
        </h1>
        <p>
          {rotation.shiftDays}-{rotation.workingDaysOnly ? 'working-day' : 'day'} shifts, handing off at {clockTime(rotation.handoffMinutes)} ({tz})
          {rotation.workingDaysOnly ? '; weekends skipped' : ''}.
        </p>
      </hgroup>
      <nav aria-label="Engineering" class="tabs engineering-links">
        <ul>
          <li>
            <a href={`/handoffs?team=${team}`}>Handoffs</a>
          </li>
          <li>
            <a href={`/sync?team=${team}`}>Daily sync</a>
          </li>
          <li>
            <a href={`/fairness?team=${team}`}>Fairness</a>
          </li>
          <li>
            <a href="/escalations/mine">My escalations</a>
          </li>
        </ul>
      </nav>
      <OnNowLine summary={summary} />

      <div class="two-columns">
        <section aria-labelledby="members-heading">
          <h2 id="members-heading">Engineers, in order</h2>
          <ol class="rotation-members">
            {page.members.map((member) => (
              <li>{member.displayName}</li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="targets-heading">
          <h2 id="targets-heading">Response targets</h2>
          <table class="response-targets">
            <tbody>
              {SEVERITIES.map(([key, label]) => (
                <tr>
                  <th scope="row">{label}</th>
                  <td>{rotation.responseTargets[key]} h</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <section aria-labelledby="calendar-heading">
        <h2 id="calendar-heading">The quarter ahead</h2>
        <CalendarGrid weeks={summary.weeks} names={page.names} timezone={tz} label={`${page.teamName}: the quarter ahead`} viewerId={chrome.viewer?.id ?? 0} />
        {page.can.manage && (
          <form method="post" action={`/rotations/${rotation.id}/replan`} class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={form('replan')} />
            <button type="submit" class="small outline">
              Re-plan from the next shift
            </button>{' '}
            <small class="muted">After time away was planned over a shift: swapped and running shifts stay.</small>
          </form>
        )}
      </section>

      <section aria-labelledby="shifts-heading">
        <h2 id="shifts-heading">Shifts</h2>
        <details>
          <summary>Every planned shift ({page.shifts.length})</summary>
          <div class="table-scroll" tabindex={0} role="region" aria-label="Shifts (scrolls sideways)">
            <table class="striped shift-list">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              <tbody>
                {page.shifts.map((shift) => (
                  <tr data-shift={String(shift.id)}>
                    <td>{localRange(shift.startsAt, shift.endsAt, tz)}</td>
                    <td>{shift.displayName ?? 'nobody (team lead)'}</td>
                    <td>
                      {[shift.locked ? 'swapped' : '', shift.passedOver.length ? `passed over: ${shift.passedOver.join(', ')}` : ''].filter(Boolean).join('; ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
        {page.can.edit && upcoming.length > 1 && (
          <form method="post" action={`/rotations/${rotation.id}/swap`} class="admin-swap">
            <CsrfField token={chrome.csrfToken} />
            <h3>Swap two shifts (admin)</h3>
            <FormMessage form={swapForm} />
            <div class="grid">
              <div>
                <Select
                  form={swapForm}
                  name="shiftId"
                  label="This shift"
                  options={upcoming.map((shift) => ({ value: String(shift.id), label: `${localDateTime(shift.startsAt, tz)}: ${shift.displayName}` }))}
                />
              </div>
              <div>
                <Select
                  form={swapForm}
                  name="otherShiftId"
                  label="with this one"
                  options={upcoming.map((shift) => ({ value: String(shift.id), label: `${localDateTime(shift.startsAt, tz)}: ${shift.displayName}` }))}
                />
              </div>
            </div>
            <button type="submit" class="outline">
              Swap them
            </button>
          </form>
        )}
      </section>

      <section id="overrides" aria-labelledby="overrides-heading">
        <h2 id="overrides-heading">Overrides</h2>
        <p>Someone covers a time range; it takes precedence over the planned shift.</p>
        {page.overrides.length === 0 ? (
          <p class="empty">No overrides coming up.</p>
        ) : (
          <ul class="compact-list override-list">
            {page.overrides.map((cover) => (
              <li data-override={String(cover.id)}>
                <strong>{cover.displayName}</strong> covers {localRange(cover.startsAt, cover.endsAt, tz)}
                {cover.reason && <> · {cover.reason}</>}
                {cover.createdByName && <small class="muted"> (added by {cover.createdByName})</small>}{' '}
                {cover.canRemove && (
                  <form method="post" action={`/rotations/${rotation.id}/overrides/${cover.id}/delete`} class="inline-form">
                    <CsrfField token={chrome.csrfToken} />
                    <button type="submit" class="small secondary outline" aria-label={`Remove the override of ${cover.displayName}`}>
                      Remove
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        )}
        <form method="post" action={`/rotations/${rotation.id}/overrides`} class="override-form">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={overrideForm} />
          <div class="grid">
            <div>
              {page.can.coverForOthers ? (
                <Select form={overrideForm} name="userId" label="Who covers" options={page.staff.map((person) => ({ value: String(person.id), label: person.displayName }))} />
              ) : (
                <>
                  <input type="hidden" name="userId" value={String(chrome.viewer?.id ?? '')} />
                  <p>
                    You cover this range yourself (only admins put someone else in).
                    {overrideForm.errors.userId && <small class="field-error"> {overrideForm.errors.userId}</small>}
                  </p>
                </>
              )}
            </div>
            <div>
              <TextField form={overrideForm} name="startsAt" label={`From (${tz})`} attributes={{ type: 'datetime-local' }} required />
            </div>
            <div>
              <TextField form={overrideForm} name="endsAt" label={`Until (${tz})`} attributes={{ type: 'datetime-local' }} required />
            </div>
          </div>
          <TextField form={overrideForm} name="reason" label="Reason (optional)" maxlength={200} />
          <button type="submit">Add override</button>
        </form>
      </section>

      {page.can.manage && (
        <section id="feed" aria-labelledby="feed-heading">
          <h2 id="feed-heading">Calendar feed of this rotation</h2>
          {props.createdFeed && <FeedCreated url={feedUrl(chrome.publicUrl, 'rotations', props.createdFeed)} />}
          <FormMessage form={form('feed')} />
          <form method="post" action={`/rotations/${rotation.id}/feed`} class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <span>{summary.hasFeed ? 'This rotation has a calendar address.' : 'No calendar address yet.'}</span>{' '}
            <button type="submit" class="small outline">
              {summary.hasFeed ? 'Replace the calendar address (the old one stops working)' : 'Make a calendar address'}
            </button>
          </form>
        </section>
      )}

      {page.can.edit && (
        <section id="settings" aria-labelledby="settings-heading" class="narrow">
          <h2 id="settings-heading">Settings</h2>
          <p>A change of shift length, handoff time or timezone starts when the running shift ends.</p>
          <RotationForm chrome={chrome} action={`/rotations/${rotation.id}`} form={edit.form} memberIds={edit.memberIds} teams={page.teams} staff={page.staff} submitLabel="Save the rotation" />
        </section>
      )}
    </Layout>
  )
}
