// Pico inlines its icons (a select's arrow, a ticked checkbox, the search field's magnifier,
// valid/invalid marks, the busy spinner) as `data:` URLs, which our CSP's `img-src 'self'`
// refuses: about 340 console errors on one walk and no icons. Rather than allow `data:` images,
// each icon becomes a small file of its own under /static, and Pico's CSS points there. Done
// when the asset is loaded, so every colour variant (light, dark, states) and any icon a Pico
// upgrade adds is covered.

export interface IconFile {
  name: string
  body: Uint8Array
  contentType: string
}

const DATA_SVG_URL = /url\("data:image\/svg\+xml,([^"]*)"\)/g

/**
 * Pico's CSS with every inline SVG icon replaced by a same-origin file, named and versioned by
 * `hash` of its content (the same hash the asset route checks, so the icons cache for good).
 */
export function extractPicoIcons(css: string, hash: (body: Uint8Array) => string): { css: string; icons: IconFile[] } {
  const icons = new Map<string, IconFile>()
  const rewritten = css.replace(DATA_SVG_URL, (_, encoded: string) => {
    const body = new TextEncoder().encode(decodeURIComponent(encoded))
    const version = hash(body)
    const name = `pico-icon-${version}.svg`
    icons.set(name, { name, body, contentType: 'image/svg+xml' })
    return `url("/static/${name}?v=${version}")`
  })
  if (rewritten.includes('data:')) throw new Error('Pico CSS has a data: URL that is not an SVG icon; the CSP would refuse it.')
  return { css: rewritten, icons: [...icons.values()] }
}
