import { raw } from 'hono/html'
import { renderBarChart, renderLineChart } from '../../src/charts'
import type { Cell, Figure, Scoreboard, ScoreboardWindow, TopIssue } from '../../src/scoreboard'
import { CsrfField, FormMessage, type FormState } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'

// The shared scoreboard: each figure is a server-drawn chart (an SVG labelled by its title and
// description), the table of its numbers under it (what a screen reader or a script-less browser
// reads), and the same table as CSV. Every number that stands for items links to them on the board.

/** The scoreboard's filters as a query string (for CSV links and redirects back). */
export function scoreboardQuery(window: ScoreboardWindow): string {
  const query = new URLSearchParams()
  if (window.team) query.set('team', window.team)
  query.set('period', window.period)
  if (window.period === 'custom') {
    query.set('from', window.fromDate)
    query.set('to', window.toDate)
  }
  return query.toString()
}

/** A failed owner assignment: which issue's form, with the input and the message by the field. */
export interface OwnerForm {
  itemId: number
  form: FormState
}

export function ScoreboardPage({ chrome, scoreboard, ownerForm }: { chrome: Chrome; scoreboard: Scoreboard; ownerForm?: OwnerForm }) {
  const { window } = scoreboard
  return (
    <Layout chrome={chrome} meta={{ title: 'Scoreboard', noindex: true }} wide>
      <hgroup>
        <h1>Scoreboard</h1>
        <p>
          One set of numbers for support and engineering: what generates support load, and how fast it is answered and fixed.{' '}
          {window.team ? `Team ${window.team}` : 'All teams'}, {formatDateTime(window.from)} to {formatDateTime(window.to)}.
        </p>
      </hgroup>
      <FilterForm scoreboard={scoreboard} />
      <p class="muted">
        Times come from the item event log (rolled up {scoreboard.factsAsOf ? `at ${formatDateTime(scoreboard.factsAsOf)}` : 'not yet: the first rollup runs within a minute'}); everything else
        is read as the page loads. Times are business minutes of each item’s SLA calendar, less waits on the customer.
      </p>
      <nav aria-label="Figures on this page">
        <ul class="figure-index">
          {scoreboard.figures.map((figure) => (
            <li>
              <a href={`#${figure.key}`}>{figure.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {scoreboard.figures.map((figure) =>
        figure.key === 'top-issues' ? (
          <TopIssuesSection chrome={chrome} scoreboard={scoreboard} figure={figure} ownerForm={ownerForm} />
        ) : (
          <FigureSection figure={figure} window={window} />
        ),
      )}
    </Layout>
  )
}

function FilterForm({ scoreboard }: { scoreboard: Scoreboard }) {
  const { window, errors, input } = scoreboard
  const failed = Object.keys(errors).length > 0
  // After a refused filter, the form shows what was typed, with the message by its field.
  const value = (name: 'team' | 'period' | 'from' | 'to') =>
    failed ? (input[name] ?? '') : name === 'team' ? (window.team ?? '') : name === 'period' ? window.period : name === 'from' ? window.fromDate : window.toDate
  const fieldError = (name: string) =>
    errors[name] && (
      <small id={`scoreboard-${name}-error`} class="field-error">
        {errors[name]}
      </small>
    )
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': 'true', 'aria-describedby': `scoreboard-${name}-error` } : {})
  return (
    <form method="get" action="/scoreboard" class="scoreboard-filters board-filters">
      <FormMessage form={{ values: {}, errors, message: failed ? 'These filters could not be used; the page shows the last 30 days.' : undefined }} />
      <label>
        Team
        <select name="team" {...invalid('team')}>
          <option value="">All teams</option>
          {scoreboard.teams.map((team) => (
            <option value={team} selected={value('team') === team}>
              {team}
            </option>
          ))}
        </select>
        {fieldError('team')}
      </label>
      <label>
        Period
        <select name="period" {...invalid('period')}>
          {(['7', '30', '90'] as const).map((days) => (
            <option value={days} selected={value('period') === days}>
              Last {days} days
            </option>
          ))}
          <option value="custom" selected={value('period') === 'custom'}>
            Custom dates
          </option>
        </select>
        {fieldError('period')}
      </label>
      <label>
        From (custom)
        <input type="date" name="from" value={value('from')} {...invalid('from')} />
        {fieldError('from')}
      </label>
      <label>
        To, included (custom)
        <input type="date" name="to" value={value('to')} {...invalid('to')} />
        {fieldError('to')}
      </label>
      <button type="submit" class="small">
        Show
      </button>
    </form>
  )
}

function chartSvg(figure: Figure): string | null {
  if (!figure.chart || figure.chart.data.length === 0) return null
  const text = { id: `chart-${figure.key}`, title: figure.title, description: figure.description, yLabel: figure.chart.yLabel, xLabel: figure.chart.xLabel }
  return figure.chart.type === 'line'
    ? renderLineChart(
        text,
        figure.chart.data.map((datum) => ({ x: new Date(datum.label), y: datum.value, series: datum.series })),
      )
    : renderBarChart(text, figure.chart.data)
}

function CellView({ cell, header }: { cell: Cell; header?: boolean }) {
  const content = cell.href ? <a href={cell.href}>{cell.text}</a> : cell.text
  return header ? <th scope="row">{content}</th> : <td>{content}</td>
}

function DataTable({ figure }: { figure: Figure }) {
  if (figure.table.rows.length === 0) return <p class="empty">Nothing to count in this period.</p>
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={`${figure.title}: the numbers (scrolls sideways)`}>
      <table class="striped scoreboard-table">
        <caption>{figure.title}: the numbers</caption>
        <thead>
          <tr>
            {figure.table.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {figure.table.rows.map((row) => (
            <tr>
              {row.map((cell, index) => (
                <CellView cell={cell} header={index === 0} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function FigureHeader({ figure, window }: { figure: Figure; window: ScoreboardWindow }) {
  const svg = chartSvg(figure)
  return (
    <>
      <h2 id={`${figure.key}-heading`}>{figure.title}</h2>
      <p>{figure.description}</p>
      {figure.note && <p class="muted">{figure.note}</p>}
      {svg && <figure class="scoreboard-chart">{raw(svg)}</figure>}
      <p>
        <a href={`/scoreboard/${figure.key}.csv?${scoreboardQuery(window)}`} download>
          Download these numbers (CSV)
        </a>
      </p>
    </>
  )
}

function FigureSection({ figure, window }: { figure: Figure; window: ScoreboardWindow }) {
  return (
    <section id={figure.key} aria-labelledby={`${figure.key}-heading`} class="scoreboard-figure">
      <FigureHeader figure={figure} window={window} />
      <DataTable figure={figure} />
    </section>
  )
}

function TopIssuesSection({ chrome, scoreboard, figure, ownerForm }: { chrome: Chrome; scoreboard: Scoreboard; figure: Figure; ownerForm?: OwnerForm }) {
  return (
    <section id={figure.key} aria-labelledby={`${figure.key}-heading`} class="scoreboard-figure">
      <FigureHeader figure={figure} window={scoreboard.window} />
      <DataTable figure={figure} />
      {scoreboard.topIssues.length > 0 && (
        <>
          <h3>Owners</h3>
          <p class="muted">The person who owns reducing each issue’s load. They hear of it when named.</p>
          <ul class="owner-forms">
            {scoreboard.topIssues.map((issue) => (
              <OwnerFormView chrome={chrome} issue={issue} scoreboard={scoreboard} failed={ownerForm?.itemId === issue.id ? ownerForm.form : undefined} />
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function OwnerFormView({ chrome, issue, scoreboard, failed }: { chrome: Chrome; issue: TopIssue; scoreboard: Scoreboard; failed?: FormState }) {
  const id = `owner-${issue.id}`
  const current = failed?.values.ownerId ?? (issue.owner ? String(issue.owner.id) : '')
  const error = failed?.errors.ownerId ?? failed?.errors.itemId ?? failed?.message
  return (
    <li>
      <form method="post" action={`/scoreboard/issues/${issue.id}/owner?${scoreboardQuery(scoreboard.window)}`} class="inline-form">
        <CsrfField token={chrome.csrfToken} />
        <label for={id}>
          Owner of #{issue.id} {issue.title}
        </label>{' '}
        <select id={id} name="ownerId" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
          <option value="" selected={current === ''}>
            Nobody
          </option>
          {scoreboard.staff.map((person) => (
            <option value={String(person.id)} selected={current === String(person.id)}>
              {person.displayName}
            </option>
          ))}
        </select>{' '}
        <button type="submit" class="small outline">
          Save owner
        </button>
        {error && (
          <small id={`${id}-error`} class="field-error" role="alert">
            {error}
          </small>
        )}
      </form>
    </li>
  )
}
