import type { FlagTarget } from '../../src/moderation'
import { CsrfField, FormMessage, TextArea, type FormState } from '../components'
import { threadPath } from '../format'
import { Layout, type Chrome } from '../layout'

const REASONS: [string, string, string][] = [
  ['spam', 'Spam', 'Advertising, or links that have nothing to do with the question.'],
  ['off_topic', 'Off-topic', 'Not about this question or this community.'],
  ['abusive', 'Abusive', 'Rude, hateful or threatening towards someone.'],
  ['other', 'Something else', 'Tell the moderators what is wrong in the note.'],
]

/** "Flag this post": why, and an optional note (required for "something else"). */
export function FlagPage(props: { chrome: Chrome; target: FlagTarget; form: FormState; done?: { hidden: boolean; already: boolean } | null }) {
  const { chrome, target, form } = props
  const action = target.replyId ? `/r/${target.replyId}/flag` : `/t/${target.threadId}/flag`
  const path = threadPath({ id: target.threadId, slug: target.slug })
  const back = target.replyId ? `${path}#reply-${target.replyId}` : path
  const chosen = form.values.reason ?? ''
  return (
    <Layout chrome={chrome} meta={{ title: 'Flag a post', noindex: true }}>
      <h1>Flag a post</h1>
      <p>
        {target.replyId ? 'A reply' : 'The question'} by {target.authorName} in <a href={back}>{target.title}</a>:
      </p>
      <blockquote>{target.excerpt}</blockquote>
      {props.done ? (
        <section role="status">
          <p>
            {props.done.already
              ? 'You had already flagged this post; the moderators have it.'
              : props.done.hidden
                ? 'Thank you. Enough people flagged this post that it is hidden until a moderator looks at it.'
                : 'Thank you. A moderator will look at this post.'}
          </p>
          <p>
            <a href={back}>Back to the thread</a>
          </p>
        </section>
      ) : (
        <form method="post" action={action}>
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={form} />
          <fieldset class="choice-hints" aria-invalid={form.errors.reason ? 'true' : undefined} aria-describedby={form.errors.reason ? 'reason-error' : undefined}>
            <legend>What is wrong with it?</legend>
            {REASONS.map(([value, label, hint]) => (
              <label>
                <input type="radio" name="reason" value={value} checked={chosen === value} required />
                {label} <small>{hint}</small>
              </label>
            ))}
            {form.errors.reason && (
              <small id="reason-error" class="field-error">
                {form.errors.reason}
              </small>
            )}
          </fieldset>
          <TextArea form={form} name="note" label="Note for the moderators (optional)" rows={3} maxlength={500} />
          <button type="submit">Flag this post</button> <a href={back}>Cancel</a>
        </form>
      )}
    </Layout>
  )
}
