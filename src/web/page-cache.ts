import { LRUCache } from 'lru-cache'

// Anonymous visitors see the same thread page (only their CSRF token differs), so a rendering
// is kept and reused while the thread's revision is unchanged: every change to a thread bumps
// its revision, so a reused page is never stale. The time limit covers what a revision does not
// (relative times, a renamed category or a changed role badge).

/** Stands where the visitor's CSRF token goes in a cached page; filled in per response. */
export const CSRF_SLOT = '__csrf_token_slot__'

interface CachedPage {
  revision: number
  html: string
}

export class AnonymousPageCache {
  private readonly pages: LRUCache<string, CachedPage>
  /** Fragments shared by every viewer, anonymous or signed in (see FragmentCache). */
  readonly fragments = new FragmentCache()

  constructor(options: { maxBytes?: number; ttlMs?: number } = {}) {
    this.pages = new LRUCache<string, CachedPage>({
      maxSize: options.maxBytes ?? 32 * 1024 * 1024,
      sizeCalculation: (page) => page.html.length * 2,
      ttl: options.ttlMs ?? 60_000,
    })
  }

  get(key: string, revision: number, csrfToken: string): string | undefined {
    const page = this.pages.get(key)
    return page && page.revision === revision ? page.html.replaceAll(CSRF_SLOT, csrfToken) : undefined
  }

  set(key: string, revision: number, html: string): void {
    this.pages.set(key, { revision, html })
  }
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
