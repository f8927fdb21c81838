import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { extractPicoIcons } from './pico-icons'

// Static files are read once at start-up and served from memory under a content hash,
// so browsers may cache them forever. Vendor files come straight from node_modules:
// nothing is fetched from a CDN.

export interface Asset {
  body: Uint8Array
  contentType: string
  hash: string
}

export interface Assets {
  files: Map<string, Asset>
  /** Versioned URLs for the layout. */
  urls: { css: string; pico: string; highlight: string; htmx: string; js: string }
}

const require = createRequire(import.meta.url)
const publicDir = fileURLToPath(new URL('../../public/', import.meta.url))

function read(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path))
}

function highlightCss(): Uint8Array {
  // Light theme by default, GitHub's dark theme when the system asks for dark (as Pico does).
  const light = readFileSync(require.resolve('highlight.js/styles/github.min.css'), 'utf8')
  const dark = readFileSync(require.resolve('highlight.js/styles/github-dark.min.css'), 'utf8')
  return new TextEncoder().encode(`${light}\n@media (prefers-color-scheme: dark){${dark}}\n`)
}

function contentHash(body: Uint8Array): string {
  return encodeHexLowerCase(sha256(body)).slice(0, 12)
}

export function loadAssets(): Assets {
  const pico = extractPicoIcons(readFileSync(require.resolve('@picocss/pico/css/pico.min.css'), 'utf8'), contentHash)
  const sources: Record<string, { body: Uint8Array; contentType: string }> = {
    'pico.min.css': { body: new TextEncoder().encode(pico.css), contentType: 'text/css; charset=utf-8' },
    ...Object.fromEntries(pico.icons.map((icon) => [icon.name, { body: icon.body, contentType: icon.contentType }])),
    'highlight.css': { body: highlightCss(), contentType: 'text/css; charset=utf-8' },
    'htmx.min.js': { body: read(require.resolve('htmx.org/dist/htmx.min.js')), contentType: 'text/javascript; charset=utf-8' },
    'app.css': { body: read(`${publicDir}app.css`), contentType: 'text/css; charset=utf-8' },
    'app.js': { body: read(`${publicDir}app.js`), contentType: 'text/javascript; charset=utf-8' },
    'favicon.svg': { body: read(`${publicDir}favicon.svg`), contentType: 'image/svg+xml' },
  }
  const files = new Map<string, Asset>()
  for (const [name, source] of Object.entries(sources)) {
    files.set(name, { ...source, hash: contentHash(source.body) })
  }
  const url = (name: string) => `/static/${name}?v=${files.get(name)!.hash}`
  return {
    files,
    urls: {
      css: url('app.css'),
      pico: url('pico.min.css'),
      highlight: url('highlight.css'),
      htmx: url('htmx.min.js'),
      js: url('app.js'),
    },
  }
}
