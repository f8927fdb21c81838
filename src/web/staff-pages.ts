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
//  - the second it was rendered in (counts of breached and due items and "in 5 min" texts move
//    with the clock; a kept page is at most a second older than the clock, never than the data);
//  - the address and whether htmx asked for the region alone;
//  - the whole per-request chrome: who is looking (id, role), their CSRF token, their unread
//    notifications and the other header counts. One person's page is never another's.
// Role checks run before the cache is consulted. A page that failed, or a form re-rendered with
// errors (POST), is never kept. The cache lives per app instance (keyed by its dependencies).

const KEEP_MS = 2_000
const caches = new WeakMap<object, LRUCache<string, string>>()

function cacheOf(c: Context<AppEnv>): LRUCache<string, string> {
  const owner = c.var.deps
  let cache = caches.get(owner)
  if (!cache) {
    cache = new LRUCache<string, string>({ maxSize: 16 * 1024 * 1024, sizeCalculation: (html, key) => (html.length + key.length) * 2, ttl: KEEP_MS })
    caches.set(owner, cache)
  }
  return cache
}

/**
 * Serves a staff page (GET) from the kept copy when nothing was committed since it was rendered
 * for this very viewer in this second; otherwise renders it with `render` and keeps it if it is a 200.
 */
export async function keptStaffPage(c: Context<AppEnv>, what: string, render: () => Response | Promise<Response>): Promise<Response> {
  const ctx = c.var.ctx
  requireStaff(ctx, what)
  if (c.req.method !== 'GET') return render()
  const snapshot = await readSnapshot(ctx.db)
  const { now, ...viewer } = chrome(c)
  const key = JSON.stringify([snapshot, Math.floor(now.getTime() / 1000), isHtmx(c), c.req.path, c.req.url.split('?')[1] ?? '', viewer])
  const cache = cacheOf(c)
  const kept = cache.get(key)
  if (kept !== undefined) return c.html(kept)
  const response = await render()
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/html')) return response
  const html = await response.text()
  cache.set(key, html)
  return c.html(html)
}
