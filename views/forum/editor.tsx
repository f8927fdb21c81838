import type { Child } from 'hono/jsx'
import { SanitizedHtml, TextArea, type FormState } from '../components'

/**
 * A Markdown textarea with a live preview. With JavaScript, htmx posts the text to /preview
 * as you type; without it, the form's Preview button re-renders the page with the preview.
 */
export function MarkdownEditor(props: {
  form: FormState
  name?: string
  label: string
  rows?: number
  maxlength: number
  /** Rendered preview when the form came back from a no-JavaScript Preview click. */
  previewHtml?: string
  hint?: Child
  idPrefix?: string
  /** Why this person may not post now (a silence), said by the field before they type. */
  refusal?: string
}) {
  const name = props.name ?? 'body'
  const id = `${props.idPrefix ?? 'editor'}-${name}`
  const previewId = `${id}-preview`
  return (
    <div class="markdown-editor">
      <TextArea
        form={props.form}
        name={name}
        id={id}
        label={props.label}
        rows={props.rows ?? 10}
        maxlength={props.maxlength}
        hint={props.refusal ? <strong class="field-refusal">{props.refusal}</strong> : (props.hint ?? 'Markdown: **bold**, `code`, ```fenced code```, [links](https://example.com), lists.')}
        attributes={{
          'hx-post': '/preview',
          'hx-trigger': 'input changed delay:400ms',
          'hx-target': `#${previewId}`,
          'hx-swap': 'innerHTML',
          'hx-sync': 'this:replace',
        }}
      />
      <section class="preview" aria-label="Preview" aria-live="polite">
        <h2 class="preview-heading">Preview</h2>
        <div id={previewId} class="preview-body">
          {props.previewHtml !== undefined ? (
            <PreviewBody html={props.previewHtml} />
          ) : (
            <p class="muted">The preview appears here as you type.</p>
          )}
        </div>
      </section>
    </div>
  )
}

/** The fragment /preview returns. */
export function PreviewBody({ html }: { html: string }) {
  return html ? <SanitizedHtml html={html} /> : <p class="muted">Nothing to preview yet.</p>
}
