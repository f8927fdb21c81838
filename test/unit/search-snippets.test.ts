import { describe, expect, it } from 'vitest'
import { highlightTitle, lexemeOf, queryLexemes, snippetOf } from '../../src/search/snippets'
import type { Highlighted } from '../../src/search/types'

// Matches in brackets, the way a reader sees the <mark>s.
const shown = (segments: Highlighted) => segments.map((segment) => (segment.match ? `[${segment.text}]` : segment.text)).join('')
const terms = (...lexemes: string[]) => ({ lexemes: new Set(lexemes), snowball: 2 as const })
const words = (count: number, word = 'filler') => Array.from({ length: count }, (_, i) => `${word}${i}`).join(' ')

describe('snippets of the PostgreSQL engine', () => {
  it('reads the lexemes a query looks for from its query tree, without the excluded ones', () => {
    // querytree() prints the query without its NOT branches: `export csv -excel` looks for two words.
    expect(queryLexemes(`'export' & 'csv'`)).toEqual(new Set(['export', 'csv']))
    expect(queryLexemes(`'reset' <-> 'password' & ( 'sso' | 'saml' )`)).toEqual(new Set(['reset', 'password', 'sso', 'saml']))
    expect(queryLexemes(`'it''s' & 'c:\\\\temp'`)).toEqual(new Set(["it's", 'c:\\temp']))
    // Only exclusions: nothing to mark.
    expect(queryLexemes('T')).toEqual(new Set())
    expect(queryLexemes(null)).toEqual(new Set())
  })

  it('stems words as PostgreSQL does, and keeps words with digits as written', () => {
    expect(lexemeOf('exporting')).toBe('export')
    expect(lexemeOf('failed')).toBe('fail')
    expect(lexemeOf('happiness')).toBe('happi')
    expect(lexemeOf('e4012')).toBe('e4012')
    expect(lexemeOf('café')).toBe('café')
    // PostgreSQL 18 stems with Snowball 3, which keeps a short word's double letter.
    expect(lexemeOf('added')).toBe('ad')
    expect(lexemeOf('added', 3)).toBe('add')
    expect(lexemeOf('adding', 3)).toBe('add')
    expect(lexemeOf('hopping', 3)).toBe('hop')
  })

  it('marks every inflection of the query words in a title', () => {
    const title = highlightTitle('Exporting reports fails: export stuck at 99%', terms('export', 'report', 'fail'))
    expect(shown(title)).toBe('[Exporting] [reports] [fails]: [export] stuck at 99%')
  })

  it('marks versions, hosts and error codes whole, and hyphenated words by their parts', () => {
    const lexemes = terms('5.12.3', 'api.example.com', 'e4012', 'read', '-4521')
    expect(shown(highlightTitle('Crash in 5.12.3, not 5.12.30', lexemes))).toBe('Crash in [5.12.3], not 5.12.30')
    expect(shown(highlightTitle('Calls to api.example.com/v2 return E4012', lexemes))).toBe('Calls to [api.example.com]/v2 return [E4012]')
    expect(shown(highlightTitle('A read-only field (RB-4521)', lexemes))).toBe('A [read]-only field (RB[-4521])')
  })

  it('keeps markup in the text as text', () => {
    const title = highlightTitle('<script>alert(1)</script> export', terms('export', 'script'))
    expect(title.map((segment) => segment.text).join('')).toBe('<script>alert(1)</script> export')
    expect(title.filter((segment) => segment.match).map((segment) => segment.text)).toContain('export')
  })

  it('shows a short question whole, with its matches marked', () => {
    expect(shown(snippetOf('Our  invoice\nsays USD.', terms('invoic')))).toBe('Our [invoice] says USD.')
  })

  it('shows the fragment around the matches of a long question', () => {
    const body = `${words(50)} the webhook returns 502 from the proxy ${words(50, 'tail')}`
    const snippet = shown(snippetOf(body, terms('webhook', 'proxi')))
    // Four words lead into the first match.
    expect(snippet).toMatch(/^… filler47 filler48 filler49 the \[webhook\] returns 502 from the \[proxy\] tail0 .* tail21 …$/)
  })

  it('shows the fragment holding the most of the query words, alone when it holds them all', () => {
    const body = `Our invoice came twice. ${words(60)} and the refund was for one invoice only. ${words(60, 'more')} please refund us`
    const snippet = shown(snippetOf(body, terms('invoic', 'refund')))
    // Both words together beat either alone; "Our invoice" and "refund us" are not shown.
    expect(snippet).toMatch(/^… filler58 filler59 and the \[refund\] was for one \[invoice\] only\. more0 .* more21 …$/)
  })

  it('adds a second fragment for a word the first lacks', () => {
    const body = `${words(10)} the export failed ${words(60)} with a timeout ${words(60, 'end')}`
    const snippet = shown(snippetOf(body, terms('export', 'timeout')))
    expect(snippet).toMatch(/^… .*\[export\] failed .* … .*\[timeout\] .* …$/)
  })

  it('shows the beginning of a question that does not hold the words (they were in an answer)', () => {
    const body = words(100)
    const snippet = shown(snippetOf(body, terms('refund')))
    expect(snippet).toBe(`${words(32)} …`)
    expect(snippetOf('', terms('refund'))).toEqual([])
  })
})
