import type { AwayView, MyShift, RotationsOverview, SwapView, TeamRotation } from '../../src/rotation'
import { CsrfField, emptyForm, FormMessage, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from '../queue/board'
import { CalendarGrid, OnNowLine } from './calendar'
import { localDateTime, localDays, localRange, longDay } from './format'

export type RotationForms = Record<string, FormState>

const formOf = (forms: RotationForms, key: string) => forms[key] ?? emptyForm()

/** The address of a feed, for pasting into a calendar app ("subscribe by URL"). */
export function feedUrl(publicUrl: string, kind: 'rotations' | 'people', token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/ical/${kind}/${token}.ics`
}

/** A feed token shown once, right after it was made, with the addresses to subscribe to. */
export function FeedCreated({ url }: { url: string }) {
  return (
    <div class="token-once" role="status">
      <p>
        <strong>Copy this calendar address now: it is shown only once.</strong> Anyone with it can see these shifts. Making a new one stops this one working.
      </p>
      <code class="token feed-url">{url}</code>
      <p>
        <small>
          In your calendar app choose “subscribe to calendar” (or “from URL”) and paste it, or open{' '}
          <a href={url.replace(/^https?:\/\//, 'webcal://')}>the webcal link</a>.
        </small>
      </p>
    </div>
  )
}

export function RotationsPage(props: { chrome: Chrome; overview: RotationsOverview; forms: RotationForms; createdFeed: string | null }) {
  const { overview, forms, chrome } = props
  const viewerId = chrome.viewer?.id ?? 0
  // Failures of forms this page does not show (say, skipping a shift that is not yours) go on top.
  const shown = new Set([
    'away',
    'feed',
    ...overview.myShifts.flatMap((shift) => [`skip-${shift.id}`, `swap-${shift.id}`]),
    ...overview.swapRequests.map((swap) => `answer-${swap.id}`),
    ...overview.away.flatMap((entry) => entry.conflicts.map((conflict) => `replan-${conflict.rotationId}`)),
  ])
  const orphans = Object.entries(forms).filter(([key, form]) => !shown.has(key) && (form.message || Object.keys(form.errors).length))
  return (
    <Layout chrome={chrome} meta={{ title: 'Rotations', noindex: true }} wide>
      <QueueNav current="rotations" />
      <h1>Engineering rotations</h1>
      {orphans.map(([, form]) => (
        <FormMessage form={form} />
      ))}
      {overview.swapRequests.length > 0 && <SwapRequests chrome={chrome} swaps={overview.swapRequests} forms={forms} />}
      <section aria-labelledby="teams-heading">
        <h2 id="teams-heading" class="visually-hidden">
          Teams
        </h2>
        {overview.teams.map((team) => (
          <TeamSection team={team} names={overview.names} viewerId={viewerId} canSetUp={overview.canSetUp} />
        ))}
        {overview.teams.length === 0 && <p class="empty">No teams yet. Teams are set up under Queue → Teams.</p>}
      </section>
      <MyShifts chrome={chrome} shifts={overview.myShifts} total={overview.myShiftCount} forms={forms} />
      <TimeAway chrome={chrome} away={overview.away} forms={forms} />
      <Feeds chrome={chrome} overview={overview} createdFeed={props.createdFeed} form={formOf(forms, 'feed')} />
    </Layout>
  )
}

function TeamSection({ team, names, viewerId, canSetUp }: { team: TeamRotation; names: Record<number, string>; viewerId: number; canSetUp: boolean }) {
  const rotation = team.rotation
  return (
    <article class="team-rotation" id={`team-${team.slug}`}>
      <header>
        <h3>
          {team.teamName}
          {rotation && (
            <>
              {' '}
              <small>
                · <a href={`/rotations/${rotation.id}`}>{rotation.name}</a>
              </small>
            </>
          )}
        </h3>
      </header>
      {rotation ? (
        <>
          <OnNowLine summary={rotation} />
          <CalendarGrid weeks={rotation.weeks} names={names} timezone={rotation.timezone} label={`${team.teamName}: the coming weeks`} viewerId={viewerId} />
        </>
      ) : canSetUp ? (
        <p>
          No rotation yet. <a href={`/rotations/new?team=${encodeURIComponent(team.slug)}`}>Set up a rotation</a>
        </p>
      ) : (
        <p class="muted">No rotation yet: escalations go to the team lead.</p>
      )}
    </article>
  )
}

function SwapRequests({ chrome, swaps, forms }: { chrome: Chrome; swaps: SwapView[]; forms: RotationForms }) {
  return (
    <section id="swaps" aria-labelledby="swaps-heading" class="notice">
      <h2 id="swaps-heading">Swap requests for you</h2>
      <ul class="compact-list swap-requests">
        {swaps.map((swap) => (
          <li>
            <p>
              <strong>{swap.requestedBy.displayName}</strong> ({swap.teamName}) asks to swap: you would take their shift{' '}
              <em>{localRange(swap.offered.startsAt, swap.offered.endsAt, swap.timezone)}</em> and they would take yours,{' '}
              <em>{localRange(swap.asked.startsAt, swap.asked.endsAt, swap.timezone)}</em>.
            </p>
            <FormMessage form={formOf(forms, `answer-${swap.id}`)} />
            <form method="post" action={`/rotations/swaps/${swap.id}`} class="inline-form">
              <CsrfField token={chrome.csrfToken} />
              <input type="hidden" name="accept" value="1" />
              <button type="submit" class="small">
                Accept swap
              </button>
            </form>{' '}
            <form method="post" action={`/rotations/swaps/${swap.id}`} class="inline-form">
              <CsrfField token={chrome.csrfToken} />
              <input type="hidden" name="accept" value="0" />
              <button type="submit" class="small secondary outline">
                Decline
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  )
}

function MyShifts({ chrome, shifts, total, forms }: { chrome: Chrome; shifts: MyShift[]; total: number; forms: RotationForms }) {
  return (
    <section id="my-shifts" aria-labelledby="my-shifts-heading">
      <h2 id="my-shifts-heading">Your upcoming shifts</h2>
      {shifts.length === 0 ? (
        <p class="empty">You have no shifts planned.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Your shifts (scrolls sideways)">
          <table class="striped my-shifts">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Team</th>
                <th scope="col">Skip (deep work)</th>
                <th scope="col">Swap</th>
              </tr>
            </thead>
            <tbody>
              {shifts.map((shift) => (
                <tr data-shift={String(shift.id)}>
                  <td>
                    {localRange(shift.startsAt, shift.endsAt, shift.timezone)}
                    {shift.locked && <small class="muted"> (swapped)</small>}
                  </td>
                  <td>{shift.teamName}</td>
                  {shift.started ? (
                    <td colspan={2}>
                      <strong>On now.</strong> <small class="muted">To hand over the rest, ask someone to cover it on the rotation’s page.</small>
                    </td>
                  ) : (
                    <ShiftActions chrome={chrome} shift={shift} forms={forms} />
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > shifts.length && <p class="muted">And {total - shifts.length} more: see each rotation’s page for the whole quarter.</p>}
    </section>
  )
}

function ShiftActions({ chrome, shift, forms }: { chrome: Chrome; shift: MyShift; forms: RotationForms }) {
  const skipForm = formOf(forms, `skip-${shift.id}`)
  const swapForm = formOf(forms, `swap-${shift.id}`)
  return (
    <>
      <td>
        <form method="post" action={`/rotations/shifts/${shift.id}/skip`} class="inline-form">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={skipForm} />
          <button type="submit" class="small outline" aria-label={`Skip the shift ${localRange(shift.startsAt, shift.endsAt, shift.timezone)}`}>
            Skip
          </button>
        </form>
      </td>
      <td>
        {shift.pendingSwapWith ? (
          <form method="post" action={`/rotations/swaps/${shift.pendingSwapWith.swapId}/cancel`} class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <small>Waiting for {shift.pendingSwapWith.name} to answer your swap request.</small>{' '}
            <button type="submit" class="small outline">
              Cancel the request
            </button>
          </form>
        ) : shift.swapChoices.length === 0 ? (
          <small class="muted">Nobody to swap with yet.</small>
        ) : (
          <form method="post" action={`/rotations/shifts/${shift.id}/swap`} class="inline-form swap-form">
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={swapForm} />
            <label for={`swap-${shift.id}`}>Ask to swap with…</label>
            <select
              id={`swap-${shift.id}`}
              name="otherShiftId"
              aria-invalid={swapForm.errors.otherShiftId ? 'true' : undefined}
              aria-describedby={swapForm.errors.otherShiftId ? `swap-${shift.id}-error` : undefined}
            >
              {shift.swapChoices.map((choice) => (
                <option value={String(choice.id)} selected={swapForm.values.otherShiftId === String(choice.id)}>
                  {choice.displayName}: {localDateTime(choice.startsAt, shift.timezone)}
                </option>
              ))}
            </select>
            {swapForm.errors.otherShiftId && (
              <small id={`swap-${shift.id}-error`} class="field-error">
                {swapForm.errors.otherShiftId}
              </small>
            )}
            <button type="submit" class="small outline">
              Ask
            </button>
          </form>
        )}
      </td>
    </>
  )
}

function TimeAway({ chrome, away, forms }: { chrome: Chrome; away: AwayView[]; forms: RotationForms }) {
  const form = formOf(forms, 'away')
  return (
    <section id="away" aria-labelledby="away-heading">
      <h2 id="away-heading">Your time away</h2>
      <p>Holidays and leave planned here are honoured when shifts are planned.</p>
      {away.length === 0 ? (
        <p class="empty">No time away planned.</p>
      ) : (
        <ul class="compact-list away-list">
          {away.map((entry) => (
            <li data-away={String(entry.id)}>
              <strong>{entry.startsOn === entry.endsOn ? longDay(entry.startsOn) : `${longDay(entry.startsOn)} – ${longDay(entry.endsOn)}`}</strong>
              {entry.reason && <> · {entry.reason}</>}{' '}
              <form method="post" action={`/rotations/away/${entry.id}/delete`} class="inline-form">
                <CsrfField token={chrome.csrfToken} />
                <button type="submit" class="small secondary outline" aria-label={`Remove time away from ${entry.startsOn}`}>
                  Remove
                </button>
              </form>
              {entry.conflicts.map((conflict) => (
                <div class="form-message conflict" role="alert">
                  You are planned on rotation ({conflict.teamName}) on {localDays(conflict.startsAt, conflict.endsAt, conflict.timezone)}:{' '}
                  {conflict.replannable ? 're-plan or arrange cover.' : 'that shift stays put when re-planned (it has started or was swapped), so arrange cover.'}{' '}
                  <FormMessage form={formOf(forms, `replan-${conflict.rotationId}`)} />
                  {conflict.replannable && (
                    <form method="post" action={`/rotations/${conflict.rotationId}/replan`} class="inline-form">
                      <CsrfField token={chrome.csrfToken} />
                      <input type="hidden" name="back" value="overview" />
                      <button type="submit" class="small">
                        Re-plan {conflict.teamName}
                      </button>
                    </form>
                  )}{' '}
                  <a href={`/rotations/${conflict.rotationId}#overrides`}>Arrange cover</a>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
      <form method="post" action="/rotations/away" class="narrow away-form">
        <CsrfField token={chrome.csrfToken} />
        <FormMessage form={form} />
        <div class="grid">
          <div>
            <TextField form={form} name="startsOn" label="First day" attributes={{ type: 'date' }} required />
          </div>
          <div>
            <TextField form={form} name="endsOn" label="Last day" attributes={{ type: 'date' }} required />
          </div>
        </div>
        <TextField form={form} name="reason" label="Reason (optional)" maxlength={200} />
        <button type="submit">Plan time away</button>
      </form>
    </section>
  )
}

