import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { Context } from 'hono'
import { LRUCache } from 'lru-cache'
import type { Db } from '../db/client'
import { readStaffEpoch, type StaffStamp, type StampAlongside } from '../db/staff-epoch'
import { readInboxStamp } from '../escalations'
import { requireStaff } from '../policy'
import { readItemPageStamp } from '../queue'
import { parseId } from '../validation'
import { chrome } from './chrome'
import { isHtmx } from './htmx'
import { acceptsGzip } from './page-cache'
import { takePrefetched, type SessionCompanion } from './session'
import type { AppEnv } from './types'

// Staff pages (the queue board, an item, the escalation inbox, rotations) are read many times
// between two changes: the board refreshes itself every 20 s for everyone on shift, people
// reload and go back and forth. Each costs 5-20 statements and 5-40 ms of rendering, and
// nothing in it changes until something it shows is committed or the clock moves.
//
// So a page is kept under a key made of everything it is rendered from:
//  - its stamp, read in one statement before the page's data: the staff page epoch (migration
//    0032: a counter moved at the commit of every transaction that writes a table these pages
//    read) and, for the pages that show forum threads, those threads' revisions. A forum post on
//    a thread no staff page shows leaves every stamp alone, so the pages stay kept on a busy forum;
//    a change to an item, a note, a person's name or a reply on an item's thread moves the stamp,
//    and the next request renders afresh. The stamp is read before the data and moves in the same
//    commit as the data, so a page kept under a stamp is never older than the stamp;
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

const gzipAsync = promisify(gzip)

interface Kept {
  html: string
  /** The page as sent: UTF-8, and gzipped once for clients that take it (65-140 KiB -> 8-20 KiB). */
  body: Uint8Array<ArrayBuffer>
  gzipped: Uint8Array<ArrayBuffer>
  etag: string
  renderedAt: number
}

interface StaffPageCache {
  pages: LRUCache<string, Kept>
  renders: Map<string, Promise<Kept | null>>
}

const caches = new WeakMap<object, StaffPageCache>()

function cacheOf(c: Context<AppEnv>): StaffPageCache {
  const owner = c.var.deps
  let cache = caches.get(owner)
  if (!cache) {
    cache = {
      pages: new LRUCache<string, Kept>({
        maxSize: 32 * 1024 * 1024,
        sizeCalculation: (kept, key) => (kept.html.length + key.length) * 2 + kept.body.length + kept.gzipped.length,
        ttl: 5 * 60_000,
      }),
      renders: new Map(),
    }
    caches.set(owner, cache)
  }
  return cache
}

/** How a kept staff page's stamp is read: `key` names the page, `read` runs its one statement. */
interface StampReader {
  key: string
  read(db: Db, alongside?: StampAlongside): Promise<StaffStamp>
}

/**
 * The stamp of the kept staff page at this address (GET): the board and rotation pages show
 * nothing beyond the epoch; an item page and the inbox also show forum threads (their own stamps).
 */
function stampReaderOf(c: Context<AppEnv>): StampReader | null {
  if (c.req.method !== 'GET') return null
  const path = c.req.path.replace(/\/$/, '')
  if (path === '/queue' || path === '/rotations' || /^\/rotations\/\d+$/.test(path)) return { key: 'staff:epoch', read: (db, alongside) => readStaffEpoch(db, alongside) }
  if (path === '/escalations/mine') return { key: 'staff:inbox', read: (db, alongside) => readInboxStamp(db, alongside) }
  const item = /^\/queue\/items\/(\d+)$/.exec(path)
  const itemId = item ? parseId(item[1]) : null
  if (itemId !== null) return { key: `staff:item:${itemId}`, read: (db, alongside) => readItemPageStamp(db, itemId, alongside) }
  return null
}

/**
 * A staff page's stamp read in the session's statement (one round trip for a kept page, not two).
 * The stamp holds counters and revisions, nothing a viewer may not know; the role is checked
 * before any kept page is served, as without it.
 */
export const staffSessionCompanion: SessionCompanion = {
  match(c) {
    const reader = stampReaderOf(c)
    if (!reader) return null
    return {
      key: reader.key,
      async read(db, viewer) {
        const { stamp, alongside } = await reader.read(db, { column: viewer.column, params: viewer.params })
        return { session: alongside, value: stamp }
      },
    }
  },
}

function send(c: Context<AppEnv>, kept: Kept): Response {
  c.header('ETag', kept.etag)
  c.header('Vary', 'Cookie, Accept-Encoding, HX-Request')
  const known = c.req.header('if-none-match')
  if (known && known.split(',').some((tag) => tag.trim() === kept.etag)) return c.body(null, 304)
  c.header('Content-Type', 'text/html; charset=UTF-8')
  if (acceptsGzip(c)) {
    c.header('Content-Encoding', 'gzip')
    return c.body(kept.gzipped)
  }
  return c.body(kept.body)
}

async function keep(html: string, renderedAt: number): Promise<Kept> {
  const body = new Uint8Array(Buffer.from(html, 'utf8'))
  return {
    html,
    body,
    gzipped: new Uint8Array(await gzipAsync(body)),
    etag: `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 24)}"`,
    renderedAt,
  }
}

/**
 * Serves a staff page (GET) from the kept copy while its stamp has not moved since it was rendered
 * for this very viewer; otherwise renders it with `render` and keeps it if it is a 200. The stamp
 * was read with the session (staffSessionCompanion) or is read here, before the page's data.
 */
export async function keptStaffPage(c: Context<AppEnv>, what: string, render: () => Response | Promise<Response>): Promise<Response> {
  const ctx = c.var.ctx
  requireStaff(ctx, what)
  const reader = stampReaderOf(c)
  if (!reader) return render()
  const version = takePrefetched<string>(c, reader.key) ?? (await reader.read(ctx.db)).stamp
  const { now, ...viewer } = chrome(c)
  const key = JSON.stringify([version, isHtmx(c), c.req.path, c.req.url.split('?')[1] ?? '', viewer])
  const { pages, renders } = cacheOf(c)
  const kept = pages.get(key)
  const underWay = renders.get(key)
  if (kept && (now.getTime() - kept.renderedAt < FRESH_MS || underWay)) return send(c, kept)
  if (underWay) {
    const done = await underWay
    if (done !== null) return send(c, done)
  }
  let response: Response | undefined
  const rendering = (async () => {
    response = await render()
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/html')) return null
    const done = await keep(await response.text(), now.getTime())
    pages.set(key, done)
    return done
  })()
  renders.set(key, rendering)
  try {
    const done = await rendering
    return done === null ? response! : send(c, done)
  } finally {
    renders.delete(key)
  }
}
