import { createRequire } from 'node:module'
import type { Highlighted } from './types'

// Highlighted titles and snippets for the PostgreSQL engine, made here rather than by
// ts_headline: ts_headline parses and stems the whole text of every result again, which cost
// about a tenth of a search (bench/search/latency-findings.md). The words to mark are the
// query's lexemes as PostgreSQL stemmed them; a text's words are stemmed here with the same
// algorithm (Snowball's English stemmer, "Porter2", which PostgreSQL's english configuration
// uses), so a word is marked when PostgreSQL would have matched it.

const porter2 = createRequire(import.meta.url)('wink-porter2-stemmer') as (word: string) => string

/** Words of a fragment when the snippet is one fragment, and of each when it is two. */
const ONE_FRAGMENT_WORDS = 32
const TWO_FRAGMENT_WORDS = 16
/** Words shown before the first match of a fragment, for context. */
const LEAD_WORDS = 4

/**
 * Which Snowball edition the database stems with. PostgreSQL 18 ships Snowball 3, whose English
 * stemmer keeps a short word's double letter ("added" -> "add", where Snowball 2 gives "ad");
 * that is the only difference between them found in 64,000 English words.
 */
export type SnowballEdition = 2 | 3

const stems = new Map<string, string>()
const STEM_CACHE_SIZE = 50_000

/**
 * The lexeme PostgreSQL's english configuration makes of one lower-case word: words of letters
 * are stemmed, words with digits are kept as they are (its "simple" dictionary).
 */
export function lexemeOf(word: string, snowball: SnowballEdition = 2): string {
  let stem = stems.get(word)
  if (stem === undefined) {
    // wink's stemmer expects ASCII letters; other words (with digits, or accents) are matched as written.
    stem = /^[a-z]+$/.test(word) ? porter2(word) : word
    if (stems.size >= STEM_CACHE_SIZE) stems.clear()
    stems.set(word, stem)
  }
  if (snowball === 3 && stem.length === 2 && word.startsWith(stem + stem[1]) && word.length > 3) return stem + stem[1]
  return stem
}

/** What a query looks for, as the snippets need it. */
export interface QueryTerms {
  lexemes: Set<string>
  snowball: SnowballEdition
}

/**
 * The lexemes a tsquery looks for, read from its text form (`'updat' & 'fail' <-> 'log'`), as
 * `querytree()` prints it: the words a query excludes are not in that form, so they are never marked.
 */
export function queryLexemes(queryTree: string | null): Set<string> {
  const lexemes = new Set<string>()
  for (const match of (queryTree ?? '').matchAll(/'((?:[^'\\]|''|\\.)*)'/g))
    lexemes.add(match[1]!.replace(/''/g, "'").replace(/\\(.)/g, '$1'))
  return lexemes
}

/** A text's words: where each starts and ends, and the query lexeme it matches (or null). */
interface Words {
  starts: number[]
  ends: number[]
  lexemes: (string | null)[]
}

const HYPHEN = 45
const SLASH = 47
const WORD_CHAR = /[\p{L}\p{Nd}]/u

/** Letters and digits (other characters end a word, as in PostgreSQL's parser). */
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90)
  return !Number.isNaN(code) && WORD_CHAR.test(String.fromCharCode(code))
}

/** Characters that join words into one token when they stand alone between them (see wordsOf). */
function isJoiner(code: number): boolean {
  return code === HYPHEN || code === 46 /* . */ || code === 64 /* @ */ || code === SLASH
}

/**
 * The first two letters of the words that can have these lexemes: a word is only stemmed if it
 * begins like one of them. A stem begins with its word's first two letters, but for three of
 * Snowball's exceptions ("dying", "lying", "tying").
 */
