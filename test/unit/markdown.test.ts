import { describe, expect, it } from 'vitest'
import { excerpt, htmlToText, renderMarkdown } from '../../src/forum/markdown'

describe('renderMarkdown', () => {
  it('renders GFM: emphasis, lists, tables, task lists', () => {
    const { html } = renderMarkdown('**bold** _em_ ~~gone~~\n\n- one\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |')
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('<em>em</em>')
    expect(html).toContain('<del>gone</del>')
    expect(html).toContain('<input type="checkbox" disabled checked />')
    expect(html).toContain('<td>1</td>')
  })

  it('highlights fenced code on the server for named languages and escapes the rest', () => {
    const { html } = renderMarkdown('```ts\nconst answer: number = 42\n```\n\n```\n<b>not html</b>\n```')
    expect(html).toContain('<code class="hljs language-ts"><span class="hljs-keyword">const</span>')
    expect(html).toContain('&lt;b&gt;not html&lt;/b&gt;')
  })

  it('demotes h1 so the page keeps one h1', () => {
    expect(renderMarkdown('# Big').html).toBe('<h2>Big</h2>')
  })

  it.each([
    ['script', '<script>alert(1)</script>after', /<script|alert/],
    ['event handler', '<p onclick="alert(1)">x</p>', /onclick/],
    ['javascript: link', '[x](javascript:alert(1))', /javascript:/],
    ['data: image', '![x](data:image/png;base64,AAAA)', /data:/],
    ['http image', '![x](http://example.com/a.png)', /<img/],
    ['inline style', '<span style="color:red">x</span>', /style=/],
    ['iframe', '<iframe src="https://example.com"></iframe>', /iframe/],
    ['form', '<form><input name="x"></form>', /<form|<input name/],
    ['protocol-relative link', '<a href="//evil.example">x</a>', /evil/],
    ['unknown class', '<span class="admin-only">x</span>', /admin-only/],
  ])('removes %s', (_, markdown, forbidden) => {
    expect(renderMarkdown(markdown).html).not.toMatch(forbidden)
  })

  it('marks every link nofollow ugc noopener and keeps https images lazy', () => {
    const { html } = renderMarkdown('[site](https://example.com) <a href="https://x.example" rel="author">y</a> ![i](https://example.com/i.png)')
    expect(html.match(/rel="nofollow ugc noopener"/g)).toHaveLength(2)
    expect(html).toContain('<img src="https://example.com/i.png" alt="i" loading="lazy" />')
  })

  it('gives plain text for descriptions and search', () => {
    expect(renderMarkdown('Hello **world** &amp; <b>friends</b>\n\n- a\n- b').text).toBe('Hello world & friends a b')
  })
})

describe('htmlToText and excerpt', () => {
  it('keeps words apart across block elements', () => {
    expect(htmlToText('<p>one</p><p>two</p><ul><li>three</li><li>four</li></ul>')).toBe('one two three four')
  })

  it('cuts at a word boundary with an ellipsis', () => {
    expect(excerpt('alpha beta gamma delta', 12)).toBe('alpha beta…')
    expect(excerpt('short', 12)).toBe('short')
  })
})
