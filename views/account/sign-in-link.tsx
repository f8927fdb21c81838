import { CsrfField, FormMessage, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'

/** "Email me a sign-in link": the owner's way in when password sign-in is paused for their account. */
export function SignInLinkRequestPage({ chrome, form, sent }: { chrome: Chrome; form: FormState; sent?: boolean }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Sign in by mail', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="link-heading">
        <h1 id="link-heading">Sign in with a link by mail</h1>
        {sent ? (
          <p role="status">
            If an account uses that address, a sign-in link is on its way. It works once, for 15 minutes. Check your spam folder if it does not arrive.
          </p>
        ) : (
          <form method="post" action="/login/link">
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={form} />
            <p>We mail you a link that signs you in without your password, even while too many wrong passwords have paused password sign-in.</p>
            <TextField form={form} name="email" type="email" label="Email" required autocomplete="email" autofocus />
            <button type="submit">Mail me a sign-in link</button>
          </form>
        )}
        <p>
          <a href="/login">Back to sign in</a>
        </p>
      </section>
    </Layout>
  )
}

/** The link's page: a button that POSTs, so a mail scanner fetching the link signs nobody in. */
export function SignInLinkConfirmPage({ chrome, token, form }: { chrome: Chrome; token: string; form: FormState }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Sign in', noindex: true }}>
      <section class="narrow auth-form">
        <h1>Sign in</h1>
        <form method="post" action={`/login/link/${encodeURIComponent(token)}`}>
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={form} />
          <button type="submit">Sign me in</button>
        </form>
      </section>
    </Layout>
  )
}
