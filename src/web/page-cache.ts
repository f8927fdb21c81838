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
