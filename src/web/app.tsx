import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import type { Ctx } from '../ctx'
import { csrfProtection } from './csrf'
import { handleError, handleNotFound } from './errors'
import { adminRoutes } from './routes/admin'
import { assetRoutes } from './routes/assets'
import { authRoutes } from './routes/auth'
import { forumRoutes } from './routes/forum'
import { seoRoutes } from './routes/seo'
import { loadSession } from './session'
import type { AppDeps, AppEnv } from './types'

// Forms carry Markdown up to 20,000 characters; 256 KiB leaves room for UTF-8 and encoding.
const MAX_BODY_BYTES = 256 * 1024

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.use(async function provideDeps(c, next) {
    c.set('deps', deps)
    await next()
  })
  app.use(requestId())
  app.use(async function logRequest(c, next) {
    const started = performance.now()
    await next()
    deps.logger.info(
      { requestId: c.var.requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    )
  })
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
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: 'That post is too large to accept. Shorten it and try again.' })
      },
    }),
  )
  app.use(loadSession())
  app.use(csrfProtection())
  app.use(async function provideCtx(c, next) {
    const ctx: Ctx = { actor: c.var.actor, db: deps.database.db, now: () => deps.clock.now(), requestId: c.var.requestId }
    c.set('ctx', ctx)
    await next()
    // Pages embed the visitor's CSRF token, so no shared cache may keep them.
    if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'private, no-cache')
  })

  app.route('/', seoRoutes)
  app.route('/', authRoutes)
  app.route('/admin', adminRoutes)
  app.route('/', forumRoutes)

  app.notFound(handleNotFound)
  app.onError(handleError)
  return app
}
