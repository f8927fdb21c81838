import { raw } from 'hono/html'
import type { ReplyView, ThreadPageData, ThreadView, ViewerState } from '../../src/forum/queries'
import type { NoteView, PublicStatus, SupportStatus } from '../../src/queue'
import { CsrfField, FormMessage, RelativeTime, SanitizedHtml, UserLink, type FormState } from '../components'
import { formatDateTime, plural, replyPath, tagPath, threadPath } from '../format'
import { CsatPrompt } from '../csat/rating'
import { Layout, silencedFieldNote, type Chrome } from '../layout'
import { MarkdownEditor } from './editor'
import { qaPageJsonLd, scriptSafeJson } from './structured-data'

export interface ThreadPageProps {
  chrome: Chrome
  data: ThreadPageData
  replyForm: FormState
  replyPreviewHtml?: string
  replyMaxLength: number
  /** The support queue's view of this thread: its public status, and for staff the item. */
  support?: SupportStatus
  /** "We usually answer within …", for the asker. */
  expectation?: string | null
  /** Staff only: internal notes on the thread. */
  staffNotes?: NoteView[] | null
  /** For the asker: the team's "fixed" reply waiting for their word on it. */
  fixConfirmation?: { loopReplyId: number; replyId: number } | null
  /** For the asker, once their question resolved: "Did this solve your problem?" (null: nothing to ask). */
  csatForm?: FormState | null
  /** Just rated: a word of thanks where the prompt was. */
  csatThanks?: boolean
  /** Staff only: a refused staff form comes back with its input and a message by its field. */
  staffForms?: Partial<StaffForms>
  /** The parts every viewer sees alike, already rendered (and usually kept, see SharedThreadHtml). */
  shared?: SharedThreadHtml
}

/**
 * What is the same for everyone who may see it, rendered apart so it can be kept: the question's
 * body and byline, each reply's (hidden notice, body, byline) by reply id, and the structured
 * data. The personal parts (votes, accept, edit, flag and staff tools, CSRF tokens) are rendered
 * around them for each request.
 */
export interface SharedThreadHtml {
  question: string
  replies: Map<number, string>
  /** The QAPage JSON-LD, script-safe; null for a hidden question (not indexed). */
  jsonLd: string | null
}

/** The staff section's forms on the thread page. */
export interface StaffForms {
  convert: FormState
  duplicate: FormState
  note: FormState
}

const STATUS_WORDS: Record<PublicStatus, string> = {
  received: 'received by support',
  'being looked at': 'being looked at',
  'waiting for you': 'waiting for the asker',
  fixed: 'fixed',
  answered: 'answered',
}

