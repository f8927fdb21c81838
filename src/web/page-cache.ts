import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { LRUCache } from 'lru-cache'
import type { AppEnv } from './types'

// Anonymous visitors see the same page (only their CSRF token differs), so a rendering is kept
// and reused while its version is unchanged: a thread page's version is the thread's revision
// (every change to a thread bumps it), a list page's a stamp over its threads' revisions, names
// and the categories (getListStamp), so a reused page is never stale. The time limit covers
// what a version does not (relative times, a changed role badge on a thread page).

/** Stands where the visitor's CSRF token goes in a cached page; filled in per response. */
export const CSRF_SLOT = '__csrf_token_slot__'

export interface CachedPage {
  version: number | string
  html: string
  /** A hash of the rendering, made once: with the visitor's token, the page's ETag. */
  etag: string
}

/** A public document (a feed, a sitemap) as sent: its ETag, its text and that text gzipped, made once. */
export interface KeptDocument {
  etag: string
  body: string
  gzipped: Uint8Array<ArrayBuffer>
}

export class AnonymousPageCache {
  private readonly pages: LRUCache<string, CachedPage>
  /** Fragments shared by every viewer, anonymous or signed in (see FragmentCache). */
  readonly fragments = new FragmentCache()
  /** Feeds and sitemaps, keyed by their stamp (feeds) or kept for a while (sitemaps, see seo.ts). */
  readonly documents = new LRUCache<string, KeptDocument>({
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (document) => document.body.length * 2 + document.gzipped.length,
    ttl: 60_000,
  })

  constructor(options: { maxBytes?: number; ttlMs?: number } = {}) {
    this.pages = new LRUCache<string, CachedPage>({
      maxSize: options.maxBytes ?? 32 * 1024 * 1024,
      sizeCalculation: (page) => page.html.length * 2,
      ttl: options.ttlMs ?? 60_000,
    })
  }

  get(key: string, version: number | string, csrfToken: string): string | undefined {
    const page = this.lookup(key, version)
    return page?.html.replaceAll(CSRF_SLOT, csrfToken)
  }

  /** The kept page of `key` when it is of this version. */
  lookup(key: string, version: number | string): CachedPage | undefined {
    const page = this.pages.get(key)
    return page && page.version === version ? page : undefined
  }

  set(key: string, version: number | string, html: string): CachedPage {
    const page = { version, html, etag: createHash('sha1').update(html).digest('base64url').slice(0, 20) }
    this.pages.set(key, page)
    return page
  }
}

/**
 * Sends the anonymous rendering of a page kept under `key` at `version`, rendering (with
 * CSRF_SLOT for the token) and keeping it when absent or older. Its ETag names the rendering
 * and the visitor's token, so a browser revalidating (`private, no-cache`) gets 304 while
 * nothing changed, and never a page carrying someone else's token.
 */
export async function sendPublicPage(
  c: Context<AppEnv>,
  key: string,
  version: number | string,
  render: () => Promise<string>,
): Promise<Response> {
  const { pageCache } = c.var.deps
  const page = pageCache.lookup(key, version) ?? pageCache.set(key, version, await render())
  const token = c.var.csrfToken
  const etag = `W/"${page.etag}.${createHash('sha1').update(token).digest('base64url').slice(0, 10)}"`
  c.header('ETag', etag)
  c.header('Vary', 'Cookie')
  const known = c.req.header('if-none-match')
  if (known && known.split(',').some((tag) => tag.trim() === etag)) return c.body(null, 304)
  return c.html(page.html.replaceAll(CSRF_SLOT, token))
}

/**
 * Rendered HTML that is the same for every viewer (a list's rows and sidebar, a reply's body,
 * a feed), keyed by everything it is rendered from: a changed thread, name or count is another
 * key, so an entry is never stale. What is personal (vote state, CSRF tokens, staff tools, the
 * viewer's name) is rendered around the fragment per request and never enters the key or the
 * HTML. The time limit bounds the relative times ("3 h ago") a fragment was rendered with.
 */
export class FragmentCache {
  private readonly entries: LRUCache<string, string>

  constructor(options: { maxBytes?: number; ttlMs?: number } = {}) {
    this.entries = new LRUCache<string, string>({
      maxSize: options.maxBytes ?? 32 * 1024 * 1024,
      sizeCalculation: (html, key) => (html.length + key.length) * 2,
      ttl: options.ttlMs ?? 60_000,
    })
  }

  /** The fragment for `key`, rendering (and keeping) it when absent. */
  render(key: string, render: () => string): string {
    const cached = this.entries.get(key)
    if (cached !== undefined) return cached
    const html = render()
    this.entries.set(key, html)
    return html
  }

  /** A kept document that is not keyed by its content but expires after `ttlMs` (see set). */
  get(key: string): string | undefined {
    return this.entries.get(key)
  }

  /** Keeps `html` under `key`; `ttlMs` for documents whose key does not name their content. */
  set(key: string, html: string, ttlMs?: number): void {
    this.entries.set(key, html, ttlMs === undefined ? undefined : { ttl: ttlMs })
  }

  clear(): void {
    this.entries.clear()
  }
}