function Feeds({ chrome, overview, createdFeed, form }: { chrome: Chrome; overview: RotationsOverview; createdFeed: string | null; form: FormState }) {
  const withRotation = overview.teams.filter((team) => team.rotation)
  return (
    <section id="feeds" aria-labelledby="feeds-heading">
      <h2 id="feeds-heading">Calendar feeds</h2>
      <p>Subscribe in any calendar app (iCalendar): shifts update there when they change here.</p>
      {createdFeed && <FeedCreated url={feedUrl(chrome.publicUrl, 'people', createdFeed)} />}
      <FormMessage form={form} />
      <form method="post" action="/rotations/feed" class="inline-form">
        <CsrfField token={chrome.csrfToken} />
        <span>Your shifts on every rotation: {overview.hasPersonalFeed ? 'you have a calendar address.' : 'no calendar address yet.'}</span>{' '}
        <button type="submit" class="small outline">
          {overview.hasPersonalFeed ? 'Replace my calendar address' : 'Make my calendar address'}
        </button>
      </form>
      {withRotation.length > 0 && (
        <p>
          A whole rotation’s calendar:{' '}
          {withRotation.map((team, index) => (
            <>
              {index > 0 && ', '}
              <a href={`/rotations/${team.rotation!.id}#feed`}>{team.teamName}</a>
            </>
          ))}
          .
        </p>
      )}
    </section>
  )
}
