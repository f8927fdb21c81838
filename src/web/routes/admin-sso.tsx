import { Hono, type Context } from 'hono'
import { SsoAdminPage, SsoProviderPage } from '../../../views/admin/sso'
import { emptyForm, type FormState } from '../../../views/components'
import { listOrganisationChoices } from '../../auth'
import type { SsoProviderKind } from '../../db/schema'
import { addOrganisationBinding, deleteSsoProvider, getSsoAdminView, getSsoProvider, removeOrganisationBinding, saveSignInPolicy, saveSsoProvider } from '../../sso'
import { chrome } from '../chrome'
import { readForm, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import type { AppEnv } from '../types'

const providerInput = (values: Record<string, string>) => ({
  name: values.name,
  slug: values.slug,
  issuerUrl: values.issuerUrl,
  clientId: values.clientId,
  clientSecret: values.clientSecret,
  enabled: values.enabled,
  organisationClaim: values.organisationClaim,
})

// /admin/sso: providers, the sign-in policy and organisation bindings (admins only; the verbs check).

export const adminSsoRoutes = new Hono<AppEnv>()

async function ssoPage(c: Context<AppEnv>, forms: { policy?: FormState; binding?: FormState } = {}, status: FormStatus = 200) {
  const [view, organisations] = await Promise.all([getSsoAdminView(c.var.ctx), listOrganisationChoices(c.var.ctx)])
  const policyForm =
    forms.policy ?? emptyForm({ passwordSignIn: view.policy.passwordSignIn ? '1' : '0', staffRequireSso: view.policy.staffRequireSso ? '1' : '0' })
  const bindingForm = forms.binding ?? emptyForm({ kind: 'email_domain' })
  return c.html(
    <SsoAdminPage chrome={chrome(c)} view={view} organisations={organisations} policyForm={policyForm} bindingForm={bindingForm} saved={status === 200 && c.req.query('saved') === '1'} />,
    status,
  )
}

adminSsoRoutes.get('/sso', (c) => ssoPage(c))

adminSsoRoutes.post('/sso/policy', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => saveSignInPolicy({ ctx: c.var.ctx, input: { passwordSignIn: values.passwordSignIn, staffRequireSso: values.staffRequireSso, currentSessionToken: c.var.sessionToken } }),
    () => c.redirect('/admin/sso?saved=1', 303),
    (failure) => ssoPage(c, { policy: failure.state }, failure.status),
  )
})

adminSsoRoutes.post('/sso/bindings', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () =>
      addOrganisationBinding({
        ctx: c.var.ctx,
        input: values.kind === 'claim' ? { kind: 'claim', organisationId: values.organisationId, providerId: values.providerId, value: values.value } : { kind: values.kind as 'email_domain', organisationId: values.organisationId, value: values.value },
      }),
    () => c.redirect('/admin/sso?saved=1#bindings', 303),
    (failure) => ssoPage(c, { binding: failure.state }, failure.status),
  )
})

adminSsoRoutes.post('/sso/bindings/:id/delete', async (c) => {
  await removeOrganisationBinding({ ctx: c.var.ctx, input: { bindingId: idParam(c, 'id', 'That binding') } })
  return c.redirect('/admin/sso?saved=1#bindings', 303)
})

const KINDS: readonly SsoProviderKind[] = ['oidc', 'github', 'google']
const kindOf = (value: string | undefined): SsoProviderKind => (KINDS.includes(value as SsoProviderKind) ? (value as SsoProviderKind) : 'oidc')

adminSsoRoutes.get('/sso/providers/new', async (c) => {
  await getSsoAdminView(c.var.ctx) // the admin check, before showing a form
  const kind = kindOf(c.req.query('kind'))
  const name = kind === 'github' ? 'GitHub' : kind === 'google' ? 'Google' : ''
  return c.html(<SsoProviderPage chrome={chrome(c)} kind={kind} provider={null} form={emptyForm({ name, enabled: '1' })} callbackBase={c.var.deps.env.publicUrl} />)
})

adminSsoRoutes.post('/sso/providers/new', async (c) => {
  const values = await readForm(c)
  const kind = kindOf(values.kind)
  return submitForm(
    c,
    values,
    () => saveSsoProvider({ ctx: c.var.ctx, input: { ...providerInput(values), kind } }),
    () => c.redirect('/admin/sso?saved=1', 303),
    (failure) =>
      c.html(<SsoProviderPage chrome={chrome(c)} kind={kind} provider={null} form={{ ...failure.state, values: { ...failure.state.values, clientSecret: '' } }} callbackBase={c.var.deps.env.publicUrl} />, failure.status),
  )
})

async function providerPage(c: Context<AppEnv>, providerId: number, form: FormState | null, status: FormStatus = 200) {
  const provider = await getSsoProvider(c.var.ctx, providerId)
  const state =
    form ??
    emptyForm({
      name: provider.name,
      slug: provider.slug,
      issuerUrl: provider.issuerUrl ?? '',
      clientId: provider.clientId,
      organisationClaim: provider.organisationClaim ?? '',
      enabled: provider.enabled ? '1' : '0',
    })
  // A secret typed into a refused form is not sent back into the page.
  return c.html(<SsoProviderPage chrome={chrome(c)} kind={provider.kind} provider={provider} form={{ ...state, values: { ...state.values, clientSecret: '' } }} callbackBase={c.var.deps.env.publicUrl} />, status)
}

adminSsoRoutes.get('/sso/providers/:id', (c) => providerPage(c, idParam(c, 'id', 'That sign-in provider'), null))

adminSsoRoutes.post('/sso/providers/:id', async (c) => {
  const providerId = idParam(c, 'id', 'That sign-in provider')
  const values = await readForm(c)
  const current = await getSsoProvider(c.var.ctx, providerId)
  return submitForm(
    c,
    values,
    () => saveSsoProvider({ ctx: c.var.ctx, input: { ...providerInput(values), providerId, kind: current.kind } }),
    () => c.redirect('/admin/sso?saved=1', 303),
    (failure) => providerPage(c, providerId, failure.state, failure.status),
  )
})

adminSsoRoutes.post('/sso/providers/:id/delete', async (c) => {
  const providerId = idParam(c, 'id', 'That sign-in provider')
  return submitForm(
    c,
    {},
    () => deleteSsoProvider({ ctx: c.var.ctx, input: { providerId } }),
    () => c.redirect('/admin/sso?saved=1', 303),
    (failure) => providerPage(c, providerId, failure.state, failure.status),
  )
})
