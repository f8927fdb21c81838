import type { AccountPage as Account } from '../../src/auth/queries'
import { CsrfField, FormMessage, TextField, type FormState } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'

/** What the last action on the page did, said once at the top (from ?done=… after a redirect). */
export type AccountNotice = 'email-requested' | 'verification-sent' | 'password-changed' | 'password-reset'

const NOTICES: Record<AccountNotice, string> = {
  'email-requested': 'We mailed a confirmation link to your new address. Your address changes when you open it.',
  'verification-sent': 'We mailed you a new confirmation link. Older links no longer work.',
  'password-changed': 'Your password is changed. You were signed out on every other device.',
  'password-reset': 'Your new password is saved and you are signed in. Every other session of your account was signed out.',
}

export interface AccountForms {
  email: FormState
  password: FormState
  resend: FormState
}

export function AccountPageView({ chrome, account, forms, notice }: { chrome: Chrome; account: Account; forms: AccountForms; notice?: AccountNotice }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Your account', noindex: true }}>
      <section class="narrow" aria-labelledby="account-heading">
        <h1 id="account-heading">Your account</h1>
        {notice && (
          <p class="notice" role="status">
            {NOTICES[notice]}
          </p>
        )}
        <dl class="account-facts">
          <dt>Display name</dt>
          <dd>{account.displayName}</dd>
          <dt>Email</dt>
          <dd>
            <span class="account-email">{account.email}</span>{' '}
            {account.emailVerifiedAt ? (
              <span class="email-state" title={`Confirmed ${formatDateTime(account.emailVerifiedAt)}`}>
                (confirmed)
              </span>
            ) : (
              <span class="email-state">(unverified)</span>
            )}
          </dd>
        </dl>
        {account.emailVerifiedAt ? <FormMessage form={forms.resend} /> : <ResendVerification chrome={chrome} form={forms.resend} />}
      </section>

      <section class="narrow auth-form" aria-labelledby="change-email-heading">
        <h2 id="change-email-heading">Change your email address</h2>
        {account.pendingEmail && (
          <p class="notice pending-email" role="status">
            Waiting for confirmation: we sent a link to {account.pendingEmail.newEmail} (it works until{' '}
            {formatDateTime(account.pendingEmail.expiresAt)}). Asking again sends a new link and retires that one.
          </p>
        )}
        <form method="post" action="/account/email">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={forms.email} />
          <TextField form={forms.email} name="newEmail" type="email" label="New email address" required autocomplete="email" />
          <TextField
            form={forms.email}
            id="email-current-password"
            name="currentPassword"
            type="password"
            label="Your current password"
            required
            autocomplete="current-password"
          />
          <button type="submit">Send a confirmation link</button>
        </form>
      </section>

      <section class="narrow" aria-labelledby="sign-ins-link-heading">
        <h2 id="sign-ins-link-heading">Ways to sign in</h2>
        <p>
          <a href="/account/sign-ins">Link or unlink another account</a> (single sign-on, GitHub, Google) to sign in with.
        </p>
      </section>

      <section class="narrow auth-form" aria-labelledby="change-password-heading">
        <h2 id="change-password-heading">Change your password</h2>
        <form method="post" action="/account/password">
          <CsrfField token={chrome.csrfToken} />
          <input type="hidden" name="username" value={account.email} autocomplete="username" />
          <FormMessage form={forms.password} />
          <TextField
            form={forms.password}
            id="password-current-password"
            name="currentPassword"
            type="password"
            label="Current password"
            required
            autocomplete="current-password"
          />
          <TextField
            form={forms.password}
            name="newPassword"
            type="password"
            label="New password"
            required
            autocomplete="new-password"
            minlength={10}
            hint="At least 10 characters. Other devices are signed out."
          />
          <button type="submit">Change password</button>
        </form>
      </section>
    </Layout>
  )
}

function ResendVerification({ chrome, form }: { chrome: Chrome; form: FormState }) {
  return (
    <form method="post" action="/account/verify" class="resend-verification">
      <CsrfField token={chrome.csrfToken} />
      <FormMessage form={form} />
      <p>
        Your address is unverified: we mailed you a link when you signed up.{' '}
        <button type="submit" class="link-button">
          Resend the link
        </button>
      </p>
    </form>
  )
}
