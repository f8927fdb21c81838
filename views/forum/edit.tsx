import type { Category } from '../../src/db/schema'
import type { ThreadView } from '../../src/forum/queries'
import { CsrfField, FormMessage, type FormState } from '../components'
import { threadPath } from '../format'
import { Layout, silencedFieldNote, type Chrome } from '../layout'
import { QuestionForm, type QuestionFormLimits } from './ask'
import { MarkdownEditor } from './editor'

export function EditThreadPage(props: {
  chrome: Chrome
  threadId: number
  threadPath: string
  categories: Category[]
  form: FormState
  previewHtml?: string
  limits: QuestionFormLimits
}) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Edit question', noindex: true }}>
      <section class="narrow">
        <hgroup>
          <h1>Edit question</h1>
          <p>
            <a href={props.threadPath}>Back to the thread</a>
          </p>
        </hgroup>
        <QuestionForm {...props} action={`/t/${props.threadId}/edit`} submitLabel="Save changes" />
      </section>
    </Layout>
  )
}

export function EditReplyPage(props: {
  chrome: Chrome
  replyId: number
  thread: ThreadView
  form: FormState
  previewHtml?: string
  maxLength: number
}) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Edit reply', noindex: true }}>
      <section class="narrow">
        <hgroup>
          <h1>Edit reply</h1>
          <p>
            In <a href={`${threadPath(props.thread)}#reply-${props.replyId}`}>{props.thread.title}</a>
          </p>
        </hgroup>
        <form method="post" action={`/r/${props.replyId}/edit`} hx-disabled-elt="find button[type=submit]" hx-disinherit="hx-disabled-elt">
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <MarkdownEditor form={props.form} label="Reply" maxlength={props.maxLength} previewHtml={props.previewHtml} idPrefix="reply-edit" refusal={silencedFieldNote(props.chrome)} />
          <div class="form-buttons">
            <button type="submit">Save changes</button>
            <button type="submit" name="intent" value="preview" class="secondary outline" formnovalidate>
              Preview
            </button>
          </div>
        </form>
      </section>
    </Layout>
  )
}
