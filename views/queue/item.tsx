import { isOpen, type ItemPage } from '../../src/queue'
import type { ItemEngineering } from '../../src/escalations'
import { CsrfField, FormMessage, RelativeTime, RoleBadge, SanitizedHtml, Select, TextArea, type FormState } from '../components'
import { formatDateTime, formatMoney, threadPath } from '../format'
import { plainExcerpt } from '../fenced-text'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from './board'
import { EngineeringSection } from '../escalations/item-panel'
import { describeEvent, FACTOR_LABEL, KIND_LABEL, SEVERITY_LABEL, STATE_LABEL } from './labels'
import type { ItemCsat } from '../../src/csat'
import { ItemCsatSection } from '../csat/rating'

export interface ItemForms {
  reply: FormState
  note: FormState
  state: FormState
  assign: FormState
  details: FormState
  escalate: FormState
  loop: FormState
}

export function emptyItemForms(page: ItemPage): ItemForms {
  const { item } = page
  return {
    reply: { values: { then: 'keep' }, errors: {} },
    note: { values: {}, errors: {} },
    state: { values: { state: page.nextStates[0] ?? '' }, errors: {} },
    assign: { values: { assigneeId: item.assigneeId ? String(item.assigneeId) : '' }, errors: {} },
    details: {
      values: { kind: item.kind, severity: item.severity, tier: String(item.tier), teamSlug: item.teamSlug, flagged: item.flaggedAt ? '1' : '0' },
      errors: {},
    },
    escalate: {
      values: {
        account: accountOf(page),
        customersAffected: String(item.affectedCustomers),
      },
      errors: {},
    },
    loop: { values: {}, errors: {} },
  }
}

/** The reproduction's "account" as the item knows it: the organisation and its plan, else the customer. */
function accountOf(page: ItemPage): string {
  const organisation = page.customer?.organisation ?? page.organisationOnly
  return organisation ? `${organisation.name} (${organisation.plan})` : (page.customer?.displayName ?? '')
}

function SlaRow({ chrome, label, due, met, breached, paused }: { chrome: Chrome; label: string; due: Date | null; met: Date | null; breached: boolean; paused: boolean }) {
  let status
  if (met) status = <span class="sla-met">met {formatDateTime(met)}</span>
  else if (!due) status = <span class="muted">not running</span>
  else if (paused) status = <span class="muted">paused (waiting on the customer)</span>
  else
    status = (
      <span class={breached || due <= chrome.now ? 'sla-breached' : 'sla-due'} title={formatDateTime(due)}>
        {breached || due <= chrome.now ? 'breached, was due ' : 'due '}
        <RelativeTime at={due} now={chrome.now} />
      </span>
    )
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{status}</td>
    </tr>
  )
}

