import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { SignInPage } from '../../../views/auth'
import { emptyForm, type FormState } from '../../../views/components'
import { MySignInsPage } from '../../../views/sso'
import { finishSsoSignIn, getMySignIns, getSignInOptions, startSsoSignIn, unlinkIdentity } from '../../sso'
import { chrome } from '../chrome'
import { submitForm, type FormStatus } from '../forms'
import { safeNextPath } from '../next-path'
import { idParam } from '../params'
import { isSecure, setSessionCookie } from '../session'
import type { AppEnv } from '../types'

// Signing in through a provider (OpenID Connect, GitHub, Google) and linking one to an account.
// The state travels twice: in a cookie of this browser and through the provider; the callback
// needs both to agree, so an answer started in another browser (login CSRF) is refused.

export const ssoRoutes = new Hono<AppEnv>()

const stateCookieName = (c: Context<AppEnv>) => (isSecure(c) ? '__Host-sso-state' : 'sso-state')

const redirectUriOf = (c: Context<AppEnv>, slug: string) => `${c.var.deps.env.publicUrl}/auth/sso/${encodeURIComponent(slug)}/callback`

function rememberState(c: Context<AppEnv>, state: string, expiresAt: Date) {
  // Lax: the provider's redirect back is a top-level GET navigation, which Lax cookies accompany.
  setCookie(c, stateCookieName(c), state, { httpOnly: true, secure: isSecure(c), sameSite: 'Lax', path: '/', expires: expiresAt })
}

async function signInPageWith(c: Context<AppEnv>, form: FormState, status: FormStatus) {
  const options = await getSignInOptions(c.var.ctx)
  return c.html(<SignInPage chrome={chrome(c)} form={form} next="/" sso={options} />, status)
}

ssoRoutes.get('/auth/sso/:slug/start', async (c) => {
  const slug = c.req.param('slug')
  const returnTo = safeNextPath(c.req.query('next'), c.var.deps.env.publicUrl)
  const started = await startSsoSignIn({ ctx: c.var.ctx, input: { slug, returnTo, redirectUri: redirectUriOf(c, slug) } })
  rememberState(c, started.state, started.expiresAt)
  return c.redirect(started.redirectTo, 302)
})

ssoRoutes.get('/auth/sso/:slug/callback', async (c) => {
  const slug = c.req.param('slug')
  const browserState = getCookie(c, stateCookieName(c))
  // The callback as the provider addressed it (PUBLIC_URL, not whatever host a proxy passed on).
  const callbackUrl = `${redirectUriOf(c, slug)}${new URL(c.req.url).search}`
  deleteCookie(c, stateCookieName(c), { path: '/', secure: isSecure(c) })
  return submitForm(
    c,
    {},
    () => finishSsoSignIn({ ctx: c.var.ctx, input: { slug, callbackUrl, redirectUri: redirectUriOf(c, slug), browserState } }),
    (finished) => {
      if (finished.outcome === 'linked') return c.redirect('/account/sign-ins?linked=1', 303)
      setSessionCookie(c, finished.token, finished.expiresAt)
      return c.redirect(safeNextPath(finished.returnTo, c.var.deps.env.publicUrl), 303)
    },
    (failure) => (c.var.actor ? signInsPage(c, failure.state, failure.status) : signInPageWith(c, failure.state, failure.status)),
  )
})

async function signInsPage(c: Context<AppEnv>, form: FormState, status: FormStatus = 200) {
  const signIns = await getMySignIns(c.var.ctx)
  return c.html(<MySignInsPage chrome={chrome(c)} signIns={signIns} form={form} linked={status === 200 && c.req.query('linked') === '1'} />, status)
}

ssoRoutes.get('/account/sign-ins', (c) => signInsPage(c, emptyForm()))

ssoRoutes.post('/account/sign-ins/:slug/link', async (c) => {
  const slug = c.req.param('slug')
  return submitForm(
    c,
    {},
    () => startSsoSignIn({ ctx: c.var.ctx, input: { slug, returnTo: '/account/sign-ins', link: true, redirectUri: redirectUriOf(c, slug) } }),
    (started) => {
      rememberState(c, started.state, started.expiresAt)
      return c.redirect(started.redirectTo, 303)
    },
    (failure) => signInsPage(c, failure.state, failure.status),
  )
})

ssoRoutes.post('/account/sign-ins/:id/unlink', async (c) => {
  const identityId = idParam(c, 'id', 'That sign-in')
  return submitForm(
    c,
    {},
    () => unlinkIdentity({ ctx: c.var.ctx, input: { identityId } }),
    () => c.redirect('/account/sign-ins', 303),
    (failure) => signInsPage(c, failure.state, failure.status),
  )
})