export function ThreadPage(props: ThreadPageProps) {
  const { chrome, data } = props
  const { thread } = data
  const url = `${chrome.publicUrl}${threadPath(thread)}`
  const description = thread.bodyText.slice(0, 200)
  return (
    <Layout
      chrome={chrome}
      meta={{
        title: thread.title,
        description,
        canonical: url,
        noindex: thread.hidden,
        head: (
          <>
            <meta property="og:type" content="article" />
            <meta property="og:site_name" content={chrome.siteName} />
            <meta property="og:title" content={thread.title} />
            <meta property="og:description" content={description} />
            <meta property="og:url" content={url} />
            <meta name="twitter:card" content="summary" />
            {/* Raw, not entity-escaped: a script's text is not HTML. scriptSafeJson keeps it from closing the element. */}
            {!thread.hidden && (
              <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: props.shared?.jsonLd ?? threadJsonLd(data, chrome.publicUrl) }} />
            )}
          </>
        ),
      }}
    >
      <article class="thread" aria-labelledby="thread-title">
        <header class="thread-header">
          <nav aria-label="Breadcrumb" class="breadcrumb">
            <ul>
              <li>
                <a href="/">Home</a>
              </li>
              <li>
                <a href={`/c/${thread.category.slug}`}>{thread.category.name}</a>
              </li>
            </ul>
          </nav>
          <h1 id="thread-title">{thread.title}</h1>
          <p class="thread-meta">
            {thread.acceptedReplyId !== null && <span class="solved-badge">✓ Solved</span>}
            {thread.locked && <span class="badge badge-locked">Locked</span>}
            {thread.tags.map((tag) => (
              <a href={tagPath(tag)} class="tag">
                {tag}
              </a>
            ))}
          </p>
          {thread.hidden && (
            <p class="notice" role="status">
              {hiddenNotice(thread.hiddenReason, 'question')}
            </p>
          )}
          {thread.duplicateOf && (
            <p class="notice duplicate-notice" role="status">
              This question is a duplicate of <a href={threadPath(thread.duplicateOf)}>{thread.duplicateOf.title}</a>. Answers continue there.
            </p>
          )}
          {props.support?.status && (
            <p class={`support-status status-${props.support.status.replace(/ /g, '-')}`} id="support-status">
              Support status:{' '}
              <strong>{props.support.status === 'waiting for you' && data.viewer.isAuthor ? 'waiting for you' : STATUS_WORDS[props.support.status]}</strong>
            </p>
          )}
          {data.viewer.isAuthor && props.expectation && <p class="expectation">{props.expectation}</p>}
          {props.fixConfirmation && <FixConfirmation chrome={chrome} thread={thread} confirmation={props.fixConfirmation} />}
          {props.csatForm && <CsatPrompt chrome={chrome} threadId={thread.id} form={props.csatForm} />}
          {props.csatThanks && (
            <p class="notice" role="status" id="csat">
              Thank you for your rating: the team reads every one.
            </p>
          )}
        </header>
        <ThreadMain chrome={chrome} data={data} shared={props.shared} />
        <ThreadActions chrome={chrome} thread={thread} viewer={data.viewer} />
        {data.viewer.isStaff && <StaffSection chrome={chrome} thread={thread} support={props.support} notes={props.staffNotes ?? []} forms={props.staffForms ?? {}} />}
        <ReplyComposer
          chrome={chrome}
          thread={thread}
          viewer={data.viewer}
          form={props.replyForm}
          previewHtml={props.replyPreviewHtml}
          maxLength={props.replyMaxLength}
        />
      </article>
    </Layout>
  )
}

/** The asker's two buttons under the team's fix: plain forms, so they work without JavaScript. */
function FixConfirmation({ chrome, thread, confirmation }: { chrome: Chrome; thread: ThreadView; confirmation: { loopReplyId: number; replyId: number } }) {
  return (
    <section class="fix-confirmation" aria-labelledby="fix-confirmation-heading" id="fix-confirmation">
      <h2 id="fix-confirmation-heading">
        The team says <a href={replyPath(thread, confirmation.replyId)}>this is fixed</a>. Did it solve it for you?
      </h2>
      <form method="post" action={`/fixes/${confirmation.loopReplyId}`} class="inline-form">
        <CsrfField token={chrome.csrfToken} />
        <button type="submit" name="solved" value="1">
          This solved it
        </button>{' '}
        <button type="submit" name="solved" value="0" class="secondary">
          Still broken
        </button>
      </form>
    </section>
  )
}

/** Question, accepted solution and replies: the region htmx swaps when the solution changes. */
export function ThreadMain({ chrome, data, shared }: { chrome: Chrome; data: ThreadPageData; shared?: SharedThreadHtml }) {
  const { thread, viewer } = data
  return (
    <div id="thread-main">
      <section class="post question" aria-label="Question">
        <div class="post-side">
          <ThreadVoteForm chrome={chrome} thread={thread} viewer={viewer} />
        </div>
        <div class="post-content">{shared ? raw(shared.question) : <QuestionBody thread={thread} now={chrome.now} />}</div>
      </section>
      {data.accepted && (
        <section class="accepted-answer" aria-labelledby="accepted-heading">
          <h2 id="accepted-heading">
            ✓ Accepted solution{' '}
            <a href={`#reply-${data.accepted.id}`} class="jump-link">
              (jump to it in the thread)
            </a>
          </h2>
          <SanitizedHtml html={data.accepted.bodyHtml} />
          <PostFooter
            now={chrome.now}
            author={data.accepted.author}
            createdAt={data.accepted.createdAt}
            editedAt={data.accepted.editedAt}
            verb="answered"
          />
        </section>
      )}
      <section class="replies" aria-labelledby="replies-heading">
        <RepliesHeading thread={thread} />
        {data.isLaterPage && (
          <p>
            <a href={threadPath(thread)}>← Earlier replies</a>
          </p>
        )}
        <ol id="reply-list" class="reply-list">
          {data.replies.map((reply) => (
            <li>
              <ReplyArticle chrome={chrome} reply={reply} thread={thread} viewer={viewer} sharedHtml={shared?.replies.get(reply.id)} />
            </li>
          ))}
        </ol>
        {data.nextRepliesCursor && (
          <nav class="pager" aria-label="Reply pages">
            <a href={`${threadPath(thread)}?after=${encodeURIComponent(data.nextRepliesCursor)}`} rel="next">
              Later replies →
            </a>
          </nav>
        )}
      </section>
    </div>
  )
}

