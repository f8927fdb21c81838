// A reply by mail is plain text, and the forum stores Markdown: the text is escaped so it renders
// as the person wrote it (a "*" stays a star, "<b>" stays visible text, "# 1" is no heading),
// links stay clickable, and each line break stays a line break (mail is written line by line).

/** Characters that start inline Markdown (emphasis, code, links, HTML, tables, strikethrough, entities). */
const INLINE = /[\\`*_[\]<>|~&]/g
const URL = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])/g

export function mailTextToMarkdown(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => escapeLine(line.trim()))
        .filter((line) => line !== '')
        .join('  \n'),
    )
    .filter((paragraph) => paragraph !== '')
  return paragraphs.join('\n\n')
}

function escapeLine(line: string): string {
  const escaped = line
    .split(URL)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(INLINE, '\\$&')))
    .join('')
  // Block syntax only counts at the start of a line: headings, quotes, lists, rules, setext underlines.
  return escaped
    .replace(/^(#{1,6})(\s|$)/, '\\$1$2')
    .replace(/^([-+=])(\s|$)/, '\\$1$2')
    .replace(/^([-=*_]\s*){3,}$/, (rule) => `\\${rule}`)
    .replace(/^(\d{1,9})([.)])(\s|$)/, '$1\\$2$3')
}
