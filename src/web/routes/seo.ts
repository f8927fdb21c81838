import { Hono } from 'hono'
import { atomFeed, robotsTxt, sitemapIndex, urlSet } from '../../../views/feeds'
import { threadPath } from '../../../views/format'
import { countSitemapPages, getCategoryBySlug, listCategories, listFeedEntries, listSitemapThreads } from '../../forum'
import { NotFoundError } from '../../errors'
import { parseId } from '../../validation'
import type { AppEnv } from '../types'

export const seoRoutes = new Hono<AppEnv>()

const XML = 'application/xml; charset=utf-8'
const ATOM = 'application/atom+xml; charset=utf-8'
// Feeds and sitemaps hold only public data, so caches may share them for a few minutes.
const PUBLIC_CACHE = 'public, max-age=300'

seoRoutes.get('/robots.txt', (c) => {
  c.header('Cache-Control', 'public, max-age=3600')
  return c.text(robotsTxt(c.var.deps.env.publicUrl))
})

seoRoutes.get('/sitemap.xml', async (c) => {
  const { pages, lastModified } = await countSitemapPages(c.var.ctx)
  c.header('Cache-Control', PUBLIC_CACHE)
  return c.body(sitemapIndex(c.var.deps.env.publicUrl, pages, lastModified), 200, { 'Content-Type': XML })
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
  const threads = await listSitemapThreads(c.var.ctx, page)
  if (threads.length === 0 && page > 1) throw new NotFoundError('That sitemap')
  const origin = c.var.deps.env.publicUrl
  c.header('Cache-Control', PUBLIC_CACHE)
  return c.body(
    urlSet(threads.map((thread) => ({ loc: `${origin}${threadPath(thread)}`, lastModified: thread.lastActivityAt }))),
    200,
    { 'Content-Type': XML },
  )
})

seoRoutes.get('/feed.atom', async (c) => {
  const { env } = c.var.deps
  const entries = await listFeedEntries(c.var.ctx)
  c.header('Cache-Control', PUBLIC_CACHE)
  return c.body(
    atomFeed({
      title: `${env.siteName}: latest questions`,
      description: `New questions on ${env.siteName}`,
      origin: env.publicUrl,
      selfPath: '/feed.atom',
      pagePath: '/',
      entries,
      now: c.var.ctx.now(),
    }),
    200,
    { 'Content-Type': ATOM },
  )
})

seoRoutes.get('/c/:slug/feed.atom', async (c) => {
  const { env } = c.var.deps
  const category = await getCategoryBySlug(c.var.ctx, c.req.param('slug'))
  const entries = await listFeedEntries(c.var.ctx, { categoryId: category.id })
  c.header('Cache-Control', PUBLIC_CACHE)
  return c.body(
    atomFeed({
      title: `${env.siteName}: ${category.name}`,
      description: category.description || `New questions in ${category.name}`,
      origin: env.publicUrl,
      selfPath: `/c/${category.slug}/feed.atom`,
      pagePath: `/c/${category.slug}`,
      entries,
      now: c.var.ctx.now(),
    }),
    200,
    { 'Content-Type': ATOM },
  )
})
