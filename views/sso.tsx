import type { MySignIns, SignInButton } from '../src/sso'
import { CsrfField, FormMessage, RelativeTime, type FormState } from './components'
import { Layout, type Chrome } from './layout'

/** "Sign in with …" links for the sign-in and sign-up pages; each starts the provider's flow. */
export function SsoButtons({ providers, next, verb = 'Sign in' }: { providers: SignInButton[]; next: string; verb?: string }) {
  if (providers.length === 0) return null
  return (
    <div class="sso-buttons" role="group" aria-label={`${verb} with another account`}>
      {providers.map((provider) => (
        <a role="button" class="outline" href={`/auth/sso/${provider.slug}/start?next=${encodeURIComponent(next)}`} data-provider={provider.slug}>
          {verb} with {provider.name}
        </a>
      ))}
    </div>
  )
}

/** /account/sign-ins: the providers linked to this account, and those that could be. */
export function MySignInsPage({ chrome, signIns, form, linked }: { chrome: Chrome; signIns: MySignIns; form: FormState; linked?: boolean }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Sign-in · Account', noindex: true }}>
      <section class="narrow" aria-labelledby="sign-ins-heading">
        <p>
          <a href="/account">← Account</a>
        </p>
        <h1 id="sign-ins-heading">Ways to sign in</h1>
        {linked && (
          <p class="notice" role="status">
            Linked. You can now sign in with it.
          </p>
        )}
        <FormMessage form={form} />
        {signIns.linked.length === 0 ? (
          <p class="empty">No other accounts are linked: you sign in with your password.</p>
        ) : (
          <ul class="linked-sign-ins">
            {signIns.linked.map((entry) => (
              <li id={`identity-${entry.id}`}>
                <strong>{entry.providerName}</strong>
                {entry.email && <> ({entry.email})</>}
                {entry.lastSignedInAt && (
                  <>
                    {' '}
                    · last used <RelativeTime at={entry.lastSignedInAt} now={chrome.now} />
                  </>
                )}
                <form method="post" action={`/account/sign-ins/${entry.id}/unlink`} class="inline">
                  <CsrfField token={chrome.csrfToken} />
                  <button type="submit" class="small outline secondary">
                    Unlink
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
        {signIns.available.length > 0 && (
          <>
            <h2>Link another account</h2>
            {signIns.available.map((provider) => (
              <form method="post" action={`/account/sign-ins/${provider.slug}/link`}>
                <CsrfField token={chrome.csrfToken} />
                <button type="submit" class="outline">
                  Link {provider.name}
                </button>
              </form>
            ))}
          </>
        )}
      </section>
    </Layout>
  )
}
