import { parse } from 'node-html-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app'

// Pico's icons come from our own origin, as files, so the CSP can stay strict (no data: images).

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('static assets', () => {
  it('serves Pico’s icons as SVG files of our own and keeps data: out of the CSP', async () => {
    const home = await t.client().get('/')
    const csp = home.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/img-src 'self'/)
    expect(csp).not.toContain('data:')

    const picoHref = parse(await home.text())
      .querySelectorAll('link[rel=stylesheet]')
      .map((link) => link.getAttribute('href')!)
      .find((href) => href.startsWith('/static/pico.min.css'))!
    const css = await (await t.client().get(picoHref)).text()
    expect(css).not.toContain('data:')
    for (const variable of ['chevron', 'checkbox', 'search', 'minus', 'valid', 'invalid', 'loading', 'date', 'time', 'close'])
      expect(css, variable).toMatch(new RegExp(`--pico-icon-${variable}:url\\("/static/pico-icon-\\w+\\.svg\\?v=\\w+"\\)`))

    const urls = [...new Set([...css.matchAll(/url\("([^"]+)"\)/g)].map((match) => match[1]!))]
    expect(urls.length).toBeGreaterThanOrEqual(10)
    for (const url of urls) {
      expect(url).toMatch(/^\/static\/pico-icon-\w+\.svg\?v=\w+$/)
      const response = await t.client().get(url)
      expect(response.status, url).toBe(200)
      expect(response.headers.get('content-type'), url).toBe('image/svg+xml')
      expect(response.headers.get('cache-control'), url).toContain('immutable')
      const svg = await response.text()
      expect(svg, url).toMatch(/^<svg [^>]*xmlns='http:\/\/www\.w3\.org\/2000\/svg'[\s\S]*<\/svg>$/)
      expect(svg, url).not.toMatch(/%3C|%3E/)
    }
  })
})
