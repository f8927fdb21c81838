import type { ItemWithPriority } from '../../src/queue'
import type { ItemEngineering } from '../../src/escalations'
import { CsrfField, FormMessage, RelativeTime, TextArea, TextField, type FormState } from '../components'
import { formatDateTime, threadPath } from '../format'
import { FencedText } from '../fenced-text'
import type { Chrome } from '../layout'
import { OUTCOME_LABEL } from '../queue/labels'

type EscalationView = ItemEngineering['escalations'][number]

/** The reproduction an escalation carries, as labelled fields (the form and every view use these). */
export const REPRODUCTION_FIELDS = [
  ['customerDid', 'What the customer did', 'The steps, in order: where they clicked, what they typed, which device and version.'],
  ['whatHappened', 'What happened', 'The error message, the wrong result, the crash.'],
  ['expected', 'What should have happened', ''],
  ['logs', 'Logs or links', 'Log lines, request ids, screenshots, a link to a trace.'],
  ['account', 'Account / organisation', ''],
  ['frequency', 'How often', 'Every time? Once? Since when?'],
  ['customersAffected', 'How many customers', ''],
] as const

export function Reproduction({ escalation }: { escalation: Pick<EscalationView, (typeof REPRODUCTION_FIELDS)[number][0]> }) {
  return (
    <dl class="reproduction">
      {REPRODUCTION_FIELDS.map(([name, label]) => (
        <>
          <dt>{label}</dt>
          {/* Support often pastes Markdown: fences come off, logs (and any fenced part) are preformatted. */}
          <dd class={name === 'logs' ? 'plain-text logs' : 'plain-text'}>
            <FencedText text={escalation[name]} preformatted={name === 'logs'} />
          </dd>
        </>
      ))}
    </dl>
  )
}

/** Where an escalation stands: waiting (due when, breached?), or answered with what. */
export function EscalationStatus({ chrome, escalation }: { chrome: Chrome; escalation: EscalationView }) {
  if (escalation.answeredAt)
    return (
      <p class="escalation-status answered">
        <strong>{OUTCOME_LABEL[escalation.outcome!]}</strong>
        {escalation.release && <> in {escalation.release}</>} · answered by {escalation.answeredByName ?? 'someone'}{' '}
        <RelativeTime at={escalation.answeredAt} now={chrome.now} />
        {escalation.answeredAt > escalation.responseDueAt ? <span class="sla-breached"> (after the target)</span> : <span class="sla-met"> (in time)</span>}
      </p>
    )
  const late = escalation.responseDueAt <= chrome.now
  return (
    <p class="escalation-status waiting">
      Waiting for {escalation.engineerName ?? 'the team lead'}
      {escalation.backupName && <> and {escalation.backupName} (called in)</>} ·{' '}
      <span class={late ? 'sla-breached' : 'sla-due'} title={formatDateTime(escalation.responseDueAt)}>
        {late ? 'response target missed, was due ' : 'answer due '}
        <RelativeTime at={escalation.responseDueAt} now={chrome.now} />
      </span>
    </p>
  )
}

export function EngineeringSection(props: {
  chrome: Chrome
  item: ItemWithPriority
  engineering: ItemEngineering
  escalateForm: FormState
  loopForm: FormState
  open: boolean
}) {
  const { chrome, item, engineering } = props
  const waiting = engineering.escalations.find((escalation) => !escalation.answeredAt)
  return (
    <section class="engineering" aria-labelledby="engineering-heading" id="engineering">
      <h2 id="engineering-heading">Engineering</h2>
      {engineering.escalations.length === 0 && <p class="muted">Not escalated.</p>}
      {engineering.escalations.map((escalation, index) => (
        <article class={`escalation${escalation.answeredAt ? '' : ' is-open'}`} id={`escalation-${escalation.id}`}>
          <header>
            <strong>Escalation {index + 1}</strong> by {escalation.escalatedByName} to {escalation.engineerName ?? 'the team lead'}{' '}
            <RelativeTime at={escalation.createdAt} now={chrome.now} />
            {escalation.outOfHours && <span class="muted"> · out of hours</span>}
          </header>
          <EscalationStatus chrome={chrome} escalation={escalation} />
          {escalation.answer && <p class="plain-text engineer-answer">{escalation.answer}</p>}
          {escalation.trackerUrl && (
            <p>
              Tracker: <a href={escalation.trackerUrl} rel="noopener noreferrer nofollow">{escalation.trackerUrl}</a>
            </p>
          )}
          {escalation.duplicateOfItemId && (
            <p>
              Duplicate of <a href={`/queue/items/${escalation.duplicateOfItemId}`}>#{escalation.duplicateOfItemId}</a>
            </p>
          )}
          <details>
            <summary>Reproduction</summary>
            <Reproduction escalation={escalation} />
          </details>
        </article>
      ))}
      {item.backlogUrl && (
        <p class="backlog">
          In the backlog: <a href={item.backlogUrl} rel="noopener noreferrer nofollow">{item.backlogUrl}</a>
        </p>
      )}

      {engineering.drafts.length > 0 && (
        <LoopDrafts
          chrome={chrome}
          item={item}
          drafts={engineering.drafts}
          trackerUrl={engineering.escalations.find((escalation) => escalation.id === engineering.drafts[0]!.escalationId)?.trackerUrl ?? null}
          form={props.loopForm}
        />
      )}
      {engineering.sent.length > 0 && (
        <>
          <h3>Replies sent to customers</h3>
          <ul class="compact-list">
            {engineering.sent.map((loop) => (
              <li>
                <a href={`${threadPath({ id: loop.threadId, slug: loop.threadSlug })}#reply-${loop.replyId}`}>{loop.threadTitle}</a>{' '}
                <small class="muted">
                  {OUTCOME_LABEL[loop.kind]}, sent <RelativeTime at={loop.sentAt!} now={chrome.now} />
                  {loop.confirmation === 'solved' && ' · the asker says it solved it'}
                  {loop.confirmation === 'still_broken' && ' · the asker says it is still broken'}
                </small>
              </li>
            ))}
          </ul>
        </>
      )}

      {props.open && !waiting && <EscalateForm chrome={chrome} item={item} engineering={engineering} form={props.escalateForm} />}
    </section>
  )
}

