import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, pgTable, serial, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core'
import { organisations, users } from './accounts'

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const SSO_PROVIDER_KINDS = ['oidc', 'github', 'google'] as const
export type SsoProviderKind = (typeof SSO_PROVIDER_KINDS)[number]

/** An identity provider people sign in with, configured by an admin at /admin/sso. */
export const ssoProviders = pgTable(
  'sso_providers',
  {
    id: serial('id').primaryKey(),
    kind: text('kind', { enum: SSO_PROVIDER_KINDS }).notNull(),
    /** URL segment of its sign-in and callback routes (/auth/sso/<slug>/start). */
    slug: text('slug').notNull().unique(),
    /** The button's words: "Sign in with <name>". */
    name: text('name').notNull(),
    /** OpenID Connect issuer (discovery at <issuer>/.well-known/openid-configuration); null for GitHub and Google. */
    issuerUrl: text('issuer_url'),
    clientId: text('client_id').notNull(),
    /** Never rendered back: the settings form only says whether one is set. */
    clientSecret: text('client_secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** OIDC claim whose value binds a person to an organisation (e.g. `org`, `groups`); null means none. */
    organisationClaim: text('organisation_claim'),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    updatedById: integer('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('sso_providers_kind_known', sql`${t.kind} in ('oidc', 'github', 'google')`)],
)

/** A person's account at a provider, linked to one of our users. */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerId: integer('provider_id')
      .notNull()
      .references(() => ssoProviders.id, { onDelete: 'cascade' }),
    /** The provider's stable id for the person (OIDC `sub`, GitHub's numeric id). */
    subject: text('subject').notNull(),
    email: text('email'),
    emailVerified: boolean('email_verified').notNull().default(false),
    createdAt: timestamptz('created_at').notNull(),
    lastSignedInAt: timestamptz('last_signed_in_at'),
  },
  (t) => [
    // serves: finding who signs in; one provider account belongs to one of our users
    unique('user_identities_provider_subject').on(t.providerId, t.subject),
    // serves: a person's linked sign-ins on /account and their admin page
    index('user_identities_user_idx').on(t.userId),
  ],
)

export const ORGANISATION_BINDING_KINDS = ['email_domain', 'claim'] as const
export type OrganisationBindingKind = (typeof ORGANISATION_BINDING_KINDS)[number]

/**
 * People signing in through SSO land in this organisation when their verified email is at
 * `value` (kind email_domain), or when the provider's organisation claim holds `value` (kind claim).
 */
export const organisationBindings = pgTable(
  'organisation_bindings',
  {
    id: serial('id').primaryKey(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ORGANISATION_BINDING_KINDS }).notNull(),
    /** The provider whose claim is read (kind claim); null for an email domain (any provider). */
    providerId: integer('provider_id').references(() => ssoProviders.id, { onDelete: 'cascade' }),
    /** A lower-cased domain (`acme.example`) or the claim's value. */
    value: text('value').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    check('organisation_bindings_kind_known', sql`${t.kind} in ('email_domain', 'claim')`),
    check('organisation_bindings_claim_has_provider', sql`(${t.kind} = 'claim') = (${t.providerId} is not null)`),
    // serves: the binding of a domain at sign-in; a domain belongs to one organisation
    uniqueIndex('organisation_bindings_domain_unique').on(t.value).where(sql`${t.kind} = 'email_domain'`),
    // serves: the binding of a claim value at sign-in
    uniqueIndex('organisation_bindings_claim_unique').on(t.providerId, t.value).where(sql`${t.kind} = 'claim'`),
    // serves: an organisation's bindings on its admin page
    index('organisation_bindings_organisation_idx').on(t.organisationId),
  ],
)

/** The sign-in policy: one row (id 1). */
export const signInSettings = pgTable(
  'sign_in_settings',
  {
    id: integer('id').primaryKey(),
    /** Off: nobody signs in or up with a password (ALLOW_PASSWORD_SIGN_IN=1 overrides, for a locked-out admin). */
    passwordSignInEnabled: boolean('password_sign_in_enabled').notNull().default(true),
    /** Support, engineers and admins must sign in through a provider. */
    staffRequireSso: boolean('staff_require_sso').notNull().default(false),
    updatedAt: timestamptz('updated_at').notNull(),
    updatedById: integer('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('sign_in_settings_single_row', sql`${t.id} = 1`)],
)

/**
 * A sign-in started at a provider and not yet come back: the PKCE verifier and nonce, kept on
 * the server under the SHA-256 of the `state` (the browser holds the state in a cookie too, so
 * a callback URL made for someone else's browser is refused). Used once, then deleted.
 */
export const ssoSignInAttempts = pgTable(
  'sso_sign_in_attempts',
  {
    stateHash: text('state_hash').primaryKey(),
    providerId: integer('provider_id')
      .notNull()
      .references(() => ssoProviders.id, { onDelete: 'cascade' }),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    /** Where to go afterwards (a local path). */
    returnTo: text('return_to').notNull().default('/'),
    /** Set when a signed-in person links this provider to their account from /account. */
    linkUserId: integer('link_user_id').references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  // serves: removing abandoned attempts
  (t) => [index('sso_sign_in_attempts_expires_idx').on(t.expiresAt)],
)

export type SsoProvider = typeof ssoProviders.$inferSelect
export type UserIdentity = typeof userIdentities.$inferSelect
export type OrganisationBinding = typeof organisationBindings.$inferSelect
export type SignInSettings = typeof signInSettings.$inferSelect
