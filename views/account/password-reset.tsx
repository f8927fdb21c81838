import { CsrfField, FormMessage, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'

export function ForgotPasswordPage({ chrome, form }: { chrome: Chrome; form: FormState }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Forgot your password?', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="forgot-heading">
        <hgroup>
          <h1 id="forgot-heading">Forgot your password?</h1>
          <p>Enter the address of your account and we will mail you a link to choose a new password.</p>
        </hgroup>
        <form method="post" action="/password/forgot">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={form} />
          <TextField form={form} name="email" type="email" label="Email" required autocomplete="username" autofocus />
          <button type="submit">Send me a link</button>
        </form>
        <p>
          Remembered it? <a href="/login">Sign in</a>.
        </p>
      </section>
    </Layout>
  )
}

/** The one answer to every well-formed request, whether or not the address has an account. */
export function ForgotPasswordSentPage({ chrome }: { chrome: Chrome }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Check your mail', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="sent-heading">
        <h1 id="sent-heading">Check your mail</h1>
        <p class="notice" role="status">
          If an account exists for that address, we sent a link to it. The link works once, for one hour.
        </p>
        <p>Nothing arrived after a few minutes? Look in your spam folder, or <a href="/password/forgot">try again</a>.</p>
      </section>
    </Layout>
  )
}

export function ResetPasswordPage({ chrome, form, token, email }: { chrome: Chrome; form: FormState; token: string; email: string }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Choose a new password', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="reset-heading">
        <hgroup>
          <h1 id="reset-heading">Choose a new password</h1>
          <p>For {email}. Saving it signs you out on every other device.</p>
        </hgroup>
        <form method="post" action={`/password/reset/${token}`}>
          <CsrfField token={chrome.csrfToken} />
          {/* For password managers: which account the new password belongs to. */}
          <input type="hidden" name="username" value={email} autocomplete="username" />
          <FormMessage form={form} />
          <TextField
            form={form}
            name="password"
            type="password"
            label="New password"
            required
            autocomplete="new-password"
            minlength={10}
            autofocus
            hint="At least 10 characters. A passphrase is easiest."
          />
          <button type="submit">Save the new password</button>
        </form>
      </section>
    </Layout>
  )
}