export function ItemPageView({
  chrome,
  page,
  engineering,
  csat = null,
  forms,
  macroText,
}: {
  chrome: Chrome
  page: ItemPage
  engineering: ItemEngineering
  /** The asker's rating of the resolution, comment included (staff-only page). */
  csat?: ItemCsat | null
  forms: ItemForms
  macroText?: string
}) {
  const { item, thread } = page
  const names = new Map(page.staff.map((person) => [person.id, person.displayName]))
  const factors = item.priorityFactors
  const paused = item.state === 'waiting_on_customer'
  return (
    <Layout chrome={chrome} meta={{ title: `#${item.id} ${item.title}`, noindex: true }} wide>
      <QueueNav current="board" />
      <div class="item-layout">
        <article class="item-main" aria-labelledby="item-title">
          <header>
            <p class="breadcrumb-line">
              <a href="/queue">Queue</a> › #{item.id}
            </p>
            <h1 id="item-title">{item.title}</h1>
            <p class="chips">
              <span class={`class-badge p${item.priorityClass}`}>P{item.priorityClass}</span>
              <span class="state">{STATE_LABEL[item.state]}</span>
              <span class={`kind kind-${item.kind}`}>{KIND_LABEL[item.kind]}</span>
              <span class={`severity severity-${item.severity}`}>{SEVERITY_LABEL[item.severity]} severity</span>
              <span class="tier">Tier {item.tier}</span>
              <span class="team">Team {item.teamSlug}</span>
              <span class="source">From {item.source}</span>
              {item.flaggedAt && <span class="flag">Flagged by sales / CS</span>}
              {thread && (
                <a href={threadPath(thread.thread)} class="public-link">
                  Public thread →
                </a>
              )}
            </p>
          </header>

          {factors && (
            <section class="why" aria-labelledby="why-heading">
              <h2 id="why-heading">
                Why P{item.priorityClass}: {factors.classReason}
              </h2>
              <p>
                Score {item.priorityScore.toFixed(1)} within the class:{' '}
                {Object.entries(FACTOR_LABEL)
                  .map(([key, label]) => [label, (factors as unknown as Record<string, number>)[key] ?? 0] as const)
                  .filter(([, points]) => points > 0)
                  .map(([label, points]) => `${label} ${points.toFixed(1)}`)
                  .join(' + ') || 'no factors yet'}
                .
              </p>
            </section>
          )}

          {item.signals.bug && (
            <section class="signals" aria-label="Bug signals">
              <h2>Bug signals (score {item.signals.bug.score})</h2>
              <ul>
                {item.signals.bug.signals.map((signal) => (
                  <li>
                    <strong>{signal.name}</strong> ({signal.weight > 0 ? `+${signal.weight}` : signal.weight}): <code>{plainExcerpt(signal.evidence)}</code>
                  </li>
                ))}
              </ul>
            </section>
          )}

          {thread ? (
            <section class="conversation" aria-labelledby="conversation-heading">
              <h2 id="conversation-heading">Conversation</h2>
              <article class="message customer">
                <header>
                  <strong>{thread.thread.author.displayName}</strong> asked <RelativeTime at={thread.thread.createdAt} now={chrome.now} />
                </header>
                <SanitizedHtml html={thread.thread.bodyHtml} />
              </article>
              {thread.replies.map((reply) => (
                <article class={`message${reply.author.role !== 'member' ? ' staff' : ''}${reply.hidden ? ' is-hidden' : ''}`} id={`reply-${reply.id}`}>
                  <header>
                    <strong>{reply.author.displayName}</strong> <RoleBadge role={reply.author.role} /> replied <RelativeTime at={reply.createdAt} now={chrome.now} />
                    {reply.hidden && <span class="muted"> · hidden</span>}
                  </header>
                  <SanitizedHtml html={reply.bodyHtml} />
                </article>
              ))}
            </section>
          ) : (
            <section class="description" aria-labelledby="description-heading">
              <h2 id="description-heading">What the customer said</h2>
              <p class="plain-text">{item.description}</p>
            </section>
          )}

          <EngineeringSection
            chrome={chrome}
            item={item}
            engineering={engineering}
            escalateForm={forms.escalate}
            loopForm={forms.loop}
            open={isOpen(item.state)}
          />

          <ItemCsatSection chrome={chrome} csat={csat} />

          <section class="notes" aria-labelledby="notes-heading">
            <h2 id="notes-heading">Internal notes</h2>
            <p class="muted">Staff only: never shown to customers, in pages, feeds, search, the API or emails.</p>
            {page.notes.length === 0 && <p class="muted">No notes yet.</p>}
            {page.notes.map((note) => (
              <article class="note">
                <header>
                  <strong>{note.authorName}</strong> · <RelativeTime at={note.createdAt} now={chrome.now} />
                  {note.onThread && <span class="muted"> · on the thread</span>}
                </header>
                <SanitizedHtml html={note.html} />
              </article>
            ))}
            <form method="post" action={`/queue/items/${item.id}/notes`} id="note-form">
              <CsrfField token={chrome.csrfToken} />
              <FormMessage form={forms.note} />
              <TextArea form={forms.note} name="body" id="note-body" label="Add a note" rows={3} maxlength={20000} />
              <button type="submit" class="secondary">
                Add note
              </button>
            </form>
          </section>

          {thread && (
            <section class="item-reply" aria-labelledby="reply-heading" id="reply">
              <h2 id="reply-heading">Reply to the customer (public)</h2>
              {page.macros.length > 0 && (
                <form method="get" action={`/queue/items/${item.id}`} class="macro-picker" hx-get={`/queue/items/${item.id}/macro`} hx-target="#reply-box" hx-swap="outerHTML" hx-trigger="change from:#macro-select, submit">
                  <label for="macro-select">Canned reply</label>
                  <select id="macro-select" name="macro">
                    <option value="">Choose one…</option>
                    {page.macros.map((macro) => (
                      <option value={String(macro.id)}>{macro.title}</option>
                    ))}
                  </select>
                  <button type="submit" class="small outline">
                    Insert
                  </button>
                </form>
              )}
              <form method="post" action={`/queue/items/${item.id}/reply`}>
                <CsrfField token={chrome.csrfToken} />
                <FormMessage form={forms.reply} />
                <ReplyBox form={macroText !== undefined ? { ...forms.reply, values: { ...forms.reply.values, body: macroText } } : forms.reply} />
                <fieldset class="then">
                  <legend>Then</legend>
                  {(
                    [
                      ['keep', 'Keep the state'],
                      ['waiting_on_customer', 'Wait for the customer'],
                      ['resolved', 'Resolve the item'],
                    ] as const
                  ).map(([value, label]) => (
                    <label>
                      <input type="radio" name="then" value={value} checked={(forms.reply.values.then ?? 'keep') === value} /> {label}
                    </label>
                  ))}
                  {forms.reply.errors.then && <small class="field-error">{forms.reply.errors.then}</small>}
                </fieldset>
                <button type="submit">Send reply</button>
              </form>
            </section>
          )}
        </article>

        <aside class="item-aside" aria-label="Item controls">
          <section aria-labelledby="sla-heading">
            <h2 id="sla-heading">SLA</h2>
            <p class="muted">
              {item.sla.policyName} (version {item.sla.version}), {item.sla.calendar.windows.length ? `business hours, ${item.sla.calendar.timezone}` : '24/7'}
            </p>
            <table class="sla-table">
              <tbody>
                <SlaRow chrome={chrome} label="First response" due={item.firstResponseDueAt} met={item.firstResponseAt} breached={item.breached.includes('first_response')} paused={paused} />
                <SlaRow chrome={chrome} label="Next response" due={item.nextResponseDueAt} met={null} breached={item.breached.includes('next_response')} paused={paused} />
                <SlaRow chrome={chrome} label="Resolution" due={item.resolutionDueAt} met={item.resolvedAt} breached={item.breached.includes('resolution')} paused={paused} />
              </tbody>
            </table>
          </section>

          <section aria-labelledby="state-heading">
            <h2 id="state-heading">State: {STATE_LABEL[item.state]}</h2>
            {page.nextStates.length > 0 && (
              <form method="post" action={`/queue/items/${item.id}/state`} id="state-form">
                <CsrfField token={chrome.csrfToken} />
                <FormMessage form={forms.state} />
                <Select form={forms.state} name="state" id="state-select" label="Move to" options={page.nextStates.map((state) => ({ value: state, label: STATE_LABEL[state] }))} />
                <TextArea form={forms.state} name="note" id="state-note" label="Why (optional)" rows={2} maxlength={2000} />
                <button type="submit" class="small">
                  Change state
                </button>
              </form>
            )}
          </section>

          <section aria-labelledby="assign-heading">
            <h2 id="assign-heading">Assignee: {page.assignee?.displayName ?? 'nobody'}</h2>
            <form method="post" action={`/queue/items/${item.id}/assign`} id="assign-form">
              <CsrfField token={chrome.csrfToken} />
              <FormMessage form={forms.assign} />
              <Select
                form={forms.assign}
                name="assigneeId"
                id="assign-select"
                label="Assign to"
                placeholder="Nobody"
                options={page.staff.map((person) => ({ value: String(person.id), label: person.displayName }))}
              />
              <div class="form-buttons">
                <button type="submit" class="small">
                  Assign
                </button>
                <button type="submit" name="assigneeId" value="me" class="small outline">
                  Assign to me
                </button>
              </div>
            </form>
          </section>

          <section aria-labelledby="triage-heading">
            <h2 id="triage-heading">Triage</h2>
            <form method="post" action={`/queue/items/${item.id}/details`} id="details-form">
              <CsrfField token={chrome.csrfToken} />
              <FormMessage form={forms.details} />
              <Select form={forms.details} name="kind" id="details-kind" label="Kind" options={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))} />
              <Select form={forms.details} name="severity" id="details-severity" label="Severity" options={Object.entries(SEVERITY_LABEL).map(([value, label]) => ({ value, label }))} />
              <Select
                form={forms.details}
                name="tier"
                id="details-tier"
                label="Tier"
                options={[
                  { value: '1', label: 'Tier 1 (support)' },
                  { value: '2', label: 'Tier 2 (support)' },
                  { value: '3', label: 'Tier 3 (engineering)' },
                ]}
              />
              <Select form={forms.details} name="teamSlug" id="details-team" label="Team" options={page.teams.map((team) => ({ value: team, label: team }))} />
              <input type="hidden" name="flagged" value="0" />
              <label>
                <input type="checkbox" name="flagged" value="1" checked={forms.details.values.flagged === '1'} /> Flagged by sales / customer success
              </label>
              <button type="submit" class="small">
                Save triage
              </button>
            </form>
          </section>

          <CustomerCard page={page} />

          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <ol class="timeline">
              {page.timeline.map((event) => (
                <li>
                  <time datetime={event.createdAt.toISOString()} title={formatDateTime(event.createdAt)}>
                    {formatDateTime(event.createdAt)}
                  </time>{' '}
                  <span class="actor">{event.actorName ?? 'System'}</span>: {describeEvent(event, names)}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </Layout>
  )
}

/** The reply textarea, in a box a canned reply can replace (htmx) or prefill (without JavaScript). */
export function ReplyBox({ form }: { form: FormState }) {
  return (
    <div id="reply-box">
      <TextArea form={form} name="body" id="reply-body" label="Reply" rows={6} maxlength={20000} hint="Markdown. Canned replies arrive with their placeholders filled in." />
    </div>
  )
}

function CustomerCard({ page }: { page: ItemPage }) {
  const customer = page.customer
  const organisation = customer?.organisation ?? page.organisationOnly
  return (
    <section aria-labelledby="customer-heading" class="customer-card">
      <h2 id="customer-heading">Customer</h2>
      {customer ? (
        <p>
          <a href={`/u/${customer.id}`}>{customer.displayName}</a> <small class="muted">{customer.email}</small>
        </p>
      ) : (
        <p class="muted">No customer account attached.</p>
      )}
      {organisation && (
        <dl class="org">
          <dt>Organisation</dt>
          <dd>{organisation.name}</dd>
          <dt>Plan</dt>
          <dd>
            {organisation.plan}
            {organisation.isPriority ? ' · priority' : ''}
            {organisation.isTrial ? ' · trial' : ''}
          </dd>
          <dt>MRR</dt>
          <dd>{formatMoney(organisation.mrrCents)}</dd>
        </dl>
      )}
      {page.item.affectedCustomers > 1 && <p>{page.item.affectedCustomers} customers affected (asker, “me too”s, duplicates).</p>}
      {customer && customer.otherThreads.length > 0 && (
        <>
          <h3>Their threads</h3>
          <ul class="compact-list">
            {customer.otherThreads.map((thread) => (
              <li>
                <a href={threadPath(thread)}>{thread.title}</a> {thread.solved && <span class="solved-badge">✓</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {customer && customer.otherItems.length > 0 && (
        <>
          <h3>Their other items</h3>
          <ul class="compact-list">
            {customer.otherItems.map((other) => (
              <li>
                <a href={`/queue/items/${other.id}`}>
                  #{other.id} {other.title}
                </a>{' '}
                <small class="muted">{STATE_LABEL[other.state]}</small>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
