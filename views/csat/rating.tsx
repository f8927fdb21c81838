import type { CsatLinkView, ItemCsat } from '../../src/csat'
import { CsrfField, FormMessage, RelativeTime, TextArea, type FormState } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'

// "Did this solve your problem?": the same fields on the asker's thread page (signed in) and on
// the page the mail's signed link opens (no sign-in). Plain forms: they work without JavaScript.

const RATINGS: { value: string; label: string }[] = [
  { value: '1', label: '1 – Not at all' },
  { value: '2', label: '2 – Barely' },
  { value: '3', label: '3 – Partly' },
  { value: '4', label: '4 – Mostly' },
  { value: '5', label: '5 – Completely' },
]

export const CSAT_COMMENT_LIMIT = 2000

/** The rating (five radio buttons in a fieldset) and the comment, each with its message. */
export function CsatFields({ form, idPrefix }: { form: FormState; idPrefix: string }) {
  const error = form.errors.rating
  const chosen = form.values.rating ?? ''
  return (
    <>
      <fieldset aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${idPrefix}-rating-error` : undefined} class="csat-rating">
        <legend>Did this solve your problem?</legend>
        {RATINGS.map((rating) => (
          <label for={`${idPrefix}-rating-${rating.value}`}>
            <input type="radio" id={`${idPrefix}-rating-${rating.value}`} name="rating" value={rating.value} checked={chosen === rating.value} required />
            {rating.label}
          </label>
        ))}
        {error && (
          <small id={`${idPrefix}-rating-error`} class="field-error">
            {error}
          </small>
        )}
      </fieldset>
      <TextArea
        form={form}
        name="comment"
        id={`${idPrefix}-comment`}
        label="Comment (optional)"
        rows={3}
        maxlength={CSAT_COMMENT_LIMIT}
        hint="Only the support team reads it; it is never shown in public."
      />
    </>
  )
}

/** The asker's prompt on their thread page, once their question was resolved. */
export function CsatPrompt({ chrome, threadId, form }: { chrome: Chrome; threadId: number; form: FormState }) {
  return (
    <section class="csat-prompt" aria-labelledby="csat-heading" id="csat">
      <h2 id="csat-heading">Your question was resolved. How did we do?</h2>
      <form method="post" action={`/t/${threadId}/csat`}>
        <CsrfField token={chrome.csrfToken} />
        <FormMessage form={form} />
        <CsatFields form={form} idPrefix="csat" />
        <button type="submit">Send rating</button>
      </form>
      <form method="post" action={`/t/${threadId}/csat/dismiss`} class="inline-form">
        <CsrfField token={chrome.csrfToken} />
        <button type="submit" class="secondary outline">
          Not now
        </button>
      </form>
    </section>
  )
}

/** The page a CSAT mail's link opens: the form, posted back to the same signed link. */
export function CsatLinkPage({ chrome, token, link, form }: { chrome: Chrome; token: string; link: CsatLinkView; form: FormState }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Did this solve your problem?', noindex: true }}>
      <h1>Did this solve your problem?</h1>
      <p>
        About your question{' '}
        {link.thread ? <a href={`/t/${link.thread.id}/${link.thread.slug}`}>“{link.title}”</a> : <strong>“{link.title}”</strong>}, which the team
        resolved.
      </p>
      <form method="post" action={`/csat/${token}`}>
        <CsrfField token={chrome.csrfToken} />
        <FormMessage form={form} />
        <CsatFields form={form} idPrefix="csat" />
        <button type="submit">Send rating</button>
      </form>
    </Layout>
  )
}

export function CsatThanksPage({ chrome, thread }: { chrome: Chrome; thread: { id: number; slug: string } | null }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Thank you', noindex: true }}>
      <h1>Thank you</h1>
      <p role="status">The team has your rating. It helps us see which answers work and which need more.</p>
      <p>{thread ? <a href={`/t/${thread.id}/${thread.slug}`}>Back to your question</a> : <a href="/">Go to the latest questions</a>}</p>
    </Layout>
  )
}

/** Staff only, on the item page: was the asker asked, and what they said (the comment included). */
export function ItemCsatSection({ chrome, csat }: { chrome: Chrome; csat: ItemCsat | null }) {
  if (!csat) return null
  return (
    <section class="item-csat" aria-labelledby="csat-heading">
      <h2 id="csat-heading">Customer satisfaction</h2>
      {csat.rating ? (
        <>
          <p>
            {csat.askedName} rated the resolution <strong>{csat.rating.value} of 5</strong>{' '}
            <RelativeTime at={csat.rating.ratedAt} now={chrome.now} />.
          </p>
          {csat.rating.comment && (
            <blockquote class="plain-text">
              {csat.rating.comment}
              <footer class="muted">Staff only: never shown to customers.</footer>
            </blockquote>
          )}
        </>
      ) : (
        <p class="muted">
          {csat.askedName} was asked “Did this solve your problem?” on {formatDateTime(csat.askedAt)}; no rating yet.
        </p>
      )}
    </section>
  )
}