export function RepliesHeading({ thread, oob }: { thread: ThreadView; oob?: boolean }) {
  return (
    <h2 id="replies-heading" hx-swap-oob={oob ? 'true' : undefined}>
      {thread.replyCount === 0 ? 'No replies yet' : plural(thread.replyCount, 'reply', 'replies')}
    </h2>
  )
}

/** The question's body and byline (shared by every viewer, see SharedThreadHtml). */
export function QuestionBody({ thread, now }: { thread: ThreadView; now: Date }) {
  return (
    <>
      <SanitizedHtml html={thread.bodyHtml} />
      <PostFooter now={now} author={thread.author} createdAt={thread.createdAt} editedAt={thread.editedAt} verb="asked" />
    </>
  )
}

/** A reply's notice, body and byline: the same for everyone who may see the reply (see SharedThreadHtml). */
export function ReplyBody({ reply, now }: { reply: ReplyView; now: Date }) {
  return (
    <>
      {reply.hidden && <p class="notice">{hiddenNotice(reply.hiddenReason, 'reply')}</p>}
      <SanitizedHtml html={reply.bodyHtml} />
      <PostFooter now={now} author={reply.author} createdAt={reply.createdAt} editedAt={reply.editedAt} verb="replied" />
    </>
  )
}

/** The QAPage structured data of the page, script-safe (the visible replies only). */
export function threadJsonLd(data: ThreadPageData, origin: string): string {
  return scriptSafeJson(qaPageJsonLd(data, origin))
}

function PostFooter(props: { now: Date; author: ReplyView['author']; createdAt: Date; editedAt: Date | null; verb: string }) {
  return (
    <footer class="post-footer">
      {props.verb} <RelativeTime at={props.createdAt} now={props.now} /> by <UserLink user={props.author} />
      {props.editedAt && (
        <span class="edited" title={`Edited ${formatDateTime(props.editedAt)}`}>
          {' '}
          · edited
        </span>
      )}
    </footer>
  )
}

export function ReplyArticle(props: { chrome: Chrome; reply: ReplyView; thread: ThreadView; viewer: ViewerState; sharedHtml?: string }) {
  const { chrome, reply, thread, viewer } = props
  const isAccepted = thread.acceptedReplyId === reply.id
  return (
    <article
      id={`reply-${reply.id}`}
      class={`post reply${isAccepted ? ' is-accepted' : ''}${reply.hidden ? ' is-hidden' : ''}${reply.author.role !== 'member' ? ' is-staff' : ''}`}
      aria-label={`Reply by ${reply.author.displayName}`}
    >
      <div class="post-side">
        <ReplyVoteForm chrome={chrome} reply={reply} viewer={viewer} />
        {isAccepted && (
          <span class="accepted-mark" title="Accepted solution" aria-label="Accepted solution">
            ✓
          </span>
        )}
      </div>
      <div class="post-content">
        {props.sharedHtml !== undefined ? raw(props.sharedHtml) : <ReplyBody reply={reply} now={chrome.now} />}
        <div class="post-actions">
          <a href={replyPath(thread, reply.id)} class="secondary">
            Link
          </a>
          {reply.canEdit && <a href={`/r/${reply.id}/edit`}>Edit</a>}
          {viewer.signedIn && !reply.hidden && reply.author.id !== chrome.viewer?.id && (
            <a href={`/r/${reply.id}/flag`} class="secondary">
              Flag
            </a>
          )}
          {viewer.canAccept && !reply.hidden && (
            <form method="post" action={`/r/${reply.id}/accept`} hx-post={`/r/${reply.id}/accept`} hx-target="#thread-main" hx-swap="outerHTML" class="inline-form">
              <CsrfField token={chrome.csrfToken} />
              <input type="hidden" name="on" value={isAccepted ? '0' : '1'} />
              <button type="submit" class={isAccepted ? 'secondary outline small' : 'outline small'}>
                {isAccepted ? 'Unmark solution' : 'Mark as solution'}
              </button>
            </form>
          )}
          {viewer.isStaff && (
            <form method="post" action={`/r/${reply.id}/hide`} class="inline-form">
              <CsrfField token={chrome.csrfToken} />
              <input type="hidden" name="on" value={reply.hidden ? '0' : '1'} />
              <button type="submit" class="secondary outline small">
                {reply.hidden ? 'Unhide' : 'Hide'}
              </button>
            </form>
          )}
        </div>
      </div>
    </article>
  )
}

