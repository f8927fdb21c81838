import { Hono } from 'hono'
import { SearchInsightsPage } from '../../../views/search/insights'
import { SearchPageView, SearchResults } from '../../../views/search/search'
import { SimilarQuestionsList } from '../../../views/search/similar'
import { findSimilarQuestions, getSearchInsights, listLookups, searchForum } from '../../search'
import { LookupListPage } from '../../../views/search/lookups'
import { checkWriteAllowed } from '../../safety'
import { chrome } from '../chrome'
import { isHtmx } from '../htmx'
import type { AppEnv } from '../types'
import { visitorKey } from '../visitor'

export const searchRoutes = new Hono<AppEnv>()

searchRoutes.get('/search', async (c) => {
  // Searching costs the engine work: counted per account and address like a write (src/safety).
  if (c.req.query('q')) await checkWriteAllowed(c.var.ctx, 'search')
  const page = await searchForum({
    ctx: c.var.ctx,
    input: { raw: c.req.query(), visitorKey: visitorKey(c), record: true },
  })
  if (isHtmx(c)) return c.html(<SearchResults page={page} now={c.var.ctx.now()} />)
  return c.html(<SearchPageView chrome={chrome(c)} page={page} />)
})

/** The ask page's "maybe already answered" list, as the title and body are typed. */
searchRoutes.get('/ask/similar', async (c) => {
  await checkWriteAllowed(c.var.ctx, 'similar')
  const similar = await findSimilarQuestions({
    ctx: c.var.ctx,
    input: { title: c.req.query('title') ?? '', body: c.req.query('body') ?? '', limit: '5', visitorKey: visitorKey(c), record: true },
  })
  return c.html(<SimilarQuestionsList similar={similar} />)
})

searchRoutes.get('/staff/search', async (c) => {
  const days = Number(c.req.query('days'))
  const insights = await getSearchInsights(c.var.ctx, [7, 30, 90].includes(days) ? days : 30)
  return c.html(<SearchInsightsPage chrome={chrome(c)} insights={insights} />)
})

/** The lookups behind the scoreboard's search deflection figure. */
searchRoutes.get('/staff/search/lookups', async (c) => {
  const query = { kind: c.req.query('kind'), from: c.req.query('from'), to: c.req.query('to'), outcome: c.req.query('outcome'), before: c.req.query('before') }
  const list = await listLookups(c.var.ctx, query)
  return c.html(<LookupListPage chrome={chrome(c)} list={list} query={query} />, Object.keys(list.errors).length > 0 ? 422 : 200)
})
