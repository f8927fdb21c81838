import { Hono, type Context } from 'hono'
import { AccountPageView, type AccountForms, type AccountNotice } from '../../../views/account/account'
import { LinkConfirmPage, LinkDonePage, UnusableLinkPage } from '../../../views/account/links'
import { ForgotPasswordPage, ForgotPasswordSentPage, ResetPasswordPage } from '../../../views/account/password-reset'
import { emptyForm, type FormState } from '../../../views/components'
import { TokensPage } from '../../../views/queue/settings'
import { createApiToken, getApiTokensPage, revokeApiToken } from '../../queue'
import {
  changePassword,
  confirmEmailChange,
  getAccount,
  getAccountLink,
  requestEmailChange,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  unusableLinkMessage,
  UnusableLinkError,
  verifyEmail,
  type AccountTokenPurpose,
} from '../../auth'
import { chrome } from '../chrome'
import { clientIp } from '../client-ip'
import { readForm, readListField, submitForm, type FormStatus } from '../forms'
import { setSessionCookie } from '../session'
import type { AppEnv } from '../types'

// Password reset, email confirmation and change of address: the mailed link opens a page that
// changes nothing; its button POSTs (with CSRF) to the same path.

export const accountRoutes = new Hono<AppEnv>()

const LINKS: Record<AccountTokenPurpose, { what: string; next: { href: string; label: string } }> = {
  password_reset: { what: 'This password reset link', next: { href: '/password/forgot', label: 'Ask for a new reset link' } },
  verify_email: { what: 'This confirmation link', next: { href: '/account', label: 'Go to your account to get a new link' } },
  change_email: { what: 'This confirmation link', next: { href: '/account', label: 'Go to your account to ask again' } },
}

function unusableLink(c: Context<AppEnv>, purpose: AccountTokenPurpose, state: 'used' | 'expired' | 'unknown') {
  // 410 for a link that existed and is spent, 404 for one we never issued.
  const status = state === 'unknown' ? 404 : 410
  const link = LINKS[purpose]
  const title = state === 'used' ? 'This link was used already' : state === 'expired' ? 'This link has expired' : 'This link is not valid'
  return c.html(
    <UnusableLinkPage chrome={chrome(c)} status={status} title={title} message={unusableLinkMessage(state, link.what)} next={link.next} />,
    status,
  )
}

/** Runs a link's action; a link spent between the page and the click gets the same page as on GET. */
async function usingLink(c: Context<AppEnv>, purpose: AccountTokenPurpose, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof UnusableLinkError) return unusableLink(c, purpose, error.state)
    throw error
  }
}

// --- Password reset ---------------------------------------------------------

const forgotPage = (c: Context<AppEnv>, form: FormState, status: FormStatus = 200) => c.html(<ForgotPasswordPage chrome={chrome(c)} form={form} />, status)

accountRoutes.get('/password/forgot', (c) => forgotPage(c, emptyForm({ email: c.req.query('email') ?? '' })))

accountRoutes.post('/password/forgot', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => requestPasswordReset({ ctx: c.var.ctx, input: { email: values.email, clientIp: clientIp(c) } }),
    () => c.html(<ForgotPasswordSentPage chrome={chrome(c)} />),
    (failure) => forgotPage(c, failure.state, failure.status),
  )
})

accountRoutes.get('/password/reset/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getAccountLink(c.var.ctx, token, 'password_reset')
  if (link.state !== 'live') return unusableLink(c, 'password_reset', link.state)
  return c.html(<ResetPasswordPage chrome={chrome(c)} form={emptyForm()} token={token} email={link.email} />)
})

accountRoutes.post('/password/reset/:token', async (c) => {
  const token = c.req.param('token')
  const values = await readForm(c)
  const link = await getAccountLink(c.var.ctx, token, 'password_reset')
  if (link.state !== 'live') return unusableLink(c, 'password_reset', link.state)
  return usingLink(c, 'password_reset', () =>
    submitForm(
      c,
      values,
      () => resetPassword({ ctx: c.var.ctx, input: { token, password: values.password ?? '' } }),
      (session) => {
        setSessionCookie(c, session.token, session.expiresAt)
        return c.redirect('/account?done=password-reset', 303)
      },
      (failure) =>
        c.html(<ResetPasswordPage chrome={chrome(c)} form={{ ...failure.state, values: {} }} token={token} email={link.email} />, failure.status),
    ),
  )
})

// --- Confirming an address --------------------------------------------------

accountRoutes.get('/verify/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getAccountLink(c.var.ctx, token, 'verify_email')
  if (link.state !== 'live') return unusableLink(c, 'verify_email', link.state)
  return c.html(
    <LinkConfirmPage
      chrome={chrome(c)}
      title="Confirm your email address"
      text={`Confirm that ${link.email} is your address, so replies and answers reach you.`}
      action={`/verify/${token}`}
      button="Confirm my address"
    />,
  )
})

