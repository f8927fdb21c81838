// Single sign-on: OpenID Connect providers (openid-client) and GitHub / Google (arctic), people's
// linked identities, organisations bound to an email domain or a provider claim, and the sign-in
// policy (passwords off, staff through SSO) that auth reads. Imports auth (sessions) and audit.
export { addOrganisationBinding } from './add-organisation-binding'
export { deleteSsoProvider } from './delete-sso-provider'
export { SsoSignInRefused } from './errors'
export { finishSsoSignIn, NO_PASSWORD, type FinishedSso } from './finish-sso-sign-in'
export {
  getMySignIns,
  getSignInOptions,
  getSsoAdminView,
  getSsoProvider,
  type LinkedSignIn,
  type MySignIns,
  type OrganisationBindingView,
  type SignInButton,
  type SignInOptions,
  type SsoAdminView,
  type SsoProviderView,
} from './queries'
export { removeOrganisationBinding } from './remove-organisation-binding'
export { saveSignInPolicy } from './save-sign-in-policy'
export { saveSsoProvider } from './save-sso-provider'
export { SSO_ATTEMPT_LIFETIME_MS, startSsoSignIn } from './start-sso-sign-in'
export { unlinkIdentity } from './unlink-identity'
export { isAcceptableIssuer } from './schemas'
