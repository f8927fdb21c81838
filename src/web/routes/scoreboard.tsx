import { Hono, type Context } from 'hono'
import { ScoreboardPage, type OwnerForm } from '../../../views/scoreboard/scoreboard'
import { NotFoundError } from '../../errors'
import { assignIssueOwner, CHART_KEYS, figureCsv, getScoreboard, type ChartKey, type ScoreboardFilterInput } from '../../scoreboard'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import type { AppEnv } from '../types'

export const scoreboardRoutes = new Hono<AppEnv>()

function filterInput(c: Context<AppEnv>): ScoreboardFilterInput {
  return { team: c.req.query('team'), period: c.req.query('period'), from: c.req.query('from'), to: c.req.query('to') }
}

async function scoreboardPage(c: Context<AppEnv>, ownerForm?: OwnerForm, status: FormStatus = 200) {
  const scoreboard = await getScoreboard(c.var.ctx, filterInput(c))
  const refused = Object.keys(scoreboard.errors).length > 0
  return c.html(<ScoreboardPage chrome={chrome(c)} scoreboard={scoreboard} ownerForm={ownerForm} />, refused && status === 200 ? 422 : status)
}

scoreboardRoutes.get('/scoreboard', (c) => scoreboardPage(c))

/** One figure's table as CSV, with the page's filters. */
scoreboardRoutes.get('/scoreboard/:file{[a-z-]+\\.csv}', async (c) => {
  const key = c.req.param('file').replace(/\.csv$/, '')
  if (!(CHART_KEYS as readonly string[]).includes(key)) throw new NotFoundError('That figure')
  const scoreboard = await getScoreboard(c.var.ctx, filterInput(c))
  if (Object.keys(scoreboard.errors).length > 0) return c.text(`These filters could not be used: ${Object.values(scoreboard.errors).join(' ')}\n`, 422)
  const figure = scoreboard.figures.find((entry) => entry.key === (key as ChartKey))!
  const range = `${scoreboard.window.fromDate}_${scoreboard.window.toDate}`
  c.header('Content-Type', 'text/csv; charset=utf-8')
  c.header('Content-Disposition', `attachment; filename="scoreboard-${key}${scoreboard.window.team ? `-${scoreboard.window.team.replace(/[^a-z0-9-]/gi, '')}` : ''}-${range}.csv"`)
  c.header('Cache-Control', 'no-store')
  return c.body(figureCsv(figure))
})

scoreboardRoutes.post('/scoreboard/issues/:id/owner', async (c) => {
  const itemId = idParam(c, 'id', 'That issue')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => assignIssueOwner({ ctx: c.var.ctx, input: { itemId, ownerId: values.ownerId ?? '' } }),
    () => c.redirect(`/scoreboard${scoreboardQueryOf(c) ? `?${scoreboardQueryOf(c)}` : ''}#top-issues`, 303),
    (failure) => {
      // Someone who may not see the scoreboard gets the refusal page, not the form.
      if ((failure.status === 401 || failure.status === 403) && failure.cause) throw failure.cause
      return scoreboardPage(c, { itemId, form: failure.state }, failure.status)
    },
  )
})

/** The filters the owner form came from, so the page comes back as it was. */
function scoreboardQueryOf(c: Context<AppEnv>): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(filterInput(c))) if (value) query.set(key, value)
  return query.toString()
}