function VoteForm(props: {
  chrome: Chrome
  id: string
  action: string
  count: number
  voted: boolean
  own: boolean
  what: string
}) {
  const label = props.own ? `You can't vote on your own ${props.what}` : props.voted ? `Remove your upvote` : `Upvote this ${props.what}`
  return (
    <form id={props.id} class="vote" method="post" action={props.action} hx-post={props.action} hx-target="this" hx-swap="outerHTML">
      <CsrfField token={props.chrome.csrfToken} />
      <input type="hidden" name="on" value={props.voted ? '0' : '1'} />
      <button type="submit" class="vote-button" aria-pressed={props.voted ? 'true' : 'false'} aria-label={label} title={label} disabled={props.own}>
        ▲
      </button>
      <span class="vote-count" aria-label={plural(props.count, 'vote')}>
        {props.count}
      </span>
    </form>
  )
}

export function ThreadVoteForm({ chrome, thread, viewer }: { chrome: Chrome; thread: ThreadView; viewer: ViewerState }) {
  return (
    <VoteForm
      chrome={chrome}
      id="thread-vote"
      action={`/t/${thread.id}/vote`}
      count={thread.upvoteCount}
      voted={viewer.voted}
      own={viewer.isAuthor}
      what="question"
    />
  )
}

export function ReplyVoteForm({ chrome, reply, viewer }: { chrome: Chrome; reply: ReplyView; viewer: ViewerState }) {
  return (
    <VoteForm
      chrome={chrome}
      id={`reply-vote-${reply.id}`}
      action={`/r/${reply.id}/vote`}
      count={reply.upvoteCount}
      voted={reply.viewerVoted}
      own={viewer.signedIn && reply.author.id === chrome.viewer?.id}
      what="reply"
    />
  )
}

export function MeTooForm({ chrome, thread, viewer }: { chrome: Chrome; thread: ThreadView; viewer: ViewerState }) {
  const action = `/t/${thread.id}/me-too`
  return (
    <form id="me-too" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML" class="inline-form">
      <CsrfField token={chrome.csrfToken} />
      <input type="hidden" name="on" value={viewer.meToo ? '0' : '1'} />
      <button
        type="submit"
        class={viewer.meToo ? 'small' : 'outline small'}
        aria-pressed={viewer.meToo ? 'true' : 'false'}
        disabled={viewer.isAuthor}
        title={viewer.isAuthor ? 'This is your question' : 'I have this problem too'}
      >
        Me too
      </button>{' '}
      <span class="me-too-count">{plural(thread.meTooCount, 'person has', 'people have')} this problem</span>
    </form>
  )
}

export function SubscriptionForm({ chrome, thread, viewer }: { chrome: Chrome; thread: ThreadView; viewer: ViewerState }) {
  const action = `/t/${thread.id}/subscription`
  return (
    <form id="subscription" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML" class="inline-form">
      <CsrfField token={chrome.csrfToken} />
      <input type="hidden" name="on" value={viewer.subscribed ? '0' : '1'} />
      <button type="submit" class="secondary outline small" aria-pressed={viewer.subscribed ? 'true' : 'false'}>
        {viewer.subscribed ? 'Following · stop' : 'Follow this thread'}
      </button>
    </form>
  )
}

function ThreadActions({ chrome, thread, viewer }: { chrome: Chrome; thread: ThreadView; viewer: ViewerState }) {
  return (
    <div class="thread-actions">
      <MeTooForm chrome={chrome} thread={thread} viewer={viewer} />
      {viewer.signedIn && <SubscriptionForm chrome={chrome} thread={thread} viewer={viewer} />}
      {viewer.signedIn && !thread.hidden && thread.author.id !== chrome.viewer?.id && (
        <a href={`/t/${thread.id}/flag`} class="secondary">
          Flag
        </a>
      )}
      {viewer.canEdit && (
        <a href={`/t/${thread.id}/edit`} class="secondary">
          Edit question
        </a>
      )}
      {viewer.isStaff && (
        <div class="staff-tools" role="group" aria-label="Staff tools">
          <form method="post" action={`/t/${thread.id}/lock`} class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <input type="hidden" name="on" value={thread.locked ? '0' : '1'} />
            <button type="submit" class="secondary outline small">
              {thread.locked ? 'Unlock thread' : 'Lock thread'}
            </button>
          </form>
          <form method="post" action={`/t/${thread.id}/hide`} class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <input type="hidden" name="on" value={thread.hidden ? '0' : '1'} />
            <button type="submit" class="secondary outline small">
              {thread.hidden ? 'Unhide thread' : 'Hide thread'}
            </button>
          </form>
        </div>
      )}
    </div>
  )
}

