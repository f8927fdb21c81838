import type { FairnessView, HandoffList, HandoffSummary, SyncView } from '../../src/escalations'
import { CsrfField, FormMessage, RelativeTime, TextArea, type FormState } from '../components'
import { formatDate, formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from '../queue/board'
import { EscalationStatus } from './item-panel'
import { EngineeringNav } from './nav'

interface HandoffLike {
  id: number
  periodStart: Date
  periodEnd: Date
  priorities: string
  publishedAt: Date | null
  engineerName: string | null
  summary: Record<string, unknown>
}

function TeamPicker({ action, team, teams }: { action: string; team: string; teams: string[] }) {
  if (teams.length < 2) return null
  return (
    <form method="get" action={action} class="inline-form team-picker">
      <label for="team-picker">Team</label>
      <select id="team-picker" name="team">
        {teams.map((slug) => (
          <option value={slug} selected={slug === team}>
            {slug}
          </option>
        ))}
      </select>
      <button type="submit" class="small outline">
        Show
      </button>
    </form>
  )
}

const itemLink = (itemId: number, title: string) => (
  <a href={`/queue/items/${itemId}`}>
    #{itemId} {title}
  </a>
)

/** The data half of a handoff or a sync: each region only when it has something to say. */
export function SummaryView({ summary }: { summary: HandoffSummary }) {
  const { counts, topics } = summary
  return (
    <div class="handoff-summary">
      <p>
        {counts.escalationsReceived} escalations received, {counts.answered} answered ({counts.answeredInTime} in time); {counts.itemsCreated} items opened,{' '}
        {counts.itemsResolved} resolved.
      </p>
      <h4>Fixed</h4>
      {summary.fixed.length ? (
        <ul>
          {summary.fixed.map((row) => (
            <li>
              {itemLink(row.itemId, row.title)}
              {row.release && <> in {row.release}</>}
              {row.trackerUrl && (
                <>
                  {' '}
                  (<a href={row.trackerUrl} rel="noopener noreferrer nofollow">tracker</a>)
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Nothing fixed.</p>
      )}
      <h4>Sent to the backlog</h4>
      {summary.backlog.length ? (
        <ul>
          {summary.backlog.map((row) => (
            <li>
              {itemLink(row.itemId, row.title)}: <a href={row.url} rel="noopener noreferrer nofollow">{row.url}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Nothing triaged to the backlog.</p>
      )}
      <h4>Open escalations</h4>
      {summary.openEscalations.length ? (
        <ul>
          {summary.openEscalations.map((row) => (
            <li>
              {itemLink(row.itemId, row.title)} with {row.engineerName ?? 'the team lead'}, since {formatDateTime(new Date(row.createdAt))}
              {row.breached && <strong class="sla-breached"> · past its target</strong>}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No open escalations.</p>
      )}
      <h4>SLA breaches</h4>
      {summary.slaBreaches.length || summary.escalationBreaches.length ? (
        <ul>
          {summary.slaBreaches.map((row) => (
            <li>
              {itemLink(row.itemId, row.title)}: {row.target.replace(/_/g, ' ')} target missed
            </li>
          ))}
          {summary.escalationBreaches.map((row) => (
            <li>{itemLink(row.itemId, row.title)}: escalation answered late or not at all</li>
          ))}
        </ul>
      ) : (
        <p class="muted">No breaches.</p>
      )}
      <h4>Recurring topics</h4>
      {topics.tags.length || topics.categories.length || topics.duplicates.length ? (
        <ul>
          {topics.tags.length > 0 && <li>Tags: {topics.tags.map((tag) => `${tag.name} (${tag.items})`).join(', ')}</li>}
          {topics.categories.length > 0 && <li>Categories: {topics.categories.map((category) => `${category.name} (${category.items})`).join(', ')}</li>}
          {topics.duplicates.map((row) => (
            <li>
              Asked again {row.duplicates}×: <a href={`/t/${row.threadId}`}>{row.title}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Nothing recurring.</p>
      )}
    </div>
  )
}

export function HandoffCard({ chrome, handoff, heading, compact }: { chrome: Chrome; handoff: HandoffLike; heading?: string; compact?: boolean }) {
  return (
    <article class={`handoff${handoff.publishedAt ? '' : ' is-draft'}`} id={`handoff-${handoff.id}`}>
      <header>
        <strong>{heading ?? `${formatDate(handoff.periodStart)} – ${formatDate(handoff.periodEnd)}`}</strong> · {handoff.engineerName ?? 'nobody'}
        {handoff.publishedAt ? (
          <>
            {' '}
            · published <RelativeTime at={handoff.publishedAt} now={chrome.now} />
          </>
        ) : (
          <> · draft</>
        )}{' '}
        · <a href={`/handoffs/${handoff.id}`}>open</a>
      </header>
      {handoff.priorities && (
        <section>
          <h4>What the team should prioritise</h4>
          <p class="plain-text">{handoff.priorities}</p>
        </section>
      )}
      {compact ? (
        <details>
          <summary>What happened on the shift</summary>
          <SummaryView summary={handoff.summary as HandoffSummary} />
        </details>
      ) : (
        <SummaryView summary={handoff.summary as HandoffSummary} />
      )}
    </article>
  )
}

/** The shift in progress, handed off before it ends (going off early, a quiet shift). A plain form: works without JavaScript. */
function DraftNow({ chrome, list, form }: { chrome: Chrome; list: HandoffList; form: FormState }) {
  const current = list.current
  const refused = form.message || Object.keys(form.errors).length > 0
  if (!current && !refused) return null
  return (
    <section class="draft-handoff" id="draft-handoff" aria-labelledby={current ? 'draft-handoff-heading' : undefined}>
      <FormMessage form={form} />
      {form.errors.teamSlug && (
        <p class="field-error" id="draft-handoff-team-error">
          {form.errors.teamSlug}
        </p>
      )}
      {current && (
        <>
          <h2 id="draft-handoff-heading">{current.mine ? 'Your shift' : `${current.engineerName ?? 'Nobody'}’s shift`}</h2>
          <p>
            In progress since {formatDateTime(current.startsAt)}, until {formatDateTime(current.endsAt)}, with no handoff yet. Going off early, or nothing more to wait for? Draft
            the handoff from what happened up to now, add your priorities and publish it.
          </p>
          <form method="post" action="/handoffs" class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <input type="hidden" name="teamSlug" value={list.teamSlug} />
            <button type="submit">{current.mine ? 'Draft my handoff now' : `Draft ${current.engineerName ?? 'this shift'}’s handoff now`}</button>
          </form>
        </>
      )}
    </section>
  )
}

export function HandoffsPage({ chrome, list, form = { values: {}, errors: {} } }: { chrome: Chrome; list: HandoffList; form?: FormState }) {
  return (
    <Layout chrome={chrome} meta={{ title: `Handoffs · ${list.teamSlug}`, noindex: true }} wide>
      <QueueNav current="escalations" />
      <EngineeringNav current="handoffs" team={list.teamSlug} />
      <h1>Handoffs: {list.rotationName ?? list.teamSlug}</h1>
      <TeamPicker action="/handoffs" team={list.teamSlug} teams={list.teams} />
      {!list.rotationName && <p class="muted">Team {list.teamSlug} has no rotation, so no shifts to hand off.</p>}
      <DraftNow chrome={chrome} list={list} form={form} />
      {list.drafts.length > 0 && (
        <>
          <h2>Drafts to finish</h2>
          {list.drafts.map((handoff) => (
            <p>
              <a href={`/handoffs/${handoff.id}`}>
                {formatDate(handoff.periodStart)} – {formatDate(handoff.periodEnd)} ({handoff.engineerName ?? 'nobody'})
              </a>
            </p>
          ))}
        </>
      )}
      <h2>Published, newest first</h2>
      {list.published.length === 0 && <p class="muted">No published handoffs yet.</p>}
      {list.published.map((handoff) => (
        <HandoffCard chrome={chrome} handoff={handoff} />
      ))}
    </Layout>
  )
}

export function HandoffPage({ chrome, handoff, form }: { chrome: Chrome; handoff: HandoffLike & { teamSlug: string; rotationName: string }; form: FormState }) {
  return (
    <Layout chrome={chrome} meta={{ title: `Handoff · ${handoff.rotationName}`, noindex: true }} wide>
      <QueueNav current="escalations" />
      <EngineeringNav current="handoffs" team={handoff.teamSlug} />
      <h1>
        {handoff.rotationName} handoff: {formatDate(handoff.periodStart)} – {formatDate(handoff.periodEnd)}
      </h1>
      <p>
        Shift of {handoff.engineerName ?? 'nobody'} ·{' '}
        {handoff.publishedAt ? (
          <>
            published <RelativeTime at={handoff.publishedAt} now={chrome.now} />
          </>
        ) : (
          'draft'
        )}
      </p>
      {!handoff.publishedAt && (
        <form method="post" action={`/handoffs/${handoff.id}`} id="handoff-form">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={form} />
          <TextArea
            form={form}
            name="priorities"
            id="handoff-priorities"
            label="What should the team prioritise? (your own words)"
            hint="The next engineer reads this first: what keeps coming back, what to fix for good, what to watch."
            rows={6}
            maxlength={5000}
          />
          <div class="form-buttons">
            <button type="submit" name="publish" value="1">
              Publish
            </button>
            <button type="submit" name="publish" value="0" class="secondary">
              Save draft
            </button>
          </div>
        </form>
      )}
      <HandoffCard chrome={chrome} handoff={handoff} heading="From the data" />
    </Layout>
  )
}

export function SyncPage({ chrome, sync, form = { values: {}, errors: {} } }: { chrome: Chrome; sync: SyncView; form?: FormState }) {
  const list = (rows: SyncView['escalated'], empty: string) =>
    rows.length ? (
      <ul>
        {rows.map((row) => (
          <li>
            {itemLink(row.itemId, row.itemTitle)}
            <EscalationStatus chrome={chrome} escalation={row} />
          </li>
        ))}
      </ul>
    ) : (
      <p class="muted">{empty}</p>
    )
  return (
    <Layout chrome={chrome} meta={{ title: `Daily sync · ${sync.teamSlug}`, noindex: true }} wide>
      <QueueNav current="escalations" />
      <EngineeringNav current="sync" team={sync.teamSlug} />
      <h1>Daily sync: {sync.teamSlug}</h1>
      <TeamPicker action="/sync" team={sync.teamSlug} teams={sync.teams} />
      <p>
        Since {sync.lastSync ? <>the last sync ({formatDateTime(sync.since)}{sync.lastSync.byName ? `, by ${sync.lastSync.byName}` : ''})</> : <>yesterday ({formatDateTime(sync.since)})</>}
        {sync.onRotation?.userId ? (
          <>
            {' '}
            · on rotation now: <strong>{sync.onRotation.displayName}</strong>
          </>
        ) : (
          ' · nobody on rotation now'
        )}
      </p>
      <h2>Escalated ({sync.escalated.length})</h2>
      {list(sync.escalated, 'Nothing escalated.')}
      <h2>Answered ({sync.answered.length})</h2>
      {list(sync.answered, 'Nothing answered.')}
      <h2>Breached ({sync.breached.length})</h2>
      {list(sync.breached, 'No escalation passed its target.')}
      <h2>The rest of the picture</h2>
      <SummaryView summary={sync.summary} />
      <form method="post" action="/sync" class="inline-form" id="sync-form">
        <CsrfField token={chrome.csrfToken} />
        <FormMessage form={form} />
        <input type="hidden" name="teamSlug" value={sync.teamSlug} />
        <button type="submit" aria-describedby={form.errors.teamSlug ? 'sync-team-error' : undefined}>
          Mark the sync as held
        </button>{' '}
        {form.errors.teamSlug ? (
          <small class="field-error" id="sync-team-error">
            {form.errors.teamSlug}
          </small>
        ) : (
          <small class="muted">The next sync starts from now.</small>
        )}
      </form>
    </Layout>
  )
}

export function FairnessPage({ chrome, view }: { chrome: Chrome; view: FairnessView }) {
  return (
    <Layout chrome={chrome} meta={{ title: `Load & fairness · ${view.teamSlug}`, noindex: true }} wide>
      <QueueNav current="escalations" />
      <EngineeringNav current="fairness" team={view.teamSlug} />
      <h1>Load &amp; fairness: {view.rotationName ?? view.teamSlug}</h1>
      <TeamPicker action="/fairness" team={view.teamSlug} teams={view.teams} />
      <p class="muted">
        {formatDate(view.from)} – {formatDate(view.to)} (the last quarter). Escalations count on the shift during which they arrived; items handled are items the engineer
        acted on during their shift.
      </p>
      {!view.rotationName ? (
        <p class="muted">Team {view.teamSlug} has no rotation.</p>
      ) : (
        <>
          <h2>Per person</h2>
          <table class="fairness-people">
            <thead>
              <tr>
                <th scope="col">Engineer</th>
                <th scope="col">Shifts</th>
                <th scope="col">Days on rotation</th>
                <th scope="col">Escalations</th>
                <th scope="col">Answered in time</th>
                <th scope="col">Items handled</th>
                <th scope="col">Out of hours</th>
              </tr>
            </thead>
            <tbody>
              {view.people.map((person) => (
                <tr>
                  <th scope="row">{person.engineerName}</th>
                  <td>{person.shifts}</td>
                  <td>{person.daysOnRotation.toFixed(1)}</td>
                  <td>{person.escalationsReceived}</td>
                  <td>{person.answeredInTime}</td>
                  <td>{person.itemsHandled}</td>
                  <td>{person.outOfHours}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Per shift</h2>
          <table class="fairness-shifts">
            <thead>
              <tr>
                <th scope="col">Shift</th>
                <th scope="col">Engineer</th>
                <th scope="col">Escalations</th>
                <th scope="col">Answered in time</th>
                <th scope="col">Items handled</th>
                <th scope="col">Out of hours</th>
              </tr>
            </thead>
            <tbody>
              {view.shifts.map((shift) => (
                <tr>
                  <th scope="row">
                    {formatDateTime(shift.startsAt)} – {formatDateTime(shift.endsAt)}
                  </th>
                  <td>{shift.engineerName ?? 'nobody'}</td>
                  <td>{shift.escalationsReceived}</td>
                  <td>{shift.answeredInTime}</td>
                  <td>{shift.itemsHandled}</td>
                  <td>{shift.outOfHours}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  )
}