accountRoutes.post('/verify/:token', (c) =>
  usingLink(c, 'verify_email', async () => {
    const done = await verifyEmail({ ctx: c.var.ctx, input: { token: c.req.param('token') } })
    return c.html(
      <LinkDonePage
        chrome={chrome(c)}
        title="Address confirmed"
        text={`Thank you: ${done.email} is confirmed.`}
        next={c.var.actor ? { href: '/account', label: 'Go to your account' } : { href: '/', label: 'Go to the latest questions' }}
      />,
    )
  }),
)

// --- Changing one's address -------------------------------------------------

accountRoutes.get('/email/confirm/:token', async (c) => {
  const token = c.req.param('token')
  const link = await getAccountLink(c.var.ctx, token, 'change_email')
  if (link.state !== 'live' || !link.newEmail) return unusableLink(c, 'change_email', link.state === 'live' ? 'unknown' : link.state)
  return c.html(
    <LinkConfirmPage
      chrome={chrome(c)}
      title="Confirm your new address"
      text={`Your account will use ${link.newEmail} instead of ${link.email}.`}
      action={`/email/confirm/${token}`}
      button="Use this address"
    />,
  )
})

accountRoutes.post('/email/confirm/:token', (c) =>
  usingLink(c, 'change_email', async () => {
    const done = await confirmEmailChange({ ctx: c.var.ctx, input: { token: c.req.param('token') } })
    return c.html(
      <LinkDonePage
        chrome={chrome(c)}
        title="Address changed"
        text={`Your account now uses ${done.email}. Sign in with it from now on.`}
        next={c.var.actor ? { href: '/account', label: 'Go to your account' } : { href: '/login', label: 'Sign in' }}
      />,
    )
  }),
)

// --- The account page -------------------------------------------------------

const NOTICES: readonly AccountNotice[] = ['email-requested', 'verification-sent', 'password-changed', 'password-reset']

async function accountPage(c: Context<AppEnv>, forms: Partial<AccountForms> = {}, status: FormStatus = 200) {
  const account = await getAccount(c.var.ctx)
  const done = c.req.query('done') as AccountNotice | undefined
  const notice = status === 200 && done && NOTICES.includes(done) ? done : undefined
  const all: AccountForms = { email: emptyForm(), password: emptyForm(), resend: emptyForm(), ...forms }
  return c.html(<AccountPageView chrome={chrome(c)} account={account} forms={all} notice={notice} />, status)
}

/** Passwords are never sent back into a page. */
const withoutPasswords = (form: FormState): FormState => ({ ...form, values: { ...form.values, currentPassword: '', newPassword: '' } })

accountRoutes.get('/account', (c) => accountPage(c))

accountRoutes.post('/account/email', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => requestEmailChange({ ctx: c.var.ctx, input: { newEmail: values.newEmail, currentPassword: values.currentPassword ?? '' } }),
    () => c.redirect('/account?done=email-requested', 303),
    (failure) => accountPage(c, { email: withoutPasswords(failure.state) }, failure.status),
  )
})

accountRoutes.post('/account/password', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () =>
      changePassword({
        ctx: c.var.ctx,
        input: { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '', sessionToken: c.var.sessionToken },
      }),
    () => c.redirect('/account?done=password-changed', 303),
    (failure) => accountPage(c, { password: withoutPasswords(failure.state) }, failure.status),
  )
})

accountRoutes.post('/account/verify', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => resendVerification({ ctx: c.var.ctx, input: {} }),
    () => c.redirect('/account?done=verification-sent', 303),
    (failure) => accountPage(c, { resend: failure.state }, failure.status),
  )
})

// --- API tokens: anyone's own, with the scopes their role may use -------------------

async function tokensPage(c: Context<AppEnv>, state: { form?: FormState; chosen?: string[]; created?: string } = {}, status: 200 | 201 | FormStatus = 200) {
  const page = await getApiTokensPage(c.var.ctx)
  return c.html(
    <TokensPage chrome={chrome(c)} place="account" tokens={page.tokens} scopes={page.scopes} form={state.form ?? emptyForm()} chosen={state.chosen} created={state.created ?? null} />,
    status,
  )
}

accountRoutes.get('/account/tokens', (c) => tokensPage(c))

accountRoutes.post('/account/tokens', async (c) => {
  const values = await readForm(c)
  const scopes = await readListField(c, 'scopes')
  return submitForm(
    c,
    values,
    () => createApiToken({ ctx: c.var.ctx, input: { ...values, scopes } }),
    (created) => tokensPage(c, { created: created.token }, 201),
    (failure) => tokensPage(c, { form: failure.state, chosen: scopes }, failure.status),
  )
})

accountRoutes.post('/account/tokens/:id/revoke', async (c) => {
  await revokeApiToken({ ctx: c.var.ctx, input: { tokenId: c.req.param('id') } })
  return c.redirect('/account/tokens', 303)
})
