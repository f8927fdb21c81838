import { Hono, type Context } from 'hono'
import { SetupPage, SignInPage, SignUpPage } from '../../../views/auth'
import { emptyForm, type FormState } from '../../../views/components'
import { ErrorPage } from '../../../views/errors'
import { completeSetup, isSetupTokenValid, requestSignInLink, signIn, signInWithLink, signOut, signUp } from '../../auth'
import { getSignInOptions } from '../../sso'
import { SignInLinkConfirmPage, SignInLinkRequestPage } from '../../../views/account/sign-in-link'
import { chrome } from '../chrome'
import { checkFormGuard, formGuard } from '../form-guard'
import { clientIp } from '../client-ip'
import { readForm, submitForm, type FormStatus } from '../forms'
import { safeNextPath } from '../next-path'
import { clearSessionCookie, setSessionCookie } from '../session'
import type { AppEnv } from '../types'

export const authRoutes = new Hono<AppEnv>()

const nextOf = (c: Context<AppEnv>) => safeNextPath(c.req.query('next'), c.var.deps.env.publicUrl)

/** Passwords are never sent back into a page. */
const withoutPassword = (form: FormState): FormState => ({ ...form, values: { ...form.values, password: '' } })

const signInPage = async (c: Context<AppEnv>, form: FormState, status: FormStatus = 200) =>
  c.html(<SignInPage chrome={chrome(c)} form={withoutPassword(form)} next={nextOf(c)} sso={await getSignInOptions(c.var.ctx)} />, status)

const signUpPage = async (c: Context<AppEnv>, form: FormState, status: FormStatus = 200) =>
  c.html(
    <SignUpPage chrome={chrome(c)} form={withoutPassword(form)} next={nextOf(c)} sso={await getSignInOptions(c.var.ctx)} guard={await formGuard(c, 'sign_up')} />,
    status,
  )

authRoutes.get('/login', (c) => (c.var.actor ? c.redirect(nextOf(c)) : signInPage(c, emptyForm())))

authRoutes.post('/login', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => signIn({ ctx: c.var.ctx, input: { ...values, clientIp: clientIp(c) } }),
    (session) => {
      setSessionCookie(c, session.token, session.expiresAt)
      return c.redirect(nextOf(c), 303)
    },
    (failure) => signInPage(c, failure.state, failure.status),
  )
})

authRoutes.get('/signup', (c) => (c.var.actor ? c.redirect(nextOf(c)) : signUpPage(c, emptyForm())))

authRoutes.post('/signup', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    async () => {
      await checkFormGuard(c, 'sign_up', values)
      return signUp({ ctx: c.var.ctx, input: { ...values, clientIp: clientIp(c) } })
    },
    (session) => {
      setSessionCookie(c, session.token, session.expiresAt)
      return c.redirect(nextOf(c), 303)
    },
    (failure) => signUpPage(c, failure.state, failure.status),
  )
})

// --- Sign-in link by mail: the owner's way in while guessers have password sign-in paused ---

authRoutes.get('/login/link', (c) => c.html(<SignInLinkRequestPage chrome={chrome(c)} form={emptyForm({ email: c.req.query('email') ?? '' })} />))

authRoutes.post('/login/link', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => requestSignInLink({ ctx: c.var.ctx, input: { email: values.email, clientIp: clientIp(c) } }),
    () => c.html(<SignInLinkRequestPage chrome={chrome(c)} form={emptyForm()} sent />),
    (failure) => c.html(<SignInLinkRequestPage chrome={chrome(c)} form={failure.state} />, failure.status),
  )
})

authRoutes.get('/login/link/:token', (c) => c.html(<SignInLinkConfirmPage chrome={chrome(c)} token={c.req.param('token')} form={emptyForm()} />))

authRoutes.post('/login/link/:token', async (c) => {
  const token = c.req.param('token')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => signInWithLink({ ctx: c.var.ctx, input: { token } }),
    (session) => {
      setSessionCookie(c, session.token, session.expiresAt)
      return c.redirect('/', 303)
    },
    (failure) => c.html(<SignInLinkConfirmPage chrome={chrome(c)} token={token} form={failure.state} />, failure.status),
  )
})

authRoutes.post('/logout', async (c) => {
  await signOut({ ctx: c.var.ctx, input: { token: c.var.sessionToken } })
  clearSessionCookie(c)
  return c.redirect('/', 303)
})

const invalidSetupLink = (c: Context<AppEnv>) =>
  c.html(
    <ErrorPage
      chrome={chrome(c)}
      status={404}
      title="This setup link is not valid"
      message="It has been used already, has expired, or an admin exists. Restart the server to print a fresh link while no admin exists."
    />,
    404,
  )

authRoutes.get('/setup/:token', async (c) => {
  const token = c.req.param('token')
  if (!(await isSetupTokenValid(c.var.ctx, token))) return invalidSetupLink(c)
  return c.html(<SetupPage chrome={chrome(c)} form={emptyForm()} token={token} />)
})

authRoutes.post('/setup/:token', async (c) => {
  const token = c.req.param('token')
  const values = await readForm(c)
  if (!(await isSetupTokenValid(c.var.ctx, token))) return invalidSetupLink(c)
  return submitForm(
    c,
    values,
    () => completeSetup({ ctx: c.var.ctx, input: { ...values, token } }),
    (session) => {
      setSessionCookie(c, session.token, session.expiresAt)
      return c.redirect('/admin', 303)
    },
    (failure) => c.html(<SetupPage chrome={chrome(c)} form={withoutPassword(failure.state)} token={token} />, failure.status),
  )
})
