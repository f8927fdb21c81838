import type { Context } from 'hono'
import { LRUCache } from 'lru-cache'
import { readSnapshot } from '../db/snapshot'
import { requireStaff } from '../policy'
import { chrome } from './chrome'
import { isHtmx } from './htmx'
import type { AppEnv } from './types'

// Staff pages (the queue board, an item, the escalation inbox, rotations) are read many times
// between two changes: the board refreshes itself every 20 s for everyone on shift, people
// reload and go back and forth. Each costs 5-70 statements and 5-40 ms of rendering, and
// nothing in it changes until something is committed or the clock moves.
//
// So a page is kept under a key made of everything it is rendered from:
//  - the database snapshot (src/db/snapshot.ts): equal only while nothing at all was committed
//    since, so any change (a new item, an assignment, a note, someone else's reply) shows at once;
//  - the address and whether htmx asked for the region alone;
//  - the whole per-request chrome: who is looking (id, role), their CSRF token, their unread
//    notifications and the other header counts. One person's page is never another's.
// Role checks run before the cache is consulted. A page that failed, or a form re-rendered with
// errors (POST), is never kept. The cache lives per app instance (keyed by its dependencies).

// The clock moves too: counts of breached and due items and "due in 5 min" texts. A kept page
// is served as it is for a second after it was rendered; after that, the first request to find it
// re-renders it while the others are still served the kept one (the data is the same, only the
// clock-relative text may be a moment behind). Requests that find no page for their key wait for
// the one render already under way instead of rendering it fifty times at once.
const FRESH_MS = 1_000

interface Kept {
  html: string
  renderedAt: number
}

interface StaffPageCache {
  pages: LRUCache<string, Kept>
  renders: Map<string, Promise<string | null>>
}

const caches = new WeakMap<object, StaffPageCache>()

function cacheOf(c: Context<AppEnv>): StaffPageCache {
  const owner = c.var.deps
  let cache = caches.get(owner)
  if (!cache) {
    cache = {
      pages: new LRUCache<string, Kept>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (kept, key) => (kept.html.length + key.length) * 2, ttl: 5 * 60_000 }),
      renders: new Map(),
    }
    caches.set(owner, cache)
  }
  return cache
}

/**
 * Serves a staff page (GET) from the kept copy while nothing was committed since it was rendered
 * for this very viewer; otherwise renders it with `render` and keeps it if it is a 200.
 */
export async function keptStaffPage(c: Context<AppEnv>, what: string, render: () => Response | Promise<Response>): Promise<Response> {
  const ctx = c.var.ctx
  requireStaff(ctx, what)
  if (c.req.method !== 'GET') return render()
  const snapshot = await readSnapshot(ctx.db)
  const { now, ...viewer } = chrome(c)
  const key = JSON.stringify([snapshot, isHtmx(c), c.req.path, c.req.url.split('?')[1] ?? '', viewer])
  const { pages, renders } = cacheOf(c)
  const kept = pages.get(key)
  const underWay = renders.get(key)
  if (kept && (now.getTime() - kept.renderedAt < FRESH_MS || underWay)) return c.html(kept.html)
  if (underWay) {
    const html = await underWay
    if (html !== null) return c.html(html)
  }
  let response: Response | undefined
  const rendering = (async () => {
    response = await render()
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/html')) return null
    const html = await response.text()
    pages.set(key, { html, renderedAt: now.getTime() })
    return html
  })()
  renders.set(key, rendering)
  try {
    const html = await rendering
    return html === null ? response! : c.html(html)
  } finally {
    renders.delete(key)
  }
}
