import type { EscalationInbox, InboxEscalation } from '../../src/escalations'
import { CsrfField, FormMessage, RelativeTime, RoleBadge, SanitizedHtml, TextArea, TextField, type FormState } from '../components'
import { formatDateTime, formatMoney, threadPath } from '../format'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from '../queue/board'
import { EscalationStatus, Reproduction } from './item-panel'
import { OUTCOME_LABEL, SEVERITY_LABEL, STATE_LABEL } from '../queue/labels'
import { EngineeringNav } from './nav'
import { HandoffCard } from './team'

const OUTCOME_HELP: Record<string, string> = {
  fixed: 'Link the issue or commit and name the release that ships it. Replies are drafted on the thread and every duplicate.',
  workaround: 'Describe the workaround so support can pass it on; link the tracker issue if the real fix goes to the backlog.',
  needs_info: 'Back to support with your question.',
  duplicate: 'Closes this item into the other one; its askers will hear that item’s answer.',
  wont_fix: 'Write the explanation for the customer in plain language: what we decided and why. Support relays it; the item ends as “heard – won’t fix now”.',
}

export function AnswerForm({ chrome, escalation, form }: { chrome: Chrome; escalation: { id: number }; form: FormState }) {
  const outcome = form.values.outcome ?? ''
  const id = (name: string) => `answer-${escalation.id}-${name}`
  return (
    <form method="post" action={`/escalations/${escalation.id}/answer`} class="answer-form" id={`answer-${escalation.id}`}>
      <CsrfField token={chrome.csrfToken} />
      <FormMessage form={form} />
      <fieldset aria-invalid={form.errors.outcome ? 'true' : undefined} aria-describedby={form.errors.outcome ? id('outcome-error') : undefined}>
        <legend>Outcome</legend>
        {Object.entries(OUTCOME_LABEL).map(([value, label]) => (
          <label>
            <input type="radio" name="outcome" value={value} checked={outcome === value} required /> <strong>{label}</strong>{' '}
            <small class="muted">{OUTCOME_HELP[value]}</small>
          </label>
        ))}
        {form.errors.outcome && (
          <small id={id('outcome-error')} class="field-error">
            {form.errors.outcome}
          </small>
        )}
      </fieldset>
      <TextArea
        form={form}
        name="answer"
        id={id('answer')}
        label="Your answer"
        hint="For won’t fix, this is what the customer reads. For needs info, your question to support."
        rows={5}
        maxlength={20000}
      />
      <div class="grid">
        <div>
          <TextField form={form} name="trackerUrl" id={id('trackerUrl')} label="Tracker issue or commit (link)" type="url" maxlength={500} placeholder="https://" />
        </div>
        <div>
          <TextField form={form} name="release" id={id('release')} label="Release" maxlength={60} placeholder="2.4.1" />
        </div>
        <div>
          <TextField form={form} name="duplicateOfItemId" id={id('duplicateOfItemId')} label="Duplicate of item #" maxlength={10} />
        </div>
      </div>
      <button type="submit">Answer</button>
    </form>
  )
}

