import { Hono } from 'hono'
import { SearchInsightsPage } from '../../../views/search/insights'
import { SearchPageView, SearchResults } from '../../../views/search/search'
import { SimilarQuestionsList } from '../../../views/search/similar'
import { threadPath } from '../../../views/format'
import { findSimilarQuestions, getSearchInsights, searchForum } from '../../search'
import { chrome } from '../chrome'
import { isHtmx } from '../htmx'
import type { AppEnv } from '../types'
import { visitorKey } from '../visitor'

export const searchRoutes = new Hono<AppEnv>()

searchRoutes.get('/search', async (c) => {
  const page = await searchForum({
    ctx: c.var.ctx,
    input: { raw: c.req.query(), visitorKey: visitorKey(c), record: true },
  })
  if (isHtmx(c)) return c.html(<SearchResults page={page} now={c.var.ctx.now()} />)
  return c.html(<SearchPageView chrome={chrome(c)} page={page} />)
})

/** The ask page's "maybe already answered" list, as the title and body are typed. */
searchRoutes.get('/ask/similar', async (c) => {
  const similar = await findSimilarQuestions({
    ctx: c.var.ctx,
    input: { title: c.req.query('title') ?? '', body: c.req.query('body') ?? '', limit: '5', visitorKey: visitorKey(c), record: true },
  })
  return c.html(<SimilarQuestionsList similar={similar} />)
})

/** JSON: the same ranking for other tools (a help widget, a support inbox). Public threads only. */
searchRoutes.get('/api/v1/similar', async (c) => {
  const origin = c.var.deps.env.publicUrl
  const similar = await findSimilarQuestions({
    ctx: c.var.ctx,
    input: { title: c.req.query('title'), body: c.req.query('body'), limit: c.req.query('limit') },
  })
  return c.json({
    results: similar.items.map(({ thread, score }) => ({
      id: thread.id,
      title: thread.title,
      url: `${origin}${threadPath(thread)}`,
      score: Math.round(score * 10_000) / 10_000,
      solved: thread.solved,
      acceptedAnswerExcerpt: thread.acceptedExcerpt,
    })),
  })
})

searchRoutes.get('/staff/search', async (c) => {
  const days = Number(c.req.query('days'))
  const insights = await getSearchInsights(c.var.ctx, [7, 30, 90].includes(days) ? days : 30)
  return c.html(<SearchInsightsPage chrome={chrome(c)} insights={insights} />)
})
