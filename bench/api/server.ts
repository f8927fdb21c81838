import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { pino } from 'pino'
import postgres from 'postgres'
import { systemClock } from '../../src/clock'
import { openDatabase } from '../../src/db/open'
import { loadEnv } from '../../src/env'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'

// The server the API benchmark loads (run by bench/api/lists.ts): the real app on the database
// named by DATABASE_URL, and beside it, on a second port of the same process, the reference:
// a bare Hono app (no middleware) whose one route reads one users row by primary key through
// its own postgres.js pool of the same size. Prints `BENCH_READY {json}` when listening.

const env = loadEnv({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...process.env })
const logger = pino({ level: env.logLevel })
const database = await openDatabase(env)
const app = createApp({ database, env, logger, clock: systemClock, assets: loadAssets() })

const sql = postgres(process.env.DATABASE_URL!, { max: env.databasePoolSize, onnotice: () => {} })
const bare = new Hono()
bare.get('/bench/users/:id', async (c) => {
  const [user] = await sql`select id, display_name, role, created_at from users where id = ${Number(c.req.param('id'))}`
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
const bareServer = await listen(bare.fetch, 0)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  for (const server of [appServer, bareServer]) {
    server.close()
    if ('closeAllConnections' in server) server.closeAllConnections()
  }
  await Promise.allSettled([database.close(), sql.end({ timeout: 5 })])
  process.exit(0)
}
process.once('SIGTERM', () => void stop())
process.once('SIGINT', () => void stop())
process.stdin.on('end', () => void stop())
process.stdin.resume()

console.log(`BENCH_READY ${JSON.stringify({ port: portOf(appServer), barePort: portOf(bareServer), pid: process.pid })}`)
