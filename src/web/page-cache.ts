import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
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
  /**
   * A page that carries no CSRF token (no CSRF_SLOT: a list page, whose visitor has no form to
   * post) is the same bytes for every visitor: kept encoded and gzipped, made once, and sent as
   * they are under one strong ETag.
   */
  shared?: { body: Uint8Array<ArrayBuffer>; gzipped: Uint8Array<ArrayBuffer> }
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
      sizeCalculation: (page) => page.html.length * 2 + (page.shared ? page.shared.body.length + page.shared.gzipped.length : 0),
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
    const page: CachedPage = { version, html, etag: createHash('sha1').update(html).digest('base64url').slice(0, 20) }
    if (!html.includes(CSRF_SLOT)) {
      const body = new Uint8Array(Buffer.from(html, 'utf8'))
      page.shared = { body, gzipped: new Uint8Array(gzipSync(body)) }
    }
    this.pages.set(key, page)
    return page
  }

  /** Reads that many requests may share (see StampReads). */
  readonly stamps = new StampReads()
}

/**
 * Requests that arrive together for the same stamp (a list's, a feed's) share one statement.
 * The statement is issued only after they arrived (on the event loop's next turn, when the
 * requests read in this turn have all asked), so it runs on a snapshot taken after every one of
 * them came in: whatever was committed before a request arrived is in its answer, as if it had
 * read alone. A request arriving once the statement is issued starts the next one. Under load
 * (fifty visitors on the home page) this is one statement for several pages; alone, one each.
 */
export class StampReads {
  private readonly gathering = new Map<string, Promise<unknown>>()

  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    const gathering = this.gathering.get(key)
    if (gathering) return gathering as Promise<T>
    const shared = new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        this.gathering.delete(key)
        read().then(resolve, reject)
      })
    })
    this.gathering.set(key, shared)
    return shared
  }
}

/** Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with q=0). */
export function acceptsGzip(c: Context<AppEnv>): boolean {
  return (c.req.header('accept-encoding') ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';')
    return (coding === 'gzip' || coding === 'x-gzip') && !params.some((param) => /^\s*q=0(\.0*)?\s*$/.test(param))
  })
}

/**
 * Sends the anonymous rendering of a page kept under `key` at `version`, rendering (with
 * CSRF_SLOT for the token) and keeping it when absent or older. Its ETag names the rendering
 * and the visitor's token, so a browser revalidating (`private, no-cache`) gets 304 while
 * nothing changed, and never a page carrying someone else's token. A page rendered without the
 * slot (no form on it) is the same for everyone: sent as kept bytes, gzipped to a client that
 * takes gzip, under one strong ETag (still `Vary: Cookie`: a member gets another page).
 */
export async function sendPublicPage(
  c: Context<AppEnv>,
  key: string,
  version: number | string,
  render: () => Promise<string>,
): Promise<Response> {
  const { pageCache } = c.var.deps
  const page = pageCache.lookup(key, version) ?? pageCache.set(key, version, await render())
  if (page.shared) return sendSharedPage(c, page.etag, page.shared)
  const token = c.var.csrfToken
  const etag = `W/"${page.etag}.${createHash('sha1').update(token).digest('base64url').slice(0, 10)}"`
  c.header('ETag', etag)
  c.header('Vary', 'Cookie')
  const known = c.req.header('if-none-match')
  if (known && known.split(',').some((tag) => tag.trim() === etag)) return c.body(null, 304)
  return c.html(page.html.replaceAll(CSRF_SLOT, token))
}

function sendSharedPage(c: Context<AppEnv>, hash: string, shared: NonNullable<CachedPage['shared']>): Response {
  const etag = `"${hash}"`
  c.header('ETag', etag)
  c.header('Vary', 'Cookie, Accept-Encoding')
  const known = c.req.header('if-none-match')
  if (known && known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return c.body(null, 304)
  c.header('Content-Type', 'text/html; charset=UTF-8')
  if (acceptsGzip(c)) {
    c.header('Content-Encoding', 'gzip')
    return c.body(shared.gzipped)
  }
  return c.body(shared.body)
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
