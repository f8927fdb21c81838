import type { Board, BoardRow } from '../../src/queue'
import { CsrfField, CursorPager, RelativeTime, Tabs } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'
import { KIND_LABEL, SEVERITY_LABEL, STATE_LABEL } from './labels'

const CLASS_NAMES = ['P0', 'P1', 'P2', 'P3', 'P4']

/** The board's address with these filters; any change of filter starts again at the first page. */
export function boardQuery(filters: Board['filters'], change: Partial<Record<keyof Board['filters'], string | number | undefined>> = {}): string {
  const merged = { ...filters, after: undefined, ...change }
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(merged)) if (value !== undefined && value !== '') query.set(key, String(value))
  const encoded = query.toString()
  return encoded ? `/queue?${encoded}` : '/queue'
}

export function QueueNav({ current }: { current: 'board' | 'new' | 'macros' | 'sla' | 'teams' | 'tokens' | 'notifications' | 'rotations' | 'escalations' }) {
  return (
    <Tabs
      label="Queue sections"
      current={current}
      links={[
        ['board', '/queue', 'Board'],
        ['escalations', '/escalations/mine', 'Escalations'],
        ['rotations', '/rotations', 'Rotations'],
        ['new', '/queue/items/new', 'File an item'],
        ['macros', '/queue/macros', 'Canned replies'],
        ['sla', '/queue/settings/sla', 'SLA policies'],
        ['teams', '/queue/settings/teams', 'Teams'],
        ['tokens', '/queue/tokens', 'API tokens'],
        ['notifications', '/notifications', 'Notifications'],
      ]}
    />
  )
}

export function BoardPage({ chrome, board }: { chrome: Chrome; board: Board }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Support queue', noindex: true }} wide>
      <div class="queue-header">
        <h1>Support queue</h1>
        <form method="post" action="/queue/duty" class="inline-form duty-form">
          <CsrfField token={chrome.csrfToken} />
          <input type="hidden" name="onDuty" value={board.onDuty ? '0' : '1'} />
          <span class={board.onDuty ? 'duty on' : 'duty off'}>{board.onDuty ? 'You are on duty' : 'You are off duty'}</span>{' '}
          <button type="submit" class="small outline">
            {board.onDuty ? 'Go off duty' : 'Go on duty'}
          </button>
        </form>
      </div>
      {board.onRotation.length > 0 && (
        <p class="on-rotation">
          <a href="/rotations">On rotation</a>:{' '}
          {board.onRotation.map((on, index) => (
            <>
              {index > 0 && ' · '}
              {on.teamSlug} <strong>{on.displayName ?? 'nobody (team lead)'}</strong>
              {on.override && ' (cover)'}
              {on.until && (
                <small class="muted">
                  {' '}
                  hands over <RelativeTime at={on.until} now={chrome.now} />
                </small>
              )}
            </>
          ))}
        </p>
      )}
      <QueueNav current="board" />
      <BoardFilters board={board} />
      <BoardRegion chrome={chrome} board={board} />
      <p class="muted keyboard-help">
        Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens, <kbd>a</kbd> assigns to you, <kbd>e</kbd> escalates.
      </p>
    </Layout>
  )
}

