import { describe, expect, it } from 'vitest'
import { assessBugSignals } from '../../src/queue/bug-signals'
import { Reproduction } from '../../views/escalations/item-panel'
import { plainExcerpt, splitFences } from '../../views/fenced-text'

// Support pastes Markdown into plain-text fields; the escalation inbox, the item page's
// engineering section and its bug signals showed the fences as literal ``` marks.

const reproduction = {
  customerDid: 'Opened Reports → Export, chose CSV.',
  whatHappened: 'The download stopped with:\n\n```\nError: stream closed </pre><script>alert(1)</script>\n```\n\nand nothing else.',
  expected: 'A complete file.',
  logs: '```log\n2026-03-01 10:00:01 ERROR export failed id=7f3a-22\n2026-03-01 10:00:02 WARN  retrying <b>1</b>\n```',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time',
  customersAffected: '3',
}

describe('a reproduction', () => {
  const html = String(<Reproduction escalation={reproduction} />)

  it('shows logs as an escaped preformatted block without the fences', () => {
    expect(html).not.toContain('```')
    expect(html).toContain(
      '<pre class="plain-pre">2026-03-01 10:00:01 ERROR export failed id=7f3a-22\n2026-03-01 10:00:02 WARN  retrying &lt;b&gt;1&lt;/b&gt;</pre>',
    )
  })

  it('keeps prose as text and a fenced part of it preformatted, escaped', () => {
    expect(html).toContain('<p class="plain-text">The download stopped with:</p><pre class="plain-pre">Error: stream closed &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre><p class="plain-text">and nothing else.</p>')
    expect(html).not.toContain('<script>')
    expect(html).toContain('<dd class="plain-text">Opened Reports → Export, chose CSV.</dd>')
  })

  it('splits at fence lines only, and runs an unclosed fence to the end', () => {
    expect(splitFences('say `x` here\n~~~\na\n\nb')).toEqual([
      { code: false, text: 'say `x` here' },
      { code: true, text: 'a\n\nb' },
    ])
    expect(splitFences('')).toEqual([])
  })
})

describe('a bug signal’s evidence', () => {
  it('is one line of text with no fences or backticks', () => {
    const body = 'Export fails since the update:\n\n```log\n2026-03-01 10:00:01 ERROR export failed\n```\nRun `report --csv` to see it.'
    const evidence = assessBugSignals('CSV export broken', body).signals.map((signal) => signal.evidence)
    expect(evidence.join(' ')).toContain('```')
    const shown = evidence.map(plainExcerpt)
    for (const line of shown) expect(line).not.toMatch(/[`\n]/)
    expect(shown.join(' | ')).toContain('2026-03-01 10:00:01 ERROR export failed')
    expect(shown.join(' | ')).not.toMatch(/\blog 2026/)
    expect(plainExcerpt('…the update: ```log 2026-03-01 ERROR x ``` Run `report --csv` to see')).toBe('…the update: 2026-03-01 ERROR x Run report --csv to see')
  })
})
