import type { Highlighted } from './types'

// Engines mark matches with these two control characters, which never occur in indexed text
// (the forum refuses control characters), so user text is never parsed as markup.
export const MATCH_START = '\u0001'
export const MATCH_END = '\u0002'

/** "a \u0001b\u0002 c" -> [{ a }, { b, match }, { c }] */
export function toHighlighted(marked: string): Highlighted {
  const segments: Highlighted = []
  let match = false
  for (const part of marked.split(/([\u0001\u0002])/)) {
    if (part === MATCH_START) match = true
    else if (part === MATCH_END) match = false
    else if (part) segments.push({ text: part, match })
  }
  return segments
}

export function plainHighlighted(text: string): Highlighted {
  return text ? [{ text, match: false }] : []
}
