import type { OrganisationBindingView, SsoAdminView, SsoProviderView } from '../../src/sso'
import { Checkbox, CsrfField, FormMessage, Select, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'
import { AdminNav } from './admin'

const KIND_LABEL: Record<SsoProviderView['kind'], string> = { oidc: 'OpenID Connect', github: 'GitHub', google: 'Google' }

function PolicyForm({ chrome, view, form }: { chrome: Chrome; view: SsoAdminView; form: FormState }) {
  return (
    <form method="post" action="/admin/sso/policy" aria-labelledby="policy-heading" id="sign-in-policy">
      <h2 id="policy-heading">Sign-in policy</h2>
      <CsrfField token={chrome.csrfToken} />
      <FormMessage form={form} />
      <Checkbox form={form} name="passwordSignIn" label="People may sign in and sign up with a password" />
      <Checkbox
        form={form}
        name="staffRequireSso"
        label="Support, engineers and admins must sign in through a provider"
        hint="Turning this on ends staff sessions that began with a password (except yours)."
      />
      {view.policy.overridden ? (
        <p class="notice">ALLOW_PASSWORD_SIGN_IN is set on this server: passwords work whatever these say, until it is removed.</p>
      ) : (
        !view.viewerHasLinkedSignIn && (
          <p class="notice">
            Link an enabled provider to your own account (<a href="/account/sign-ins">Account → Sign-in</a>) before limiting passwords, so you keep a way in.
            If everyone is ever locked out, start the server with ALLOW_PASSWORD_SIGN_IN=1.
          </p>
        )
      )}
      <button type="submit">Save the policy</button>
    </form>
  )
}

function ProvidersTable({ providers }: { providers: SsoProviderView[] }) {
  if (providers.length === 0) return <p class="empty">No providers yet: people sign in with a password.</p>
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label="Sign-in providers (scrolls sideways)">
      <table class="striped">
        <thead>
          <tr>
            <th scope="col">Button</th>
            <th scope="col">Kind</th>
            <th scope="col">Issuer</th>
            <th scope="col">State</th>
            <th scope="col">Linked people</th>
          </tr>
        </thead>
        <tbody>
          {providers.map((provider) => (
            <tr id={`provider-${provider.id}`}>
              <td>
                <a href={`/admin/sso/providers/${provider.id}`}>{provider.name}</a>
              </td>
              <td>{KIND_LABEL[provider.kind]}</td>
              <td>{provider.issuerUrl ? <code>{provider.issuerUrl}</code> : '—'}</td>
              <td>{provider.enabled ? 'Enabled' : 'Disabled'}</td>
              <td>{provider.linkedPeople}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function BindingsSection(props: {
  chrome: Chrome
  bindings: OrganisationBindingView[]
  organisations: { id: number; name: string }[]
  providers: SsoProviderView[]
  form: FormState
}) {
  const claimProviders = props.providers.filter((provider) => provider.organisationClaim)
  return (
    <section aria-labelledby="bindings-heading" id="bindings">
      <h2 id="bindings-heading">Organisations</h2>
      <p>
        People signing in through a provider land in an organisation (and get its plan) when their verified email is at a bound domain, or the
        provider's organisation claim holds a bound value. People already in an organisation stay where they are.
      </p>
      {props.bindings.length === 0 ? (
        <p class="empty">No bindings yet.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Organisation bindings (scrolls sideways)">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.bindings.map((binding) => (
                <tr id={`binding-${binding.id}`}>
                  <td>
                    <a href={`/admin/organisations/${binding.organisationId}`}>{binding.organisationName}</a>
                  </td>
                  <td>
                    {binding.kind === 'email_domain' ? (
                      <>
                        email at <code>@{binding.value}</code>
                      </>
                    ) : (
                      <>
                        {binding.providerName}'s claim is <code>{binding.value}</code>
                      </>
                    )}
                  </td>
                  <td>
                    <form method="post" action={`/admin/sso/bindings/${binding.id}/delete`}>
                      <CsrfField token={props.chrome.csrfToken} />
                      <button type="submit" class="small outline secondary">
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action="/admin/sso/bindings" aria-labelledby="add-binding-heading">
        <h3 id="add-binding-heading">Bind an organisation</h3>
        <CsrfField token={props.chrome.csrfToken} />
        <FormMessage form={props.form} />
        <Select form={props.form} name="organisationId" label="Organisation" placeholder="Choose…" options={props.organisations.map((o) => ({ value: String(o.id), label: o.name }))} />
        <Select
          form={props.form}
          name="kind"
          label="When"
          options={[
            { value: 'email_domain', label: 'their verified email is at this domain' },
            { value: 'claim', label: "the provider's organisation claim has this value" },
          ]}
        />
        <Select
          form={props.form}
          name="providerId"
          label="Provider (for a claim)"
          placeholder="—"
          options={claimProviders.map((provider) => ({ value: String(provider.id), label: `${provider.name} (claim ${provider.organisationClaim})` }))}
        />
        <TextField form={props.form} name="value" label="Domain or claim value" required maxlength={253} placeholder="acme.example" />
        <button type="submit">Bind</button>
      </form>
    </section>
  )
}

export function SsoAdminPage(props: {
  chrome: Chrome
  view: SsoAdminView
  organisations: { id: number; name: string }[]
  policyForm: FormState
  bindingForm: FormState
  saved?: boolean
}) {
  const hasGithub = props.view.providers.some((provider) => provider.kind === 'github')
  const hasGoogle = props.view.providers.some((provider) => provider.kind === 'google')
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Sign-in · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="sso" />
      {props.saved && (
        <p class="notice" role="status">
          Saved.
        </p>
      )}
      <section aria-labelledby="providers-heading">
        <h2 id="providers-heading">Sign-in providers</h2>
        <ProvidersTable providers={props.view.providers} />
        <p>
          <a href="/admin/sso/providers/new?kind=oidc">Add an OpenID Connect provider</a>
          {!hasGithub && (
            <>
              {' · '}
              <a href="/admin/sso/providers/new?kind=github">Add GitHub</a>
            </>
          )}
          {!hasGoogle && (
            <>
              {' · '}
              <a href="/admin/sso/providers/new?kind=google">Add Google</a>
            </>
          )}
        </p>
      </section>
      <PolicyForm chrome={props.chrome} view={props.view} form={props.policyForm} />
      <BindingsSection chrome={props.chrome} bindings={props.view.bindings} organisations={props.organisations} providers={props.view.providers} form={props.bindingForm} />
    </Layout>
  )
}

export function SsoProviderPage(props: { chrome: Chrome; kind: SsoProviderView['kind']; provider: SsoProviderView | null; form: FormState; callbackBase: string }) {
  const { kind, provider, form } = props
  const slug = kind === 'oidc' ? form.values.slug || provider?.slug || '<short name>' : kind
  const action = provider ? `/admin/sso/providers/${provider.id}` : `/admin/sso/providers/new?kind=${kind}`
  return (
    <Layout chrome={props.chrome} meta={{ title: `${provider ? provider.name : `New ${KIND_LABEL[kind]} provider`} · Sign-in · Admin`, noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="sso" />
      <p>
        <a href="/admin/sso">← Sign-in</a>
      </p>
      <h2>{provider ? provider.name : `Add ${KIND_LABEL[kind]}`}</h2>
      <p>
        Register this callback address with the provider: <code id="callback-url">{`${props.callbackBase}/auth/sso/${slug}/callback`}</code>
      </p>
      <form method="post" action={action}>
        <CsrfField token={props.chrome.csrfToken} />
        <FormMessage form={form} />
        <input type="hidden" name="kind" value={kind} />
        <TextField form={form} name="name" label="Button name" required maxlength={60} hint={`The button reads "Sign in with …".`} />
        {kind === 'oidc' && (
          <>
            <TextField form={form} name="slug" label="Short name" required maxlength={40} hint="Lower-case letters, digits and hyphens; part of the callback address." />
            <TextField
              form={form}
              name="issuerUrl"
              label="Issuer URL"
              type="url"
              required
              maxlength={500}
              hint="e.g. https://login.acme.example; its /.well-known/openid-configuration is read when you save."
            />
          </>
        )}
        <TextField form={form} name="clientId" label="Client ID" required maxlength={300} />
        <TextField
          form={form}
          name="clientSecret"
          label="Client secret"
          type="password"
          maxlength={500}
          autocomplete="off"
          hint={provider?.hasSecret ? 'A secret is stored and never shown. Leave empty to keep it.' : 'Stored on the server and never shown again.'}
        />
        {kind === 'oidc' && (
          <TextField form={form} name="organisationClaim" label="Organisation claim (optional)" maxlength={100} hint="A claim naming the person's organisation, e.g. org or groups." />
        )}
        <Checkbox form={form} name="enabled" label="Enabled (shown on the sign-in page)" />
        <button type="submit">{provider ? 'Save' : 'Add provider'}</button>
      </form>
      {provider && (
        <form method="post" action={`/admin/sso/providers/${provider.id}/delete`}>
          <CsrfField token={props.chrome.csrfToken} />
          <p>
            Deleting it removes {provider.linkedPeople} linked sign-in{provider.linkedPeople === 1 ? '' : 's'}; those people can still use a password if they have one.
          </p>
          <button type="submit" class="outline secondary">
            Delete this provider
          </button>
        </form>
      )}
    </Layout>
  )
}