function BoardFilters({ board }: { board: Board }) {
  const f = board.filters
  return (
    <form method="get" action="/queue" class="board-filters" hx-get="/queue" hx-trigger="change" hx-target="#board" hx-swap="outerHTML" hx-push-url="true">
      <FigureFilters board={board} />
      <label>
        Team
        <select name="team">
          <option value="">All teams</option>
          {board.teams.map((team) => (
            <option value={team} selected={f.team === team}>
              {team}
            </option>
          ))}
        </select>
      </label>
      <label>
        Assignee
        <select name="assignee">
          <option value="">Anyone</option>
          <option value="mine" selected={f.assignee === 'mine'}>
            Mine
          </option>
          <option value="unassigned" selected={f.assignee === 'unassigned'}>
            Unassigned
          </option>
          {board.staff.map((person) => (
            <option value={String(person.id)} selected={f.assignee === String(person.id)}>
              {person.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        State
        <select name="state">
          <option value="">Open</option>
          {(Object.keys(STATE_LABEL) as (keyof typeof STATE_LABEL)[]).map((state) => (
            <option value={state} selected={f.state === state}>
              {STATE_LABEL[state]}
            </option>
          ))}
          <option value="closed" selected={f.state === 'closed'}>
            Closed
          </option>
          <option value="all" selected={f.state === 'all'}>
            Any state
          </option>
        </select>
      </label>
      <label>
        Class
        <select name="priority">
          <option value="">Any</option>
          {CLASS_NAMES.map((name, index) => (
            <option value={String(index)} selected={f.priority === index}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Breach risk
        <select name="risk">
          <option value="">Any</option>
          <option value="breached" selected={f.risk === 'breached'}>
            Breached
          </option>
          <option value="soon" selected={f.risk === 'soon'}>
            Due within an hour
          </option>
        </select>
      </label>
      <noscript>
        <button type="submit" class="small">
          Filter
        </button>
      </noscript>
    </form>
  )
}

/** The filters the form's selects set; every other filter is a figure filter, kept in hidden fields. */
const FORM_FILTERS: readonly string[] = ['team', 'assignee', 'state', 'priority', 'risk', 'after']

/** The figure filters, kept in hidden fields while the selects change (said in words in the region). */
function FigureFilters({ board }: { board: Board }) {
  const kept = Object.entries(board.filters).filter(([key, value]) => !FORM_FILTERS.includes(key) && value !== undefined && value !== '')
  return (
    <>
      {kept.map(([key, value]) => (
        <input type="hidden" name={key} value={String(value)} />
      ))}
    </>
  )
}

/**
 * The filters a scoreboard figure links with, said in words, one removable chip each, and how
 * many items they select (and what else the figure counts); or why they could not be used.
 */
function FigureSummary({ board }: { board: Board }) {
  const { filters, figure, filterErrors } = board
  const errors = Object.entries(filterErrors)
  if (!figure && errors.length === 0) return null
  const clearAll = Object.fromEntries(Object.keys(filters).filter((key) => !FORM_FILTERS.includes(key)).map((key) => [key, undefined]))
  return (
    <div class="figure-filters">
      {errors.length > 0 && (
        <div role="alert" class="form-error" id="board-filter-errors">
          <p>These filters could not be used, so nothing is listed:</p>
          <ul>
            {errors.map(([key, message]) => (
              <li id={`board-${key}-error`}>
                <code>{key}</code>: {message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {figure && (
        <>
          <p class="figure-summary">
            Showing the items behind a scoreboard figure: <strong>{figure.chips.map((chip) => chip.text).join(', ')}</strong>.{' '}
            <span class="figure-count">
              <strong data-count="items">{figure.items}</strong> {figure.items === 1 ? 'item' : 'items'}
              {figure.tally && (
                <>
                  {' '}
                  · <strong data-count="tally">{figure.tally.count}</strong> {figure.tally.noun}
                </>
              )}
            </span>
          </p>
          <ul class="filter-chips" aria-label="Filters">
            {figure.chips.map((chip) => (
              <li>
                {chip.text}{' '}
                <a href={boardQuery(filters, Object.fromEntries(chip.remove.map((key) => [key, undefined])))} aria-label={`Remove the filter: ${chip.text}`} title="Remove this filter">
                  ×
                </a>
              </li>
            ))}
            <li>
              <a href={boardQuery(filters, clearAll)}>Clear these</a>
            </li>
          </ul>
        </>
      )}
    </div>
  )
}

/** The part that refreshes by itself (every 20 s) and when filters change. */
export function BoardRegion({ chrome, board }: { chrome: Chrome; board: Board }) {
  const { counts, filters } = board
  return (
    <div id="board" hx-get={boardQuery(filters, { after: filters.after })} hx-trigger="every 20s" hx-swap="outerHTML" hx-select="#board">
      <FigureSummary board={board} />
      <ul class="count-chips" aria-label="Counts">
        <li>
          <a href={boardQuery(filters, { priority: undefined, risk: undefined, assignee: undefined })}>
            <strong>{counts.open}</strong> open
          </a>
        </li>
        {counts.byClass.map((count, index) => (
          <li>
            <a
              href={boardQuery(filters, { priority: index })}
              class={count > 0 ? `class-chip p${index}` : 'class-chip is-empty'}
              aria-current={filters.priority === index ? 'true' : undefined}
            >
              <strong>{count}</strong> {CLASS_NAMES[index]}
            </a>
          </li>
        ))}
        <li>
          <a href={boardQuery(filters, { risk: 'breached' })} class={counts.breached ? 'alert-chip' : undefined}>
            <strong>{counts.breached}</strong> breached
          </a>
        </li>
        <li>
          <a href={boardQuery(filters, { risk: 'soon' })}>
            <strong>{counts.dueSoon}</strong> due within the hour
          </a>
        </li>
        <li>
          <a href={boardQuery(filters, { assignee: 'unassigned' })}>
            <strong>{counts.unassigned}</strong> unassigned
          </a>
        </li>
        <li>
          <a href={boardQuery(filters, { assignee: 'mine' })}>
            <strong>{counts.mine}</strong> mine
          </a>
        </li>
      </ul>
      {board.rows.length === 0 ? (
        <p class="empty">Nothing here. {filters.state || filters.priority !== undefined || filters.risk || filters.assignee ? <a href="/queue">Clear the filters</a> : 'The queue is empty.'}</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Queue items (scrolls sideways)">
          <table class="board" aria-label="Queue items">
            <thead>
              <tr>
                <th scope="col">Class and score</th>
                <th scope="col">Item</th>
                <th scope="col">Customer</th>
                <th scope="col">Team</th>
                <th scope="col">Assignee</th>
                <th scope="col">State</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {board.rows.map((row) => (
                <BoardRowView chrome={chrome} row={row} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager
        label="Board pages"
        firstHref={filters.after ? boardQuery(filters) : null}
        nextHref={board.next ? boardQuery(filters, { after: board.next }) : null}
        nextText={`Next ${board.pageSize} items`}
      />
    </div>
  )
}

function BoardRowView({ chrome, row }: { chrome: Chrome; row: BoardRow }) {
  return (
    <tr data-item={String(row.id)} tabindex={0} class={`${row.breached ? 'is-breached' : ''}${row.assignee ? '' : ' is-unassigned'}`}>
      <td>
        <span class={`class-badge p${row.priorityClass}`} title={row.classReason ?? ''}>
          P{row.priorityClass}
        </span>{' '}
        <small class="muted score" title="Priority score within its class: higher comes first">
          score {row.priorityScore.toFixed(0)}
        </small>
      </td>
      <td class="item-cell">
        <span class="item-number">#{row.id}</span>{' '}
        <a href={`/queue/items/${row.id}`} class="item-link">
          {row.title}
        </a>
        <div class="chips">
          <span class={`kind kind-${row.kind}`}>{KIND_LABEL[row.kind]}</span>
          {row.severity !== 'normal' && <span class={`severity severity-${row.severity}`}>{SEVERITY_LABEL[row.severity]}</span>}
          {row.tier === 3 && <span class="tier">Tier 3</span>}
          {row.source !== 'forum' && <span class="source">{row.source}</span>}
          {row.affectedCustomers > 1 && <span class="affected">{row.affectedCustomers} affected</span>}
        </div>
      </td>
      <td>
        {row.requesterName ?? '—'}
        {row.organisation && (
          <small class="muted">
            <br />
            {row.organisation.name} · {row.organisation.plan}
          </small>
        )}
      </td>
      <td>{row.teamSlug}</td>
      <td>
        {row.assignee ? (
          row.assignee.displayName
        ) : (
          <form method="post" action={`/queue/items/${row.id}/assign`} class="inline-form take-form">
            <CsrfField token={chrome.csrfToken} />
            <input type="hidden" name="assigneeId" value="me" />
            <input type="hidden" name="back" value="board" />
            <button type="submit" class="small outline" aria-label={`Take “${row.title}” (assign it to you)`}>
              Take
            </button>
          </form>
        )}
      </td>
      <td>{STATE_LABEL[row.state]}</td>
      <td>
        {row.paused ? (
          <span class="muted">paused</span>
        ) : row.dueAt ? (
          <span class={row.breached ? 'due breached' : 'due'} title={formatDateTime(row.dueAt)}>
            {row.breached ? 'overdue ' : ''}
            <RelativeTime at={row.dueAt} now={chrome.now} />
          </span>
        ) : (
          '—'
        )}
      </td>
    </tr>
  )
}
