import { describe, expect, it } from 'vitest'
import type { ThreadListItem } from '../../src/forum/queries'
import { emptyForm, TextField } from '../../views/components'
import { formatRelative, threadPath } from '../../views/format'
import { ThreadRow } from '../../views/forum/thread-list'
import { scriptSafeJson } from '../../views/forum/structured-data'

const now = new Date('2026-03-02T12:00:00Z')

const item: ThreadListItem = {
  id: 7,
  title: '<img src=x onerror=alert(1)> & "quotes"',
  slug: 'img-src-x',
  excerpt: '<script>alert(2)</script>',
  category: { slug: 'billing', name: 'Billing & <Plans>' },
  author: { id: 3, displayName: '<b>Mallory</b>', role: 'support' },
  replyCount: 1,
  upvoteCount: 2,
  meTooCount: 0,
  solved: true,
  createdAt: new Date('2026-03-01T12:00:00Z'),
  lastActivityAt: new Date('2026-03-02T09:00:00Z'),
  tags: ['sso'],
}

describe('views render user text escaped', () => {
  it('escapes titles, excerpts, names and categories in a list row', () => {
    const html = String(<ThreadRow item={item} now={now} />)
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>Mallory</b>')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;')
    expect(html).toContain('href="/t/7/img-src-x"')
    expect(html).toContain('✓ solved')
    expect(html).toContain('3 h ago')
    expect(html).toContain('Support')
  })

  it('marks invalid fields for assistive technology and ties the message to the field', () => {
    const html = String(<TextField form={{ values: { title: 'x"><script>' }, errors: { title: 'Too short.' } }} name="title" label="Title" />)
    expect(html).toContain('aria-invalid="true"')
    expect(html).toContain('aria-describedby="field-title-error"')
    expect(html).toContain('<small id="field-title-error" class="field-error">Too short.</small>')
    expect(html).toContain('value="x&quot;&gt;&lt;script&gt;"')
    expect(String(<TextField form={emptyForm()} name="password" type="password" label="Password" />)).toContain('value=""')
  })
})

describe('formatting', () => {
  it('says how long ago in words, then falls back to a date', () => {
    expect(formatRelative(new Date('2026-03-02T11:59:30Z'), now)).toBe('just now')
    expect(formatRelative(new Date('2026-03-02T11:15:00Z'), now)).toBe('45 min ago')
    expect(formatRelative(new Date('2026-03-01T11:00:00Z'), now)).toBe('yesterday')
    expect(formatRelative(new Date('2026-02-20T12:00:00Z'), now)).toBe('10 days ago')
    expect(formatRelative(new Date('2025-12-25T12:00:00Z'), now)).toBe('Dec 25, 2025')
  })

  it('builds thread paths and script-safe JSON', () => {
    expect(threadPath({ id: 5, slug: 'abc' })).toBe('/t/5/abc')
    const json = scriptSafeJson({ title: '</script><script>x()</script>&\u2028' })
    expect(json).not.toMatch(/[<>&\u2028]/)
    expect(JSON.parse(json).title).toBe('</script><script>x()</script>&\u2028')
  })
})
