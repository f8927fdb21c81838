import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { Hono, type Context } from 'hono'
import { atomFeed, robotsTxt, sitemapIndex, urlSet } from '../../../views/feeds'
import { threadPath } from '../../../views/format'
import { countSitemapPages, getCategoryBySlug, getListStamp, listCategories, listFeedEntries, listSitemapThreads, type ListScope } from '../../forum'
import { NotFoundError } from '../../errors'
import { parseId } from '../../validation'
import type { AppEnv } from '../types'
import { acceptsGzip, type KeptDocument } from '../page-cache'

export const seoRoutes = new Hono<AppEnv>()

const XML = 'application/xml; charset=utf-8'
const ATOM = 'application/atom+xml; charset=utf-8'
// Feeds and sitemaps hold only public data, so caches may share them for a few minutes.
const PUBLIC_CACHE = 'public, max-age=300'
const PUBLIC_CACHE_MS = 300_000

/** A document with its ETag (a hash of the body) and its gzipped copy, both made once when it is rendered. */
function withEtag(body: string): KeptDocument {
  return { etag: `"${createHash('sha1').update(body).digest('base64url')}"`, body, gzipped: new Uint8Array(gzipSync(body)) }
}

/**
 * Kept documents: feeds by their stamp (ids, revisions, names: a change is another key, so a
 * kept feed is never stale); sitemaps, whose content is thousands of threads, for the five
 * minutes every cache on the way may already keep them (PUBLIC_CACHE).
 */
function keptDocument(c: Context<AppEnv>, key: string): KeptDocument | undefined {
  return c.var.deps.pageCache.documents.get(key)
}

function keepDocument(c: Context<AppEnv>, key: string, document: KeptDocument, ttlMs?: number): KeptDocument {
  c.var.deps.pageCache.documents.set(key, document, ttlMs === undefined ? undefined : { ttl: ttlMs })
  return document
}

/**
 * Sends a public document, gzipped to a client that takes it (a sitemap of 10,000 URLs is
 * about 1.5 MB of text and a tenth of that gzipped), or 304 Not Modified to a client that
 * already has this version.
 */
function sendDocument(c: Context<AppEnv>, document: KeptDocument, contentType: string) {
  c.header('Cache-Control', PUBLIC_CACHE)
  c.header('ETag', document.etag)
  c.header('Vary', 'Accept-Encoding')
  const known = c.req.header('if-none-match')
  if (known && known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === document.etag)) return c.body(null, 304)
  if (acceptsGzip(c)) return c.body(document.gzipped, 200, { 'Content-Type': contentType, 'Content-Encoding': 'gzip' })
  return c.body(document.body, 200, { 'Content-Type': contentType })
}

seoRoutes.get('/robots.txt', (c) => {
  c.header('Cache-Control', 'public, max-age=3600')
  return c.text(robotsTxt(c.var.deps.env.publicUrl))
})

seoRoutes.get('/sitemap.xml', async (c) => {
  const key = 'sitemap:index'
  let document = keptDocument(c, key)
  if (!document) {
    // Counting every visible thread is the costly part at a million threads: kept for five minutes.
    const { pages, lastModified } = await countSitemapPages(c.var.ctx)
    document = keepDocument(c, key, withEtag(sitemapIndex(c.var.deps.env.publicUrl, pages, lastModified)), PUBLIC_CACHE_MS)
  }
  return sendDocument(c, document, XML)
})

seoRoutes.get('/sitemaps/pages.xml', async (c) => {
  const origin = c.var.deps.env.publicUrl
  const categories = await listCategories(c.var.ctx)
  const urls = [
    { loc: `${origin}/` },
    { loc: `${origin}/unanswered` },
    { loc: `${origin}/solved` },
    { loc: `${origin}/categories` },
    { loc: `${origin}/tags` },
    ...categories.map((category) => ({ loc: `${origin}/c/${category.slug}` })),
  ]
  c.header('Cache-Control', PUBLIC_CACHE)
  return c.body(urlSet(urls), 200, { 'Content-Type': XML })
})

seoRoutes.get('/sitemaps/:file{threads-[0-9]+\\.xml}', async (c) => {
  const page = parseId(/^threads-(\d+)\.xml$/.exec(c.req.param('file'))?.[1])
  if (!page) throw new NotFoundError('That sitemap')
  const key = `sitemap:threads:${page}`
  let document = keptDocument(c, key)
  if (!document) {
    // Up to SITEMAP_PAGE_SIZE URLs: a MB or two of XML, built at most once per five minutes per file.
    const threads = await listSitemapThreads(c.var.ctx, page)
    if (threads.length === 0 && page > 1) throw new NotFoundError('That sitemap')
    const origin = c.var.deps.env.publicUrl
    const xml = urlSet(threads.map((thread) => ({ loc: `${origin}${threadPath(thread)}`, lastModified: thread.lastActivityAt })))
    document = keepDocument(c, key, withEtag(xml), PUBLIC_CACHE_MS)
  }
  return sendDocument(c, document, XML)
})

/**
 * A feed: one statement (the stamp of its newest questions, see getListStamp) says whether the
 * kept document is current; only when it is not are the entries and bodies read and rendered.
 */
async function serveFeed(c: Context<AppEnv>, categorySlug: string | null) {
  const ctx = c.var.ctx
  const scope: ListScope = categorySlug === null ? { kind: 'all' } : { kind: 'category', slug: categorySlug }
  const stamp = await c.var.deps.pageCache.stamps.read(`feed:${JSON.stringify(scope)}`, () => getListStamp(ctx, { scope, forFeed: true }))
  if (categorySlug !== null && stamp.scopeId === null) throw new NotFoundError('That category')
  const key = `feed:${JSON.stringify(scope)}:${stamp.version}`
  const document = keptDocument(c, key) ?? keepDocument(c, key, withEtag(await renderFeed(c, categorySlug)))
  return sendDocument(c, document, ATOM)
}

async function renderFeed(c: Context<AppEnv>, categorySlug: string | null): Promise<string> {
  const { env } = c.var.deps
  const ctx = c.var.ctx
  if (categorySlug === null) {
    return atomFeed({
      title: `${env.siteName}: latest questions`,
      description: `New questions on ${env.siteName}`,
      origin: env.publicUrl,
      selfPath: '/feed.atom',
      pagePath: '/',
      entries: await listFeedEntries(ctx),
      now: ctx.now(),
    })
  }
  const category = await getCategoryBySlug(ctx, categorySlug)
  return atomFeed({
    title: `${env.siteName}: ${category.name}`,
    description: category.description || `New questions in ${category.name}`,
    origin: env.publicUrl,
    selfPath: `/c/${category.slug}/feed.atom`,
    pagePath: `/c/${category.slug}`,
    entries: await listFeedEntries(ctx, { categoryId: category.id }),
    now: ctx.now(),
  })
}

seoRoutes.get('/feed.atom', (c) => serveFeed(c, null))
seoRoutes.get('/c/:slug/feed.atom', (c) => serveFeed(c, c.req.param('slug')))