const prefixCache = new WeakMap<Set<string>, Set<string>>()
function prefixesOf(lexemes: Set<string>): Set<string> {
  let prefixes = prefixCache.get(lexemes)
  if (!prefixes) {
    prefixes = new Set([...lexemes].map((lexeme) => lexeme.slice(0, 2)))
    for (const [stem, prefix] of [['die', 'dy'], ['lie', 'ly'], ['tie', 'ty']]) if (lexemes.has(stem!)) prefixes.add(prefix!)
    prefixCache.set(lexemes, prefixes)
  }
  return prefixes
}

/**
 * The words of a text with the query lexeme each one matches, if any. Words joined by a hyphen,
 * dot, @ or slash are one token of PostgreSQL's parser: with a dot, @ or slash (a version 1.2.3, a
 * host, an e-mail address, a path, also with a slash before it) the token is matched whole;
 * joined by hyphens only, each part is a word of its own. Scanned by character: this runs over
 * every word of every result.
 */
function wordsOf(text: string, { lexemes, snowball }: QueryTerms): Words {
  const prefixes = prefixesOf(lexemes)
  const words: Words = { starts: [], ends: [], lexemes: [] }
  const length = text.length
  let at = 0
  while (at < length) {
    if (!isWordChar(text.charCodeAt(at))) {
      at++
      continue
    }
    const start = at > 0 && text.charCodeAt(at - 1) === SLASH ? at - 1 : at
    let whole = start < at
    // The token's words as [from, to) pairs.
    const parts: number[] = []
    for (;;) {
      const from = at
      while (at < length && isWordChar(text.charCodeAt(at))) at++
      parts.push(from, at)
      const next = text.charCodeAt(at)
      if (!isJoiner(next) || !isWordChar(text.charCodeAt(at + 1))) break
      whole ||= next !== HYPHEN
      at++
    }
    if (whole) {
      const token = text.slice(start, at).toLowerCase()
      const slash = token.indexOf('/', 1)
      // An address (host/path) also matches as its host or as its path.
      if (!lexemes.has(token) && slash > 0 && token.lastIndexOf('.', slash) > 0) {
        pushWord(words, start, start + slash, token.slice(0, slash), lexemes)
        pushWord(words, start + slash, at, token.slice(slash), lexemes)
      } else pushWord(words, start, at, token, lexemes)
      continue
    }
    for (let i = 0; i < parts.length; i += 2) {
      const from = parts[i]!
      const to = parts[i + 1]!
      // The parser reads "RB-4521" as a word and a negative number, "eu-west-1" as a compound and a number.
      if (i === 2 && /^\p{Nd}+$/u.test(text.slice(from, to))) pushWord(words, from - 1, to, `-${text.slice(from, to)}`, lexemes)
      else if (prefixes.has(text.slice(from, Math.min(to, from + 2)).toLowerCase()))
        pushWord(words, from, to, lexemeOf(text.slice(from, to).toLowerCase(), snowball), lexemes)
      else pushWord(words, from, to, null, lexemes)
    }
  }
  return words
}

function pushWord(words: Words, start: number, end: number, lexeme: string | null, lexemes: Set<string>): void {
  words.starts.push(start)
  words.ends.push(end)
  words.lexemes.push(lexeme !== null && lexemes.has(lexeme) ? lexeme : null)
}

/**
 * The text from `from` to `to` (which hold words first to last) as segments, the matched words
 * marked and spaces folded.
 */
function segmentsOf(text: string, words: Words, first: number, last: number, from: number, to: number): Highlighted {
  const segments: Highlighted = []
  const plain = (end: number) => {
    const folded = text.slice(from, end).replace(/\s+/g, ' ')
    if (folded) segments.push({ text: folded, match: false })
  }
  for (let i = first; i <= last; i++) {
    if (words.lexemes[i] === null) continue
    plain(words.starts[i]!)
    const marked = text.slice(words.starts[i], words.ends[i])
    const previous = segments[segments.length - 1]
    // Words marked one after the other with nothing between them ("RB" "-4521") are one mark.
    if (previous?.match && from === words.starts[i]) previous.text += marked
    else segments.push({ text: marked, match: true })
    from = words.ends[i]!
  }
  plain(to)
  return segments
}

