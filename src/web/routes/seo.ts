import { createHash } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { atomFeed, robotsTxt, sitemapIndex, urlSet } from '../../../views/feeds'
import { threadPath } from '../../../views/format'
import { countSitemapPages, getCategoryBySlug, listCategories, listFeedEntries, listSitemapThreads, type FeedEntry } from '../../forum'
import { NotFoundError } from '../../errors'
import { parseId } from '../../validation'
import type { AppEnv } from '../types'

export const seoRoutes = new Hono<AppEnv>()

const XML = 'application/xml; charset=utf-8'
const ATOM = 'application/atom+xml; charset=utf-8'
// Feeds and sitemaps hold only public data, so caches may share them for a few minutes.
const PUBLIC_CACHE = 'public, max-age=300'
const PUBLIC_CACHE_MS = 300_000

interface PublicDocument {
  etag: string
  body: string
}

/** A document with its ETag (a hash of the body, made once when the document is rendered). */
function withEtag(body: string): PublicDocument {
  return { etag: `"${createHash('sha1').update(body).digest('base64url')}"`, body }
}

/**
 * Kept documents: feeds by their entries (id, revision, names: a change is another key, so a
 * kept feed is never stale); sitemaps, whose content is thousands of threads, for the five
 * minutes every cache on the way may already keep them (PUBLIC_CACHE).
 */
function keptDocument(c: Context<AppEnv>, key: string): PublicDocument | undefined {
  const kept = c.var.deps.pageCache.fragments.get(key)
  if (kept === undefined) return undefined
  const newline = kept.indexOf('\n')
  return { etag: kept.slice(0, newline), body: kept.slice(newline + 1) }
}

function keepDocument(c: Context<AppEnv>, key: string, document: PublicDocument, ttlMs?: number): PublicDocument {
  c.var.deps.pageCache.fragments.set(key, `${document.etag}\n${document.body}`, ttlMs)
  return document
}

/** Sends a public document, or 304 Not Modified to a client that already has this version. */
function sendDocument(c: Context<AppEnv>, document: PublicDocument, contentType: string) {
  c.header('Cache-Control', PUBLIC_CACHE)
  c.header('ETag', document.etag)
  const known = c.req.header('if-none-match')
  if (known && known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === document.etag)) return c.body(null, 304)
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
    // Up to 50,000 URLs: a few MB of XML, built at most once per five minutes per file.
    const threads = await listSitemapThreads(c.var.ctx, page)
    if (threads.length === 0 && page > 1) throw new NotFoundError('That sitemap')
    const origin = c.var.deps.env.publicUrl
    const xml = urlSet(threads.map((thread) => ({ loc: `${origin}${threadPath(thread)}`, lastModified: thread.lastActivityAt })))
    document = keepDocument(c, key, withEtag(xml), PUBLIC_CACHE_MS)
  }
  return sendDocument(c, document, XML)
})

/** A feed's entries as its cache key: each entry's revision stands for its text and body. */
const feedKey = (scope: string, entries: FeedEntry[]) =>
  `feed:${scope}:${JSON.stringify(entries.map(({ bodyHtml: _body, ...entry }) => entry))}`

seoRoutes.get('/feed.atom', async (c) => {
  const { env } = c.var.deps
  const entries = await listFeedEntries(c.var.ctx)
  const key = feedKey('all', entries)
  const document =
    keptDocument(c, key) ??
    keepDocument(
      c,
      key,
      withEtag(
        atomFeed({
          title: `${env.siteName}: latest questions`,
          description: `New questions on ${env.siteName}`,
          origin: env.publicUrl,
          selfPath: '/feed.atom',
          pagePath: '/',
          entries,
          now: c.var.ctx.now(),
        }),
      ),
    )
  return sendDocument(c, document, ATOM)
})

seoRoutes.get('/c/:slug/feed.atom', async (c) => {
  const { env } = c.var.deps
  const category = await getCategoryBySlug(c.var.ctx, c.req.param('slug'))
  const entries = await listFeedEntries(c.var.ctx, { categoryId: category.id })
  const key = feedKey(JSON.stringify([category.slug, category.name, category.description]), entries)
  const document =
    keptDocument(c, key) ??
    keepDocument(
      c,
      key,
      withEtag(
        atomFeed({
          title: `${env.siteName}: ${category.name}`,
          description: category.description || `New questions in ${category.name}`,
          origin: env.publicUrl,
          selfPath: `/c/${category.slug}/feed.atom`,
          pagePath: `/c/${category.slug}`,
          entries,
          now: c.var.ctx.now(),
        }),
      ),
    )
  return sendDocument(c, document, ATOM)
})
