import { z } from 'zod'
import { SSO_PROVIDER_KINDS } from '../db/schema'
import { flag, id, optionalText, text } from '../validation'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** An OpenID issuer: https, or http only on this machine (a provider run beside the forum, or in tests). */
export function isAcceptableIssuer(value: string): boolean {
  try {
    const url = new URL(value)
    if (url.search || url.hash || url.username || url.password) return false
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
  } catch {
    return false
  }
}

const IssuerUrl = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().replace(/\/+$/, '') : value),
  z
    .string({ error: 'Issuer URL is required.' })
    .min(1, { error: 'Issuer URL is required.' })
    .max(500, { error: 'Issuer URL must be at most 500 characters.' })
    .refine(isAcceptableIssuer, { error: 'Enter the issuer as an https:// URL (e.g. https://login.acme.example), without a query.' }),
)

const Slug = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z
    .string({ error: 'Short name is required.' })
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'Use 1 to 40 lower-case letters, digits and hyphens (it appears in the sign-in address).' }),
)

const ClaimName = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() : value),
  z.union([z.literal(''), z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:/-]{0,99}$/, { error: 'A claim name is letters, digits and _ . : / - (e.g. org or groups).' })]),
)

/** The admin's provider form. The secret may be left empty on an edit to keep the stored one. */
export const SsoProviderInput = z
  .object({
    providerId: z.preprocess((value) => (value === '' || value === undefined ? undefined : value), id('provider').optional()),
    kind: z.enum(SSO_PROVIDER_KINDS, { error: 'Choose OpenID Connect, GitHub or Google.' }),
    name: text('Button name', { min: 2, max: 60, singleLine: true }),
    slug: z.preprocess((value) => (value === '' ? undefined : value), Slug.optional()),
    issuerUrl: z.preprocess((value) => (value === '' ? undefined : value), IssuerUrl.optional()),
    clientId: text('Client ID', { min: 1, max: 300, singleLine: true }),
    clientSecret: optionalText('Client secret', { max: 500, singleLine: true }),
    enabled: flag,
    organisationClaim: ClaimName.default(''),
  })
  .superRefine((value, ctx) => {
    if (value.kind === 'oidc' && !value.issuerUrl) ctx.addIssue({ code: 'custom', path: ['issuerUrl'], message: 'Issuer URL is required for OpenID Connect.' })
    if (value.kind === 'oidc' && !value.slug) ctx.addIssue({ code: 'custom', path: ['slug'], message: 'Short name is required.' })
    if (!value.providerId && !value.clientSecret) ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'Client secret is required.' })
  })
export type SsoProviderInput = z.input<typeof SsoProviderInput>

export const ProviderRef = z.object({ providerId: id('provider') })
export type ProviderRef = z.input<typeof ProviderRef>

const Domain = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase().replace(/^@/, '') : value),
  z.string().regex(/^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { error: 'Enter a domain like acme.example (without the @).' }),
)

/** Binds an organisation to an email domain, or to a value of a provider's organisation claim. */
export const OrganisationBindingInput = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('email_domain'), organisationId: id('organisation'), value: Domain }),
    z.object({
      kind: z.literal('claim'),
      organisationId: id('organisation'),
      providerId: id('provider'),
      value: text('Claim value', { min: 1, max: 200, singleLine: true }),
    }),
  ],
  { error: 'Choose an email domain or a provider claim.' },
)
export type OrganisationBindingInput = z.input<typeof OrganisationBindingInput>

export const BindingRef = z.object({ bindingId: id('binding') })
export type BindingRef = z.input<typeof BindingRef>

export const SignInPolicyInput = z.object({ passwordSignIn: flag, staffRequireSso: flag })
export type SignInPolicyInput = z.input<typeof SignInPolicyInput>

export const StartSsoInput = z.object({
  slug: z.string().max(60),
  /** A local path to return to (the route has already made it safe). */
  returnTo: z.string().max(2000).default('/'),
  /** Link this provider to the signed-in person instead of signing in. */
  link: z.boolean().default(false),
  /** Where the provider sends the browser back: <PUBLIC_URL>/auth/sso/<slug>/callback. */
  redirectUri: z.string().url(),
})
export type StartSsoInput = z.input<typeof StartSsoInput>

export const FinishSsoInput = z.object({
  slug: z.string().max(60),
  /** The callback as the browser requested it, rebuilt on PUBLIC_URL (query included). */
  callbackUrl: z.string().url(),
  redirectUri: z.string().url(),
  /** The state this browser was given at the start (its cookie); must equal the callback's. */
  browserState: z.string().max(200).optional(),
})
export type FinishSsoInput = z.input<typeof FinishSsoInput>

export const IdentityRef = z.object({ identityId: id('sign-in') })
export type IdentityRef = z.input<typeof IdentityRef>