function EscalationCard({ chrome, escalation, form }: { chrome: Chrome; escalation: InboxEscalation; form: FormState }) {
  const { item, customer, thread } = escalation
  return (
    <article class="inbox-escalation" id={`escalation-${escalation.id}`} aria-labelledby={`escalation-${escalation.id}-title`}>
      <header>
        <h2 id={`escalation-${escalation.id}-title`}>
          <a href={`/queue/items/${item.id}`}>
            #{item.id} {item.title}
          </a>
        </h2>
        <p class="chips">
          <span class={`severity severity-${item.severity}`}>{SEVERITY_LABEL[item.severity]} severity</span>
          <span class="state">{STATE_LABEL[item.state]}</span>
          <span class="team">Team {item.teamSlug}</span>
          {item.affectedCustomers > 1 && <span>{item.affectedCustomers} customers affected</span>}
          {escalation.outOfHours && <span>Out of hours</span>}
        </p>
        <p class="muted">
          Escalated by {escalation.escalatedByName} <RelativeTime at={escalation.createdAt} now={chrome.now} /> ({formatDateTime(escalation.createdAt)})
        </p>
        <EscalationStatus chrome={chrome} escalation={escalation} />
      </header>

      <section aria-label="Reproduction">
        <h3>Reproduction</h3>
        <Reproduction escalation={escalation} />
      </section>

      <section aria-label="Customer">
        <h3>Customer</h3>
        {customer ? (
          <p>
            {customer.displayName} <small class="muted">{customer.email}</small>
            {customer.organisation && (
              <>
                {' '}
                · {customer.organisation} ({customer.plan}
                {customer.mrrCents ? `, ${formatMoney(customer.mrrCents)} MRR` : ''})
              </>
            )}
          </p>
        ) : (
          <p class="muted">No customer account attached.</p>
        )}
      </section>

      {thread ? (
        <details class="inbox-thread" open={escalation.replies.length < 6}>
          {/* A link inside a summary is a control inside a control (axe: nested-interactive). */}
          <summary>
            The thread “{thread.title}” ({escalation.replies.length} {escalation.replies.length === 1 ? 'reply' : 'replies'})
          </summary>
          <p>
            <a href={threadPath(thread)}>Open the thread</a>
          </p>
          <article class="message customer">
            <header>
              <strong>{thread.authorName}</strong> asked <RelativeTime at={thread.createdAt} now={chrome.now} />
            </header>
            <SanitizedHtml html={thread.bodyHtml} />
          </article>
          {escalation.replies.map((reply) => (
            <article class={`message${reply.authorRole !== 'member' ? ' staff' : ''}`}>
              <header>
                <strong>{reply.authorName}</strong> <RoleBadge role={reply.authorRole as 'member'} /> <RelativeTime at={reply.createdAt} now={chrome.now} />
              </header>
              <SanitizedHtml html={reply.bodyHtml} />
            </article>
          ))}
        </details>
      ) : (
        <section aria-label="What the customer said">
          <h3>What the customer said</h3>
          <p class="plain-text">{item.description}</p>
        </section>
      )}

      {escalation.notes.length > 0 && (
        <details class="inbox-notes">
          <summary>Internal notes ({escalation.notes.length})</summary>
          {escalation.notes.map((note) => (
            <article class="note">
              <header>
                <strong>{note.authorName}</strong> · <RelativeTime at={note.createdAt} now={chrome.now} />
              </header>
              <SanitizedHtml html={note.bodyHtml} />
            </article>
          ))}
        </details>
      )}

      {escalation.earlier.length > 0 && (
        <details>
          <summary>Earlier escalations of this item ({escalation.earlier.length})</summary>
          {escalation.earlier.map((earlier) => (
            <div class="earlier-escalation">
              <EscalationStatus chrome={chrome} escalation={earlier} />
              {earlier.answer && <p class="plain-text">{earlier.answer}</p>}
            </div>
          ))}
        </details>
      )}

      <section aria-label="Answer">
        <h3>Answer</h3>
        <AnswerForm chrome={chrome} escalation={escalation} form={form} />
      </section>
    </article>
  )
}

/** Pages of the inbox: its escalations come oldest first, a page at a time. */
function InboxPager({ inbox }: { inbox: EscalationInbox }) {
  return (
    <nav class="pagination" aria-label="Inbox pages">
      {inbox.from !== null && <a href="/escalations/mine">Oldest first (page 1)</a>}
      {inbox.next !== null && (
        <a href={`/escalations/mine?from=${inbox.next}`} rel="next">
          Next escalations
        </a>
      )}
    </nav>
  )
}

export function InboxPage({ chrome, inbox, forms }: { chrome: Chrome; inbox: EscalationInbox; forms: Record<number, FormState> }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'My escalations', noindex: true }} wide>
      <QueueNav current="escalations" />
      <EngineeringNav current="mine" />
      <h1>My escalations</h1>
      {inbox.onRotation.length > 0 ? (
        <p class="on-rotation">
          You are on rotation for{' '}
          {inbox.onRotation.map((entry, index) => (
            <>
              {index > 0 && ', '}
              <strong>{entry.teamSlug}</strong>
              {entry.until && <> until {formatDateTime(entry.until)}</>}
            </>
          ))}
          .
        </p>
      ) : (
        <p class="muted">You are not on rotation right now; escalations sent to you (or where you were called in) still show here.</p>
      )}

      {inbox.handoffs.map((handoff) => (
        <HandoffCard chrome={chrome} handoff={handoff} heading={`Latest handoff for ${handoff.teamSlug}`} compact />
      ))}

      {Object.entries(forms)
        .filter(([id]) => !inbox.escalations.some((escalation) => String(escalation.id) === id))
        .map(([, form]) => (
          // An answer to an escalation that is not in this inbox (someone else's, or answered meanwhile).
          <p class="form-message" role="alert">
            {form.message ?? Object.values(form.errors)[0]}
          </p>
        ))}
      <h2>{inbox.waiting === 0 ? 'Nothing waiting for you' : `${inbox.waiting} waiting, oldest first`}</h2>
      {(inbox.from !== null || inbox.next !== null) && <InboxPager inbox={inbox} />}
      {inbox.escalations.map((escalation) => (
        <EscalationCard chrome={chrome} escalation={escalation} form={forms[escalation.id] ?? { values: {}, errors: {} }} />
      ))}
      {(inbox.from !== null || inbox.next !== null) && <InboxPager inbox={inbox} />}

      {inbox.recentlyAnswered.length > 0 && (
        <>
          <h2>Recently answered by you</h2>
          <ul class="compact-list">
            {inbox.recentlyAnswered.map((row) => (
              <li>
                <a href={`/queue/items/${row.itemId}#engineering`}>
                  #{row.itemId} {row.itemTitle}
                </a>{' '}
                <small class="muted">
                  {OUTCOME_LABEL[row.outcome!]}, <RelativeTime at={row.answeredAt!} now={chrome.now} />
                </small>
              </li>
            ))}
          </ul>
        </>
      )}
    </Layout>
  )
}