const KIND_CHOICES: [string, string][] = [
  ['question', 'Question'],
  ['bug', 'Bug'],
  ['incident', 'Incident'],
  ['feature_request', 'Feature request'],
  ['billing', 'Billing'],
]
const SEVERITY_CHOICES: [string, string][] = [
  ['normal', 'Normal severity'],
  ['low', 'Low severity'],
  ['high', 'High severity'],
  ['critical', 'Critical severity'],
]

/** A field's message under a staff form's compact row. */
function StaffFieldError({ id, error }: { id: string; error?: string }) {
  return error ? (
    <small id={id} class="field-error">
      {error}
    </small>
  ) : null
}

/** Staff only: the queue item, duplicates, and internal notes. Never rendered for customers. */
function StaffSection({ chrome, thread, support, notes, forms }: { chrome: Chrome; thread: ThreadView; support?: SupportStatus; notes: NoteView[]; forms: Partial<StaffForms> }) {
  const convert = forms.convert ?? { values: {}, errors: {} }
  const duplicate = forms.duplicate ?? { values: { duplicateOfId: thread.duplicateOf ? String(thread.duplicateOf.id) : '' }, errors: {} }
  const note = forms.note ?? { values: {}, errors: {} }
  return (
    <section id="staff-notes" class="staff-section" aria-labelledby="staff-heading">
      <h2 id="staff-heading">Staff only</h2>
      <div class="staff-grid">
        <div>
          {support?.itemId ? (
            <>
              {/* Added meanwhile by someone else: the refusal still says so. */}
              <FormMessage form={convert} />
              <p>
                In the support queue as <a href={`/queue/items/${support.itemId}`}>item #{support.itemId}</a>.
              </p>
            </>
          ) : (
            <form method="post" action={`/queue/threads/${thread.id}/convert`} class="convert-form" id="convert-form">
              <CsrfField token={chrome.csrfToken} />
              <FormMessage form={convert} />
              <label for="convert-kind">Add to the support queue as</label>
              <div class="form-buttons">
                <select
                  id="convert-kind"
                  name="kind"
                  aria-label="Kind"
                  aria-invalid={convert.errors.kind ? 'true' : undefined}
                  aria-describedby={convert.errors.kind ? 'convert-kind-error' : undefined}
                >
                  {KIND_CHOICES.map(([value, label]) => (
                    <option value={value} selected={convert.values.kind === value}>
                      {label}
                    </option>
                  ))}
                </select>
                <select
                  id="convert-severity"
                  name="severity"
                  aria-label="Severity"
                  aria-invalid={convert.errors.severity ? 'true' : undefined}
                  aria-describedby={convert.errors.severity ? 'convert-severity-error' : undefined}
                >
                  {SEVERITY_CHOICES.map(([value, label]) => (
                    <option value={value} selected={convert.values.severity === value}>
                      {label}
                    </option>
                  ))}
                </select>
                <button type="submit" class="small">
                  Add to queue
                </button>
              </div>
              <StaffFieldError id="convert-kind-error" error={convert.errors.kind} />
              <StaffFieldError id="convert-severity-error" error={convert.errors.severity} />
            </form>
          )}
          <form method="post" action={`/queue/threads/${thread.id}/duplicate`} class="duplicate-form" id="duplicate-form">
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={duplicate} />
            <label for="duplicate-of">Duplicate of (thread number or address)</label>
            <div class="form-buttons">
              <input
                id="duplicate-of"
                name="duplicateOfId"
                value={duplicate.values.duplicateOfId ?? ''}
                placeholder="e.g. 1234"
                aria-invalid={duplicate.errors.duplicateOfId ? 'true' : undefined}
                aria-describedby={duplicate.errors.duplicateOfId ? 'duplicate-of-error' : undefined}
              />
              <button type="submit" class="small outline">
                {thread.duplicateOf ? 'Update' : 'Mark as duplicate'}
              </button>
            </div>
            <StaffFieldError id="duplicate-of-error" error={duplicate.errors.duplicateOfId} />
          </form>
        </div>
        <div>
          <h3>Internal notes</h3>
          {notes.length === 0 && <p class="muted">No notes on this thread.</p>}
          {notes.map((note) => (
            <article class="note">
              <header>
                <strong>{note.authorName}</strong> · <RelativeTime at={note.createdAt} now={chrome.now} />
              </header>
              <SanitizedHtml html={note.html} />
            </article>
          ))}
          <form method="post" action={`/queue/threads/${thread.id}/notes`} id="thread-note-form">
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={note} />
            <label for="thread-note">Add a note (staff only)</label>
            <textarea
              id="thread-note"
              name="body"
              rows={2}
              required
              aria-invalid={note.errors.body ? 'true' : undefined}
              aria-describedby={note.errors.body ? 'thread-note-error' : undefined}
            >
              {note.values.body ?? ''}
            </textarea>
            <StaffFieldError id="thread-note-error" error={note.errors.body} />
            <button type="submit" class="small secondary">
              Add note
            </button>
          </form>
        </div>
      </div>
    </section>
  )
}

