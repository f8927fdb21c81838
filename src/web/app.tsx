import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import type { Ctx } from '../ctx'
import { mailSettingsOf } from '../mail'
import { createMetrics } from '../metrics'
import { createSearchIndex } from '../search/create-search-index'
import { clientIp } from './client-ip'
import { csrfProtection } from './csrf'
import { handleError, handleNotFound } from './errors'
import { accountRoutes } from './routes/account'
import { adminRoutes } from './routes/admin'
import { adminAuditRoutes } from './routes/admin-audit'
import { adminSsoRoutes } from './routes/admin-sso'
import { ssoRoutes } from './routes/sso'
import { assetRoutes } from './routes/assets'
import { authRoutes } from './routes/auth'
import { demoRoutes } from './routes/demo'
import { mailRoutes } from './routes/mail'
import { moderationRoutes } from './routes/moderation'
import { csatRoutes } from './routes/csat'
import { bugBashRoutes } from './routes/bug-bash'
import { metricsRoutes } from './routes/metrics'
import { forumRoutes, forumSessionCompanions } from './routes/forum'
import { staffSessionCompanion } from './staff-pages'
import { apiDocsRoutes, apiRoutes } from './routes/api'
import { inboundMailRoutes } from './routes/inbound-mail'
import { engineeringRoutes } from './routes/escalations'
import { notificationRoutes } from './routes/notifications'
import { queueRoutes } from './routes/queue'
import { scoreboardRoutes } from './routes/scoreboard'
import { icalRoutes, rotationRoutes } from './routes/rotations'
import { searchRoutes } from './routes/search'
import { seoRoutes } from './routes/seo'
import { AnonymousPageCache } from './page-cache'
import { refuseNul } from './refuse-nul'
import { requestMetrics } from './request-metrics'
import { explainEndedSession, loadSession } from './session'
import type { AppDeps, AppEnv } from './types'

// Forms carry Markdown up to 20,000 characters; 256 KiB leaves room for UTF-8 and encoding.
const MAX_BODY_BYTES = 256 * 1024

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const metrics = createMetrics({ db: deps.database.db, clock: deps.clock, onError: (error) => deps.logger.error({ err: error }, 'metrics: reading the gauges failed') })
  const search = metrics.instrumentSearch(deps.search ?? createSearchIndex(deps.env, deps.database.db))
  const withDefaults = { ...deps, pageCache: deps.pageCache ?? new AnonymousPageCache() }
  const mail = mailSettingsOf(deps.env)

  app.use(async function provideDeps(c, next) {
    c.set('deps', withDefaults)
    await next()
  })
  app.use(requestId())
  app.use(async function logRequest(c, next) {
    if (!deps.logger.isLevelEnabled('info')) return next()
    const started = performance.now()
    await next()
    deps.logger.info(
      { requestId: c.var.requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    )
  })
  app.use(requestMetrics({ metrics }))
  // Before sessions and the rest: a scrape reads no cookie and touches no session row.
  app.route('/', metricsRoutes(metrics))
  app.route('/static', assetRoutes)
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'https:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  )
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: 'That post is too large to accept. Shorten it and try again.' })
    },
  })
  // Reading the body stream on a GET would make the server build a full Request for nothing.
  // Inbound mail (attachments and all) has a limit of its own, in src/web/routes/inbound-mail.ts.
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.path === '/api/v1/inbound-mail' ? next() : limitBody(c, next)))
  // The forum's busiest pages and the kept staff pages read the session in their own statement (one round trip, not two).
  app.use(loadSession({ companions: [...forumSessionCompanions, staffSessionCompanion] }))
  app.use(csrfProtection())
  app.use(async function provideCtx(c, next) {
    const ctx: Ctx = {
      actor: c.var.actor,
      db: deps.database.db,
      now: () => deps.clock.now(),
      requestId: c.var.requestId,
      search,
      mail,
      clientIp: clientIp(c),
      writeLimits: deps.env.writeRateLimits,
      passwordSignInOverride: deps.env.allowPasswordSignIn,
      ssoPrivateNetwork: deps.env.ssoAllowPrivateNetwork,
    }
    c.set('ctx', ctx)
    await next()
    // A change may have written outbox rows: wake the worker instead of waiting for its poll.
    if (c.req.method !== 'GET' && c.res.status < 400) deps.outbox?.nudge()
    // Pages embed the visitor's CSRF token, so no shared cache may keep them. (Headers are set on
    // the finished response directly: c.header() here would make Hono rebuild it as a stream.)
    if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'private, no-cache')
  })
  // Before any route reads the URL, but after the context exists, so the refusal is a full page.
  app.use(refuseNul())
  app.use(explainEndedSession())

  // Only `npm run demo` passes demo mode; anywhere else /demo is an ordinary 404.
  if (deps.demo) app.route('/', demoRoutes)
  app.route('/', seoRoutes)
  app.route('/', authRoutes)
  app.route('/', accountRoutes)
  app.route('/admin', adminRoutes)
  app.route('/admin', adminAuditRoutes)
  app.route('/admin', adminSsoRoutes)
  app.route('/', ssoRoutes)
  app.route('/', searchRoutes)
  app.route('/queue', queueRoutes)
  app.route('/', scoreboardRoutes)
  app.route('/rotations', rotationRoutes)
  app.route('/ical', icalRoutes)
  app.route('/api/v1', apiRoutes)
  app.route('/api/docs', apiDocsRoutes)
  app.route('/api/v1', inboundMailRoutes)
  app.route('/', engineeringRoutes)
  app.route('/', notificationRoutes)
  app.route('/', mailRoutes)
  app.route('/', csatRoutes)
  app.route('/', bugBashRoutes)
  // Before the forum's, whose /t/:id/:slug would take /t/:id/flag for a slug.
  app.route('/', moderationRoutes)
  app.route('/', forumRoutes)

  app.notFound(handleNotFound)
  app.onError(handleError)
  return app
}
