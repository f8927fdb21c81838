import { z } from 'zod'

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('./data'),
  SITE_NAME: z.string().min(1).default('Community'),
  TRUST_PROXY: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MEILI_URL: z.string().url().optional(),
  MEILI_API_KEY: z.string().optional(),
  MEILI_INDEX: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).default('threads'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  OUTBOX_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, { error: 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465.' })
    .optional(),
  MAIL_FROM: z.string().min(3).optional(),
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WRITE_RATE_LIMITS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default('true')
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  FORM_BOT_CHECKS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default('true')
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  INBOUND_MAIL_SECRET: z.string().min(16, { error: 'INBOUND_MAIL_SECRET must be at least 16 characters (a long random string).' }).optional(),
  ALLOW_PASSWORD_SIGN_IN: flag,
  SSO_ALLOW_PRIVATE_NETWORK: flag,
  METRICS_TOKEN: z.string().min(16, { error: 'METRICS_TOKEN must be at least 16 characters (a long random string).' }).optional(),
})

export interface Env {
  port: number
  host: string
  /** Origin used in canonical links, feeds, sitemaps and printed links; no trailing slash. */
  publicUrl: string
  databaseUrl: string | undefined
  databasePoolSize: number
  dataDir: string
  siteName: string
  /** Take the client address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  /** Meilisearch server; unset means PostgreSQL full-text search. */
  meiliUrl: string | undefined
  meiliApiKey: string | undefined
  meiliIndex: string
  /** How often the outbox worker looks for due work when nothing woke it. */
  outboxPollMs: number
  /** How long a worker's claim on an outbox row lasts: after a crash, another instance retries the row this much later. */
  outboxLeaseMs: number
  /** SMTP server for outgoing mail; unset means mail is kept in the database (/admin/mail). */
  smtpUrl: string | undefined
  /** The From of every mail, e.g. "Acme Community <community@acme.example>". */
  mailFrom: string
  /** Port of the SMTP listener for replies by mail (reply+<token>@ addresses); unset means no listener. */
  inboundSmtpPort: number | undefined
  /** Shared secret of POST /api/v1/inbound-mail (a provider's inbound webhook); unset means the endpoint is off (404). */
  inboundMailSecret: string | undefined
  /** Bearer token of GET /metrics; unset means /metrics answers loopback clients only. */
  metricsToken: string | undefined
  /** Per-account and per-address limits on posting, voting, flagging, editing and searching (on unless set to false). */
  writeRateLimits: boolean
  /** The honeypot field and minimum fill-in time of the sign-up and ask forms (on unless set to false). */
  formBotChecks: boolean
  /** Requests per minute per API token (or session user, or address for anonymous calls). */
  apiRateLimitPerMinute: number
  /** Passwords work whatever the sign-in policy at /admin/sso says: the way back in when SSO locks admins out. */
  allowPasswordSignIn: boolean
  /** OpenID providers may be on private, loopback or link-local addresses (off: the SSRF guard refuses them). */
  ssoAllowPrivateNetwork: boolean
}

/** Reads configuration from the environment; a wrong value stops start-up with a clear message. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // `FOO=` in a shell or compose file means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')
    throw new Error(`Invalid configuration:\n${problems}`)
  }
  const env = parsed.data
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL || undefined,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    dataDir: env.DATA_DIR,
    siteName: env.SITE_NAME,
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
    meiliUrl: env.MEILI_URL,
    meiliApiKey: env.MEILI_API_KEY,
    meiliIndex: env.MEILI_INDEX,
    outboxPollMs: env.OUTBOX_POLL_MS,
    outboxLeaseMs: env.OUTBOX_LEASE_MS,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM ?? `${env.SITE_NAME} <community@${new URL(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).hostname}>`,
    inboundSmtpPort: env.INBOUND_SMTP_PORT,
    inboundMailSecret: env.INBOUND_MAIL_SECRET,
    metricsToken: env.METRICS_TOKEN,
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    writeRateLimits: env.WRITE_RATE_LIMITS,
    formBotChecks: env.FORM_BOT_CHECKS,
    allowPasswordSignIn: env.ALLOW_PASSWORD_SIGN_IN,
    ssoAllowPrivateNetwork: env.SSO_ALLOW_PRIVATE_NETWORK,
  }
}
