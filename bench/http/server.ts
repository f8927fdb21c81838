import { serve, type ServerType } from '@hono/node-server'
import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { jsx } from 'hono/jsx'
import { pino } from 'pino'
import { systemClock } from '../../src/clock'
import { openDatabase } from '../../src/db/open'
import { users } from '../../src/db/schema'
import { loadEnv } from '../../src/env'
import { getThreadHeader, getThreadPage, REPLY_LIMITS, type ThreadPageData } from '../../src/forum'
import { chrome } from '../../src/web/chrome'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { ThreadPage } from '../../views/forum/thread'
import { emptyForm } from '../../views/components'

// The server the HTTP benchmark loads: the real app (every middleware, real routes) on the
// database named by the environment, plus bench-only routes registered on the same app, so
// they pass through the same middleware stack as real pages. Run by bench/http/run.ts.
//
// Environment: DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite under DATA_DIR/pglite), and
// the usual PORT, HOST, LOG_LEVEL. Prints one line `BENCH_READY {json}` when listening.

const env = loadEnv({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...process.env })
const logger = pino({ level: env.logLevel })
const database = await openDatabase(env)
const app = createApp({ database, env, logger, clock: systemClock, assets: loadAssets() })

// Hono dispatches routes and middleware in registration order and notFound is a fallback,
// not a route: routes added after createApp run behind every app.use() above them.
app.get('/bench/hello', (c) => c.text('hello'))

app.get('/bench/users/:id', async (c) => {
  const [user] = await database.db
    .select({ id: users.id, displayName: users.displayName, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, Number(c.req.param('id'))))
  return user ? c.json(user) : c.json({ error: 'not found' }, 404)
})

// Diagnostics: the thread page taken apart, to see where its time goes.

/** The thread page's database work exactly as showThread does it (header, then the page), no HTML. */
app.get('/bench/thread-data/:id', async (c) => {
  const threadId = Number(c.req.param('id'))
  await getThreadHeader(c.var.ctx, threadId)
  const data = await getThreadPage(c.var.ctx, threadId)
  return c.json({ id: data.thread.id, replies: data.replies.length })
})

/** The thread page's HTML from data loaded once: middleware and JSX, no database. */
const cachedPages = new Map<number, ThreadPageData>()
app.get('/bench/thread-render/:id', async (c) => {
  const threadId = Number(c.req.param('id'))
  let data = cachedPages.get(threadId)
  if (!data) {
    data = await getThreadPage(c.var.ctx, threadId)
    cachedPages.set(threadId, data)
  }
  // jsx() is what <ThreadPage ... /> compiles to; this file stays .ts like its siblings.
  return c.html(jsx(ThreadPage, { chrome: chrome(c), data, replyForm: emptyForm(), replyMaxLength: REPLY_LIMITS.max }).toString())
})

// A bare Hono app on a second port of the same process: hello without any middleware.
const bare = new Hono()
bare.get('/bench/hello', (c) => c.text('hello'))

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: env.host }, () => resolve(server))
  })
}
const portOf = (server: ServerType) => {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

// Counts requests in flight, so stopping can let them finish before the pool closes.
let inFlight = 0
const counted: typeof app.fetch = async (...args) => {
  inFlight++
  try {
    return await app.fetch(...args)
  } finally {
    inFlight--
  }
}

const appServer = await listen(counted, env.port)
const bareServer = await listen(bare.fetch, 0)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  for (const server of [appServer, bareServer]) {
    server.close()
    if ('closeIdleConnections' in server) server.closeIdleConnections()
  }
  // autocannon hangs up mid-request when its time is up; those handlers still run to the end.
  const deadline = Date.now() + 5_000
  while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  for (const server of [appServer, bareServer]) if ('closeAllConnections' in server) server.closeAllConnections()
  await database.close()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
// The parent holds our stdin; when it goes away, so do we.
process.stdin.on('end', () => void stop())
process.stdin.resume()

console.log(
  `BENCH_READY ${JSON.stringify({ port: portOf(appServer), barePort: portOf(bareServer), kind: database.kind, pid: process.pid })}`,
)
