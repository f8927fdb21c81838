import type { CalendarDay, OnRotation, RotationSummary } from '../../src/rotation'
import { dayLabel, localDateTime } from './format'

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** Weeks of who is on rotation each day; overrides say "cover" in words, not only in colour. */
export function CalendarGrid(props: { weeks: CalendarDay[][]; names: Record<number, string>; timezone: string; label: string; viewerId: number }) {
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={`${props.label} (scrolls sideways)`}>
      <table class="rotation-calendar" aria-label={props.label}>
        <caption>
          <small class="muted">Times in {props.timezone}. “cover” marks an override.</small>
        </caption>
        <thead>
          <tr>
            {WEEKDAYS.map((day) => (
              <th scope="col">{day}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.weeks.map((week) => (
            <tr>
              {week.map((day) => (
                <td data-date={day.date} aria-current={day.today ? 'date' : undefined} class={day.today ? 'today' : undefined}>
                  <small class="muted">{day.today ? `Today, ${dayLabel(day.date)}` : dayLabel(day.date)}</small>
                  {day.entries.map((entry) => {
                    const name = entry.userId === null ? 'nobody' : (props.names[entry.userId] ?? '?')
                    return (
                      <div class={entry.override ? 'on-call override' : 'on-call'}>
                        {entry.from && <small>{entry.from} </small>}
                        {entry.userId === props.viewerId ? <strong>{name}</strong> : name}
                        {entry.override && <mark> cover</mark>}
                      </div>
                    )
                  })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** "On rotation now: Ada Lovelace (cover) until Mon 9 Mar, 09:00 · Next: Bob from …" */
export function OnNowLine({ summary }: { summary: Pick<RotationSummary, 'onNow' | 'next' | 'timezone'> }) {
  return (
    <p class="on-now">
      <OnNowText onNow={summary.onNow} timezone={summary.timezone} />
      {summary.next && (
        <>
          {' · '}Next: <strong class="next-on">{summary.next.displayName}</strong> from {localDateTime(summary.next.startsAt, summary.timezone)}
        </>
      )}
    </p>
  )
}

export function OnNowText({ onNow, timezone }: { onNow: OnRotation | null; timezone: string }) {
  if (!onNow || onNow.userId === null)
    return (
      <>
        On rotation now: <strong class="who-is-on">nobody</strong> <small class="muted">(escalations go to the team lead)</small>
      </>
    )
  return (
    <>
      On rotation now: <strong class="who-is-on">{onNow.displayName}</strong>
      {onNow.override && <mark> cover</mark>}
      {onNow.until && <> until {localDateTime(onNow.until, timezone)}</>}
    </>
  )
}
