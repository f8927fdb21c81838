// The staff pages' render after a change, in process (no HTTP, no load): before each request the
// staff page epoch is moved, as a committed queue change moves it, so every request renders afresh
// instead of being served kept. `npx tsx bench/pages/staff-render.ts <DATABASE_URL> <requests>`
// on a database bench:pages generated; add --cpu-prof to see where a render spends its time.
import { sql } from 'drizzle-orm'
import { pino } from 'pino'
import { createSession } from '../../src/auth/sessions'
import { systemClock } from '../../src/clock'
import { openPostgres, queryRows } from '../../src/db/client'
import { loadEnv } from '../../src/env'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { pageRoutes } from './routes'
import { readTargets } from './seed'

const [url, n = '30'] = process.argv.slice(2)
const env = loadEnv({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', PUBLIC_URL: 'http://127.0.0.1' })
const database = openPostgres(url!, { poolSize: 10 })
const app = createApp({ database, env, logger: pino({ level: 'warn' }), clock: systemClock, assets: loadAssets() })
const [{ threads } = { threads: 0 }] = await queryRows<{ threads: number }>(database.db, sql`select threads from bench_pages_meta`)
const targets = await readTargets(database.db, threads)
const cookieOf = async (userId: number) => `session=${(await createSession(database.db, userId, new Date())).token}; csrf=abcdefghijklmnopqrstuvwxyz234567`
const cookies = { support: await cookieOf(targets.supportId), engineer: await cookieOf(targets.engineerId) }
const bump = () => database.db.execute(sql`update staff_page_epoch set value = value + 1 where id = 1`)

for (const route of pageRoutes(targets).filter((page) => page.group === 'staff')) {
  const cookie = cookies[route.as as 'support' | 'engineer']
  const get = async () => {
    const response = await app.request(route.path, { headers: { cookie } })
    const body = await response.text()
    if (response.status !== 200) throw new Error(`${route.path}: ${response.status}`)
    return body.length
  }
  for (let i = 0; i < 5; i++) {
    await bump()
    await get()
  }
  let wall = 0
  let cpu = 0
  for (let i = 0; i < Number(n); i++) {
    await bump()
    const started = performance.now()
    const cpu0 = process.cpuUsage()
    await get()
    const used = process.cpuUsage(cpu0)
    wall += performance.now() - started
    cpu += (used.user + used.system) / 1000
  }
  const kept0 = process.cpuUsage()
  const keptStarted = performance.now()
  for (let i = 0; i < Number(n); i++) await get()
  const kept = process.cpuUsage(kept0)
  console.log(
    `${route.key.padEnd(18)} render after a change: wall ${(wall / Number(n)).toFixed(1)} ms, Node CPU ${(cpu / Number(n)).toFixed(1)} ms; kept: wall ${((performance.now() - keptStarted) / Number(n)).toFixed(2)} ms, CPU ${((kept.user + kept.system) / 1000 / Number(n)).toFixed(2)} ms`,
  )
}
await database.close()
