import { Hono, type Context } from 'hono'
import { threadPath } from '../../../views/format'
import { FixLinkPage, MailLinkProblemPage, UnsubscribeConfirmPage, UnsubscribeDonePage } from '../../../views/mail/links'
import { MailPreferencesPage } from '../../../views/mail/preferences'
import { emptyForm, type FormState } from '../../../views/components'
import { confirmFixByToken, getFixLink } from '../../escalations'
import { getMailPreferences, getUnsubscribeLink, saveMailPreferences, unsubscribeByToken } from '../../mail-preferences'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import type { AppEnv } from '../types'

// A person's mail choices, and the pages a mail's links open: one-click unsubscribe (RFC 8058;
// its POST is the one path exempt from CSRF, see src/web/csrf.ts) and the fix mail's answers.

export const mailRoutes = new Hono<AppEnv>()

async function preferencesPage(c: Context<AppEnv>, form: FormState, status: FormStatus = 200) {
  const view = await getMailPreferences(c.var.ctx)
  return c.html(<MailPreferencesPage chrome={chrome(c)} view={view} form={form} saved={status === 200 && c.req.query('saved') === '1'} />, status)
}

mailRoutes.get('/account/notifications', (c) => preferencesPage(c, emptyForm()))

mailRoutes.post('/account/notifications', async (c) => {
  const values = await readForm(c)
  const modes = Object.fromEntries(Object.entries(values).flatMap(([name, value]) => (name.startsWith('mode.') ? [[name.slice(5), value]] : [])))
  return submitForm(
    c,
    values,
    () => saveMailPreferences({ ctx: c.var.ctx, input: { modes, frequency: values.frequency as 'daily' | 'weekly' | undefined } }),
    () => c.redirect('/account/notifications?saved=1', 303),
    (failure) => preferencesPage(c, failure.state, failure.status),
  )
})

// --- One-click unsubscribe ----------------------------------------------------

function unusableUnsubscribe(c: Context<AppEnv>, state: 'used' | 'expired' | 'unknown') {
  const status = state === 'unknown' ? 404 : 410
  const message =
    state === 'unknown'
      ? 'This unsubscribe link is not valid. Check that you copied the whole link from the mail.'
      : 'This unsubscribe link has expired. Sign in and choose which mails you get on your notifications page.'
  return c.html(<MailLinkProblemPage chrome={chrome(c)} status={status} title="This link does not work" message={message} />, status)
}

mailRoutes.get('/mail/unsubscribe/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getUnsubscribeLink(c.var.ctx, token)
  if (link.state !== 'live') return unusableUnsubscribe(c, link.state)
  return c.html(<UnsubscribeConfirmPage chrome={chrome(c)} token={token} label={link.label ?? ''} />)
})

/** The provider's one-click POST (body `List-Unsubscribe=One-Click`) and the confirm page's button alike. */
mailRoutes.post('/mail/unsubscribe/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getUnsubscribeLink(c.var.ctx, token)
  if (link.state !== 'live') return unusableUnsubscribe(c, link.state)
  const done = await unsubscribeByToken({ ctx: c.var.ctx, input: { token } })
  return c.html(<UnsubscribeDonePage chrome={chrome(c)} label={done.label} />, 200)
})

// --- "This solved it" / "Still broken" from the fix mail ----------------------

mailRoutes.get('/mail/fix/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getFixLink(c.var.ctx, token)
  if (link.state === 'unknown')
    return c.html(
      <MailLinkProblemPage chrome={chrome(c)} status={404} title="This link is not valid" message="Check that you copied the whole link from the mail." />,
      404,
    )
  if (link.state !== 'live' || link.answered) {
    const message =
      link.state === 'expired'
        ? 'The links in the fix mail work for 14 days. Sign in and answer on the question instead.'
        : 'The team has your answer already: each link in the mail works once.'
    const title = link.state === 'expired' ? 'This link has expired' : 'You answered already'
    return c.html(<MailLinkProblemPage chrome={chrome(c)} status={410} title={title} message={message} thread={link.thread} />, 410)
  }
  return c.html(<FixLinkPage chrome={chrome(c)} token={token} solved={link.solved} thread={link.thread} />)
})

mailRoutes.post('/mail/fix/:token', async (c) => {
  const { thread } = await confirmFixByToken({ ctx: c.var.ctx, input: { token: c.req.param('token') } })
  return c.redirect(`${threadPath(thread)}#support-status`, 303)
})