function LoopDrafts({ chrome, item, drafts, trackerUrl, form }: { chrome: Chrome; item: ItemWithPriority; drafts: ItemEngineering['drafts']; trackerUrl: string | null; form: FormState }) {
  return (
    <form method="post" action={`/queue/items/${item.id}/loop`} id="loop-form" class="loop-drafts">
      <h3>Close the loop: {drafts.length === 1 ? 'one reply' : `${drafts.length} replies`} to review and send</h3>
      <p class="muted">Drafted from the engineer’s answer. Each goes out as your public reply on its thread; askers, subscribers and affected customers are notified.</p>
      <CsrfField token={chrome.csrfToken} />
      <FormMessage form={form} />
      {drafts.map((draft) => (
        <div class="loop-draft">
          <input type="hidden" name="draftIds" value={String(draft.id)} />
          <TextArea
            form={{ values: { [`body-${draft.id}`]: form.values[`body-${draft.id}`] ?? draft.body }, errors: form.errors }}
            name={`body-${draft.id}`}
            id={`loop-body-${draft.id}`}
            label={`On “${draft.threadTitle}”`}
            rows={6}
            maxlength={20000}
          />
        </div>
      ))}
      {trackerUrl && (
        <label class="checkbox-line">
          <input type="checkbox" name="publishTrackerLink" value="1" checked={form.values.publishTrackerLink === '1'} />
          Also publish the engineer’s tracker link (<code>{trackerUrl}</code>) in the replies. It stays internal unless you tick this.
        </label>
      )}
      <button type="submit">{drafts.length === 1 ? 'Send the reply' : `Send all ${drafts.length} replies`}</button>
    </form>
  )
}

/**
 * Collapsed until asked for (a link to #escalate or the board's "e" key opens it), and open when
 * it comes back with messages. The item page prefills what the item knows (the account, how many
 * customers); what the customer did and saw is support's to write.
 */
function EscalateForm({ chrome, item, engineering, form }: { chrome: Chrome; item: ItemWithPriority; engineering: ItemEngineering; form: FormState }) {
  const refused = Object.keys(form.errors).length > 0 || !!form.message
  return (
    <details class="escalate-details" open={refused ? true : undefined}>
      <summary role="button" class="outline secondary">
        Escalate to engineering…
      </summary>
      <EscalateFields chrome={chrome} item={item} target={engineering.target} form={form} />
    </details>
  )
}

function EscalateFields({ chrome, item, target, form }: { chrome: Chrome; item: ItemWithPriority; target: ItemEngineering['target']; form: FormState }) {
  return (
    <form method="post" action={`/queue/items/${item.id}/escalate`} id="escalate" class="escalate-form">
      <h3>Escalate to engineering</h3>
      {target ? (
        <p class="escalation-target">
          Goes to <strong>{target.engineerName}</strong>
          {target.via === 'rotation' && ' (on rotation'}
          {target.via === 'override' && ' (covering the rotation'}
          {target.via === 'lead' && ' (team lead: nobody is on rotation now)'}
          {target.via !== 'lead' && target.until && (
            <>
              {' '}
              until <time datetime={target.until.toISOString()}>{formatDateTime(target.until)}</time>)
            </>
          )}
          {target.via !== 'lead' && !target.until && ')'}, answer due within <strong>{target.responseHours} hours</strong>.
        </p>
      ) : (
        <p class="notice escalation-target missing">
          Team {item.teamSlug} has nobody on rotation and no lead: set up its <a href="/rotations">rotation</a> first.
        </p>
      )}
      <p class="muted">Engineering needs a reproduction. Every field is required.</p>
      <CsrfField token={chrome.csrfToken} />
      <FormMessage form={form} />
      {REPRODUCTION_FIELDS.map(([name, label, hint]) =>
        name === 'account' || name === 'frequency' || name === 'customersAffected' ? (
          <TextField form={form} name={name} id={`escalate-${name}`} label={label} hint={hint || undefined} maxlength={500} required />
        ) : (
          <TextArea form={form} name={name} id={`escalate-${name}`} label={label} hint={hint || undefined} rows={name === 'logs' ? 6 : 3} maxlength={name === 'logs' ? 20000 : 5000} required />
        ),
      )}
      <button type="submit" disabled={!target}>
        Escalate
      </button>
    </form>
  )
}