export function ReplyComposer(props: {
  chrome: Chrome
  thread: ThreadView
  viewer: ViewerState
  form: FormState
  previewHtml?: string
  maxLength: number
  oob?: boolean
}) {
  const { chrome, thread, viewer } = props
  const action = `/t/${thread.id}/replies`
  // A refused reply always comes back with its text (session ended, thread locked meanwhile);
  // otherwise visitors are invited to sign in and locked threads say so.
  const hasDraft = !!props.form.values.body
  if (!viewer.signedIn && !hasDraft)
    return (
      <section id="reply-form" class="reply-composer" hx-swap-oob={props.oob ? 'true' : undefined}>
        <p>
          <a href={`/login?next=${encodeURIComponent(threadPath(thread))}`}>Sign in</a> or <a href="/signup">sign up</a> to reply.
        </p>
      </section>
    )
  if (!viewer.canReply && !hasDraft)
    return (
      <section id="reply-form" class="reply-composer" hx-swap-oob={props.oob ? 'true' : undefined}>
        <p class="notice">This thread is locked and takes no new replies.</p>
      </section>
    )
  return (
    <section id="reply-form" class="reply-composer" aria-labelledby="reply-form-heading" hx-swap-oob={props.oob ? 'true' : undefined}>
      <h2 id="reply-form-heading">Your reply</h2>
      <form
        method="post"
        action={action}
        hx-post={action}
        hx-target="#reply-list"
        hx-swap="beforeend"
        hx-disabled-elt="find button[type=submit]"
        hx-disinherit="hx-disabled-elt"
      >
        <CsrfField token={chrome.csrfToken} />
        <FormMessage form={props.form} />
        {thread.locked && <p class="notice">This thread is locked; as staff you can still reply.</p>}
        <MarkdownEditor form={props.form} label="Reply" maxlength={props.maxLength} previewHtml={props.previewHtml} idPrefix="reply" rows={6} refusal={silencedFieldNote(chrome)} />
        <div class="form-buttons">
          <button type="submit">Post reply</button>
          <button type="submit" name="intent" value="preview" class="secondary outline" formnovalidate hx-post={action} hx-target="#reply-form" hx-swap="outerHTML">
            Preview
          </button>
        </div>
      </form>
    </section>
  )
}

/** Why a post is out of sight, said to the only people who can still see it: its author and staff. */
function hiddenNotice(reason: string | null, what: 'question' | 'reply'): string {
  const it = what === 'question' ? 'This question' : 'This reply'
  if (reason === 'held') return `${it} is waiting for a moderator's approval. Only you and staff can see it until then.`
  if (reason === 'flagged') return `${it} is hidden after members flagged it, until a moderator reviews it. Only its author and staff can see it.`
  if (reason === 'rejected') return `${it} was not approved by the moderators. Only its author and staff can see it.`
  if (reason === 'removed') return `${it} was removed with its author's account. Only staff can see it.`
  return what === 'question' ? 'This question is hidden by staff. Only its author and staff can see it.' : 'Hidden by staff: only staff and the author see this reply.'
}
