import { CsrfField, FormMessage, TextField, type FormState } from './components'
import { FormGuardFields, type FormGuard } from './safety/form-guard'
import { Layout, type Chrome } from './layout'
import type { SignInOptions } from '../src/sso'
import { SsoButtons } from './sso'

export function SignInPage({ chrome, form, next, sso }: { chrome: Chrome; form: FormState; next: string; sso?: SignInOptions }) {
  const passwords = sso?.passwordSignIn ?? true
  return (
    <Layout chrome={chrome} meta={{ title: 'Sign in', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="signin-heading">
        <h1 id="signin-heading">Sign in</h1>
        {!passwords && <FormMessage form={form} />}
        <SsoButtons providers={sso?.providers ?? []} next={next} />
        {passwords && (
          <form method="post" action={`/login?next=${encodeURIComponent(next)}`}>
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={form} />
            <TextField form={form} name="email" type="email" label="Email" required autocomplete="username" autofocus />
            <TextField form={form} name="password" type="password" label="Password" required autocomplete="current-password" />
            <button type="submit">Sign in</button>
          </form>
        )}
        {passwords && (
          <p>
            <a href="/password/forgot">Forgot your password?</a> · <a href="/login/link">Mail me a sign-in link</a>
          </p>
        )}
        {passwords && (
          <p>
            New here? <a href={`/signup?next=${encodeURIComponent(next)}`}>Create an account</a>.
          </p>
        )}
      </section>
    </Layout>
  )
}

export function SignUpPage({ chrome, form, next, sso, guard }: { chrome: Chrome; form: FormState; next: string; sso?: SignInOptions; guard?: FormGuard | null }) {
  const passwords = sso?.passwordSignIn ?? true
  return (
    <Layout chrome={chrome} meta={{ title: 'Sign up', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="signup-heading">
        <h1 id="signup-heading">Create an account</h1>
        <SsoButtons providers={sso?.providers ?? []} next={next} verb="Sign up" />
        {!passwords && <p>Accounts here are made by signing up with one of the above: your account is created the first time you sign in.</p>}
        <form method="post" action={`/signup?next=${encodeURIComponent(next)}`} hidden={!passwords}>
          <CsrfField token={chrome.csrfToken} />
          <FormGuardFields guard={guard} />
          <FormMessage form={form} />
          <TextField form={form} name="email" type="email" label="Email" required autocomplete="email" autofocus hint="Never shown publicly." />
          <TextField form={form} name="displayName" label="Display name" required autocomplete="nickname" maxlength={50} hint="Shown next to your posts." />
          <TextField
            form={form}
            name="password"
            type="password"
            label="Password"
            required
            autocomplete="new-password"
            minlength={10}
            hint="At least 10 characters. A passphrase is easiest."
          />
          <button type="submit">Create account</button>
        </form>
        <p>
          Already have an account? <a href={`/login?next=${encodeURIComponent(next)}`}>Sign in</a>.
        </p>
      </section>
    </Layout>
  )
}

export function SetupPage({ chrome, form, token }: { chrome: Chrome; form: FormState; token: string }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Create the admin account', noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="setup-heading">
        <hgroup>
          <h1 id="setup-heading">Create the admin account</h1>
          <p>This one-time link stops working once the admin exists.</p>
        </hgroup>
        <form method="post" action={`/setup/${token}`}>
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={form} />
          <TextField form={form} name="email" type="email" label="Email" required autocomplete="email" autofocus />
          <TextField form={form} name="displayName" label="Display name" required maxlength={50} />
          <TextField form={form} name="password" type="password" label="Password" required autocomplete="new-password" minlength={10} hint="At least 10 characters." />
          <button type="submit">Create admin account</button>
        </form>
      </section>
    </Layout>
  )
}
