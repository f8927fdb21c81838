import type { ReviewEntry, ReviewQueue } from '../../src/moderation'
import { CsrfField, FormMessage, RelativeTime, SanitizedHtml, Select, TextArea, TextField, emptyForm, type FormState } from '../components'
import { plural, replyPath, threadPath } from '../format'
import { Layout, type Chrome } from '../layout'

const WHY: Record<ReviewEntry['reason'], string> = {
  flagged: 'Flagged by members',
  first_post: 'First post of a new account',
  link_domains: 'Links to many sites from a new account',
  watched_word: 'Watched word',
}

const STATE: Record<string, string> = {
  held: 'Held: nobody but its author has seen it',
  flagged: 'Hidden by flags until reviewed',
  staff: 'Hidden by staff',
  rejected: 'Rejected',
  removed: 'Removed with its author',
}

export const SANCTION_DURATIONS = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '365', label: '1 year' },
  { value: 'forever', label: 'Until lifted' },
]

/** /review: posts held by the filters or flagged, oldest first, each with staff's four decisions. */
export function ReviewPage(props: { chrome: Chrome; queue: ReviewQueue; failed?: { id: number; form: FormState } | null; notice?: string | null }) {
  const { chrome, queue } = props
  return (
    <Layout chrome={chrome} meta={{ title: 'Review queue', noindex: true }}>
      <h1>Review queue</h1>
      {props.notice && <p role="status">{props.notice}</p>}
      {props.failed && !queue.entries.some((entry) => entry.id === props.failed!.id) && props.failed.form.message && (
        <p class="form-message" role="alert">
          {props.failed.form.message}
        </p>
      )}
      <p>
        {queue.total === 0
          ? 'Nothing waits for review.'
          : `${plural(queue.total, 'post')} waiting, oldest first.${queue.total > queue.entries.length ? ` Showing the first ${queue.entries.length}.` : ''}`}
      </p>
      <ol class="review-list" role="list">
        {queue.entries.map((entry) => (
          <li>
            <ReviewEntryView chrome={chrome} entry={entry} form={props.failed?.id === entry.id ? props.failed.form : null} />
          </li>
        ))}
      </ol>
    </Layout>
  )
}

function ReviewEntryView({ chrome, entry, form }: { chrome: Chrome; entry: ReviewEntry; form: FormState | null }) {
  const link = entry.replyId ? replyPath({ id: entry.threadId, slug: entry.slug }, entry.replyId) : threadPath({ id: entry.threadId, slug: entry.slug })
  const suspendForm = form ?? emptyForm({ duration: '7' })
  return (
    <article class="review-entry" id={`review-${entry.id}`}>
      <header>
        <strong>{WHY[entry.reason]}</strong>
        {entry.detail && <span>: {entry.detail}</span>} · <RelativeTime at={entry.createdAt} now={chrome.now} />
        <p>
          {entry.replyId ? 'Reply in ' : 'Question '}
          <a href={link}>{entry.title}</a> by <a href={`/moderation/users/${entry.author.id}`}>{entry.author.name}</a> ({entry.author.trust},{' '}
          {plural(entry.author.posts, 'post')}, joined <RelativeTime at={entry.author.since} now={chrome.now} />)
        </p>
        <p>
          <em>{entry.hidden ? (STATE[entry.hiddenReason ?? 'staff'] ?? 'Hidden') : 'Public'}</em>
        </p>
      </header>
      <SanitizedHtml html={entry.bodyHtml} class="post-body" />
      {entry.flags.length > 0 && (
        <ul aria-label="Flags">
          {entry.flags.map((flag) => (
            <li>
              {flag.reason.replace('_', '-')} from {flag.by} ({flag.trust}){flag.note && <>: “{flag.note}”</>}
            </li>
          ))}
        </ul>
      )}
      <div class="review-actions">
        {(
          [
            ['approve', entry.hidden ? 'Approve and show' : 'Keep: the flags were wrong'],
            ['reject', 'Reject'],
            ['hide', 'Hide'],
          ] as const
        ).map(([decision, label]) => (
          <form method="post" action={`/review/${entry.id}`}>
            <CsrfField token={chrome.csrfToken} />
            <input type="hidden" name="decision" value={decision} />
            <button type="submit" class={decision === 'approve' ? undefined : 'secondary'}>
              {label}
            </button>
          </form>
        ))}
        <details open={!!form}>
          <summary>Suspend the author…</summary>
          <form method="post" action={`/review/${entry.id}`}>
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={suspendForm} />
            <input type="hidden" name="decision" value="suspend" />
            <TextField form={suspendForm} id={`reason-${entry.id}`} name="reason" label="Reason (for staff)" required maxlength={500} />
            <TextArea form={suspendForm} id={`message-${entry.id}`} name="message" label="What the person is told" rows={3} required maxlength={1000} />
            <Select form={suspendForm} id={`duration-${entry.id}`} name="duration" label="For" options={SANCTION_DURATIONS} />
            <button type="submit" class="contrast">
              Reject and suspend {entry.author.name}
            </button>
          </form>
        </details>
      </div>
    </article>
  )
}
