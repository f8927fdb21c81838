// Staff paste Markdown into plain-text fields (a reproduction's logs, a customer's post that a bug
// signal quotes). Those fields are shown as text, never rendered as Markdown, so the fences would
// show as literal ``` marks: these helpers take them out and keep the fenced part preformatted.

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})[^`\n]*$/

export interface TextBlock {
  /** Inside a fence (or the whole field, for logs): shown preformatted. */
  code: boolean
  text: string
}

/** Splits text at its fence lines into prose and code, dropping the fences; an unclosed fence runs to the end. */
export function splitFences(text: string): TextBlock[] {
  const blocks: TextBlock[] = []
  let code = false
  let lines: string[] = []
  const flush = () => {
    const joined = lines.join('\n').replace(/^\n+|\s+$/g, '')
    if (joined) blocks.push({ code, text: joined })
    lines = []
  }
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (FENCE_LINE.test(line)) {
      flush()
      code = !code
    } else lines.push(line)
  }
  flush()
  return blocks
}

/** The text without its fence lines, for a field that is preformatted as a whole. */
export function withoutFences(text: string): string {
  return splitFences(text)
    .map((block) => block.text)
    .join('\n')
}

/**
 * One line of text for an excerpt: fences (with the language name stuck to an opening one, as in
 * ```log) and inline backticks removed, whitespace collapsed.
 */
export function plainExcerpt(text: string): string {
  return text
    .replace(/(`{3,}|~{3,})[\w+.-]*/g, ' ')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** A plain-text field: prose keeps its line breaks, fenced parts become <pre> blocks. */
export function FencedText({ text, preformatted = false }: { text: string | null | undefined; preformatted?: boolean }) {
  if (!text) return null
  if (preformatted) return <pre class="plain-pre">{withoutFences(text)}</pre>
  const blocks = splitFences(text)
  if (blocks.length === 1 && !blocks[0]!.code) return <>{blocks[0]!.text}</>
  return (
    <>
      {blocks.map((block) => (block.code ? <pre class="plain-pre">{block.text}</pre> : <p class="plain-text">{block.text}</p>))}
    </>
  )
}
