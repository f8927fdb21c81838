import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { pino } from 'pino'
import postgres from 'postgres'
import { systemClock } from '../../src/clock'
import { openDatabase } from '../../src/db/open'
import { loadEnv } from '../../src/env'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'

// The server the pages benchmark loads: the real app on the database named by the environment
// (DATABASE_URL, or DATA_DIR for PGlite), and on a second port of the same process the reference
// every page is divided by: a bare Hono app whose one route selects a user by primary key through
// postgres.js (no middleware, no ORM). With PGlite there is no server to reach, so the reference
// is the bare app's text route. Prints `BENCH_READY {json}` when listening. Run by run.ts.

const env = loadEnv({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...process.env })
const logger = pino({ level: env.logLevel })
const database = await openDatabase(env)
const app = createApp({ database, env, logger, clock: systemClock, assets: loadAssets() })

const reference = new Hono()
const referenceSql = env.databaseUrl ? postgres(env.databaseUrl, { max: env.databasePoolSize ?? 10, onnotice: () => {} }) : null
reference.get('/bench/users/:id', async (c) => {
  if (!referenceSql) return c.json({ id: Number(c.req.param('id')) })
  const [user] = await referenceSql`select id, display_name, role, created_at from users where id = ${Number(c.req.param('id'))}`
  return user ? c.json(user) : c.json({ error: 'not found' }, 404)
})

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: env.host }, () => resolve(server))
  })
}
const portOf = (server: ServerType) => {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

const appServer = await listen(app.fetch, env.port)
const referenceServer = await listen(reference.fetch, 0)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  for (const server of [appServer, referenceServer]) {
    server.close()
    if ('closeAllConnections' in server) server.closeAllConnections()
  }
  await referenceSql?.end({ timeout: 2 })
  await database.close()
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()

console.log(`BENCH_READY ${JSON.stringify({ port: portOf(appServer), referencePort: portOf(referenceServer), kind: database.kind, pid: process.pid })}`)
