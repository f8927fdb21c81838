import { ValidationError } from '../errors'
import { renderMarkdown, type RenderedMarkdown } from './markdown'

/** Markdown to safe HTML, refusing a post that is nothing once unsafe markup is removed. */
export function renderPostBody(markdown: string, label: string, field = 'body'): RenderedMarkdown {
  const rendered = renderMarkdown(markdown)
  if (!rendered.html || (!rendered.text && !rendered.html.includes('<img')))
    throw new ValidationError({ [field]: `${label} has no readable content once unsafe markup is removed.` })
  return rendered
}