/** A title with every word the query looks for marked. */
export function highlightTitle(title: string, terms: QueryTerms): Highlighted {
  const words = wordsOf(title, terms)
  return segmentsOf(title, words, 0, words.starts.length - 1, 0, title.length)
}

/**
 * One or two fragments of a question around the words the query looks for: the fragment that
 * holds the most of its different words, then, if some matches lie outside it, the one holding
 * the most words the first lacks. Without a match, the question's beginning.
 */
export function snippetOf(body: string, terms: QueryTerms): Highlighted {
  const words = wordsOf(body, terms)
  const last = words.starts.length - 1
  if (last < 0) return []
  const matches: number[] = []
  for (let i = 0; i <= last; i++) if (words.lexemes[i] !== null) matches.push(i)
  const windowAt = (match: number, size: number): Fragment => {
    const start = Math.max(0, Math.min(match - LEAD_WORDS, last - size + 1))
    return { start, end: Math.min(last, start + size - 1) }
  }
  const lexemesIn = (fragment: Fragment) => {
    const found = new Set<string>()
    for (const i of matches) if (i >= fragment.start && i <= fragment.end) found.add(words.lexemes[i]!)
    return found
  }
  /** The fragment around one of these matches holding the most words not yet covered, then the most words. */
  const best = (candidates: number[], covered: Set<string>): Fragment => {
    let chosen = windowAt(candidates[0]!, TWO_FRAGMENT_WORDS)
    let chosenScore = -1
    for (const match of candidates) {
      const fragment = windowAt(match, TWO_FRAGMENT_WORDS)
      let fresh = 0
      let all = 0
      for (const lexeme of lexemesIn(fragment)) {
        all++
        if (!covered.has(lexeme)) fresh++
      }
      // The earliest wins a tie.
      const score = fresh * 1000 + all
      if (score > chosenScore) [chosen, chosenScore] = [fragment, score]
    }
    return chosen
  }

  let fragments: Fragment[]
  if (matches.length === 0) fragments = [{ start: 0, end: Math.min(last, ONE_FRAGMENT_WORDS - 1) }]
  else {
    const first = best(matches, new Set())
    const covered = lexemesIn(first)
    // A second fragment only for words the first lacks; otherwise the first is shown longer.
    const lacking = matches.filter((i) => (i < first.start - 1 || i > first.end + 1) && !covered.has(words.lexemes[i]!))
    if (lacking.length > 0) {
      fragments = [first, best(lacking, covered)].sort((a, b) => a.start - b.start)
      // Fragments that touch are one.
      if (fragments[1]!.start <= fragments[0]!.end + 1) fragments = [{ start: fragments[0]!.start, end: fragments[1]!.end }]
    } else fragments = [windowAt(matches.find((i) => i >= first.start)!, ONE_FRAGMENT_WORDS)]
  }

  const snippet: Highlighted = []
  const add = (segment: Highlighted[number]) => {
    const previous = snippet[snippet.length - 1]
    if (previous && previous.match === segment.match && !segment.match) previous.text += segment.text
    else snippet.push(segment)
  }
  fragments.forEach((fragment, i) => {
    if (fragment.start > 0) add({ text: i === 0 ? '… ' : ' … ', match: false })
    // The question's first and last words keep what stands before and after them (". ?").
    const from = fragment.start === 0 ? 0 : words.starts[fragment.start]!
    const to = fragment.end === last ? body.trimEnd().length : words.ends[fragment.end]!
    for (const segment of segmentsOf(body, words, fragment.start, fragment.end, from, to)) add(segment)
  })
  if (fragments[fragments.length - 1]!.end < last) add({ text: ' …', match: false })
  return snippet
}

interface Fragment {
  start: number
  end: number
}
