// Node CPU per request of one page, in process (no HTTP, no load): `npx tsx bench/pages/cpu-per-page.ts <DATABASE_URL or PGlite directory> <path> <user id or 0> <requests>`.
// Run with --cpu-prof to see where a render spends it. The database is one bench:pages generated (see BENCH_DATA_DIR).
import { pino } from 'pino'
import { systemClock } from '../../src/clock'
import { openPglite, openPostgres } from '../../src/db/client'
import { loadEnv } from '../../src/env'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { createSession } from '../../src/auth/sessions'
const [url, path, userId, n] = process.argv.slice(2)
const env = loadEnv({ ...process.env, ...(url!.startsWith('postgres') ? { DATABASE_URL: url } : {}), LOG_LEVEL: 'warn', PUBLIC_URL: 'http://127.0.0.1' })
const database = url!.startsWith('postgres') ? openPostgres(url!, { poolSize: 4 }) : await openPglite(url!)
const app = createApp({ database, env, logger: pino({ level: 'warn' }), clock: systemClock, assets: loadAssets() })
const cookie = Number(userId) ? `session=${(await createSession(database.db, Number(userId), new Date())).token}; csrf=abcdefghijklmnopqrstuvwxyz234567` : 'csrf=abcdefghijklmnopqrstuvwxyz234567'
for (let i = 0; i < 20; i++) await (await app.request(path!, { headers: { cookie } })).text()
const started = performance.now(); const cpu0 = process.cpuUsage()
for (let i = 0; i < Number(n); i++) { const r = await app.request(path!, { headers: { cookie } }); await r.text(); if (r.status !== 200) throw new Error(String(r.status)) }
const cpu = process.cpuUsage(cpu0)
console.log(path, 'wall ms/req', ((performance.now() - started) / Number(n)).toFixed(2), 'cpu ms/req', ((cpu.user + cpu.system) / 1000 / Number(n)).toFixed(2))
await database.close()
