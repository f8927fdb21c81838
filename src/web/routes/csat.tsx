import { Hono, type Context } from 'hono'
import { emptyForm, type FormState } from '../../../views/components'
import { CsatLinkPage, CsatThanksPage } from '../../../views/csat/rating'
import { MailLinkProblemPage } from '../../../views/mail/links'
import { dismissCsat, getCsatLink, rateByToken, rateOnThread, type CsatLinkView } from '../../csat'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import { renderThread } from '../thread-page'
import type { AppEnv } from '../types'

// "Did this solve your problem?": the page the CSAT mail's signed link opens (no sign-in), and
// the asker's prompt on their thread page.

export const csatRoutes = new Hono<AppEnv>()

/** A link that cannot rate: never issued or altered (404), used or rated already, expired (410). */
function unusableLink(c: Context<AppEnv>, link: CsatLinkView) {
  const status = link.state === 'unknown' ? 404 : 410
  const [title, message] =
    link.state === 'unknown'
      ? ['This link is not valid', 'Check that you copied the whole link from the mail.']
      : link.state === 'expired'
        ? ['This link has expired', 'The rating links in the mail work for 30 days.']
        : ['You rated this already', 'The team has your rating: each question is rated once. Thank you!']
  return c.html(<MailLinkProblemPage chrome={chrome(c)} status={status} title={title} message={message} thread={link.thread} />, status)
}

function linkPage(c: Context<AppEnv>, token: string, link: CsatLinkView, form: FormState, status: FormStatus = 200) {
  return c.html(<CsatLinkPage chrome={chrome(c)} token={token} link={link} form={form} />, status)
}

csatRoutes.get('/csat/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getCsatLink(c.var.ctx, token)
  if (link.state !== 'live' || link.rated) return unusableLink(c, link)
  const preselected = c.req.query('rating')
  return linkPage(c, token, link, emptyForm(preselected && /^[1-5]$/.test(preselected) ? { rating: preselected } : {}))
})

csatRoutes.post('/csat/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getCsatLink(c.var.ctx, token)
  if (link.state !== 'live' || link.rated) return unusableLink(c, link)
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => rateByToken({ ctx: c.var.ctx, input: { token, rating: values.rating, comment: values.comment } }),
    () => c.html(<CsatThanksPage chrome={chrome(c)} thread={link.thread} />, 200),
    (failure) => linkPage(c, token, link, failure.state, failure.status),
  )
})

csatRoutes.post('/t/:id/csat', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => rateOnThread({ ctx: c.var.ctx, input: { threadId, rating: values.rating, comment: values.comment } }),
    () => c.redirect(`/t/${threadId}?rated=1#support-status`, 303),
    (failure) => renderThread(c, threadId, { csatForm: failure.state, status: failure.status }),
  )
})

csatRoutes.post('/t/:id/csat/dismiss', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  await dismissCsat({ ctx: c.var.ctx, input: { threadId } })
  return c.redirect(`/t/${threadId}#support-status`, 303)
})
