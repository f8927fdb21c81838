import type { Child } from 'hono/jsx'
import type { Category } from '../../src/db/schema'
import type { SimilarQuestions } from '../../src/search'
import { CsrfField, FormMessage, Select, TextField, type FormState } from '../components'
import { SimilarQuestionsList } from '../search/similar'
import { Layout, silencedFieldNote, type Chrome } from '../layout'
import { MarkdownEditor } from './editor'
import { FormGuardFields, type FormGuard } from '../safety/form-guard'

export interface QuestionFormLimits {
  titleMin: number
  titleMax: number
  bodyMax: number
  maxTags: number
}

export interface QuestionFormProps {
  chrome: Chrome
  categories: Category[]
  form: FormState
  previewHtml?: string
  limits: QuestionFormLimits
  /** The honeypot and signed timestamp against scripts (asking only; src/safety/form-stamps.ts). */
  guard?: FormGuard | null
}

export interface AskPageProps extends QuestionFormProps {
  similar: SimilarQuestions | null
  /** "We usually answer within 4 business hours", from the asker's plan. */
  expectation?: string | null
}

export function AskPage(props: AskPageProps) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Ask a question', noindex: true }}>
      <section class="narrow" aria-labelledby="ask-heading">
        <hgroup>
          <h1 id="ask-heading">Ask a question</h1>
          <p>Describe what you tried, what happened and what you expected. Questions are public.</p>
        </hgroup>
        {props.expectation && <p class="expectation">{props.expectation}</p>}
        <QuestionForm
          {...props}
          action="/ask"
          submitLabel="Post your question"
          afterTitle={
            <section
              id="similar-questions"
              class="similar-questions"
              aria-live="polite"
              aria-label="Similar questions"
              hx-get="/ask/similar"
              hx-trigger="input changed delay:500ms from:#field-title, input changed delay:1200ms from:#question-body"
              hx-include="#field-title, #question-body"
              hx-swap="innerHTML"
              hx-sync="this:replace"
            >
              <SimilarQuestionsList similar={props.similar} />
            </section>
          }
        />
      </section>
    </Layout>
  )
}

/** The question form, shared by asking and editing. */
export function QuestionForm(props: QuestionFormProps & { action: string; submitLabel: string; afterTitle?: Child }) {
  const { form, limits } = props
  return (
    // hx-disinherit: the similar-questions list and the live preview inside would take the form's
    // hx-disabled-elt, find no submit button under themselves, and log an htmx error on every load.
    <form method="post" action={props.action} class="question-form" hx-disabled-elt="find button[type=submit]" hx-disinherit="hx-disabled-elt">
      <CsrfField token={props.chrome.csrfToken} />
      <FormGuardFields guard={props.guard} />
      <FormMessage form={form} />
      <TextField
        form={form}
        name="title"
        label="Title"
        required
        maxlength={limits.titleMax}
        minlength={limits.titleMin}
        placeholder="e.g. Export to CSV fails with a 502 since upgrading to 2.4"
        hint={`Be specific: ${limits.titleMin} to ${limits.titleMax} characters.`}
        autocomplete="off"
      />
      {props.afterTitle}
      <Select
        form={form}
        name="categoryId"
        label="Category"
        required
        placeholder="Choose a category"
        options={props.categories.map((category) => ({ value: String(category.id), label: category.name }))}
      />
      <MarkdownEditor form={form} label="Question" maxlength={limits.bodyMax} previewHtml={props.previewHtml} idPrefix="question" refusal={silencedFieldNote(props.chrome)} />
      <TextField
        form={form}
        name="tags"
        label="Tags (optional)"
        placeholder="billing, sso"
        hint={`Up to ${limits.maxTags}, separated by commas.`}
        autocomplete="off"
      />
      <div class="form-buttons">
        <button type="submit">{props.submitLabel}</button>
        <button type="submit" name="intent" value="preview" class="secondary outline" formnovalidate>
          Preview
        </button>
      </div>
    </form>
  )
}
