import { serve } from '@hono/node-server'
import { pino } from 'pino'
import { issueSetupLink } from './auth'
import { systemClock } from './clock'
import { openDatabase } from './db/open'
import { loadEnv } from './env'
import { loadAssets } from './web/assets'
import { createApp } from './web/app'

async function main(): Promise<void> {
  const env = loadEnv()
  const logger = pino({ level: env.logLevel })
  const database = await openDatabase(env)
  logger.info({ database: database.kind }, 'migrating')
  await database.migrate()

  const app = createApp({ database, env, logger, clock: systemClock, assets: loadAssets() })
  const setupToken = await issueSetupLink({
    ctx: { actor: null, db: database.db, now: () => systemClock.now(), requestId: 'startup' },
  })

  const server = serve({ fetch: app.fetch, port: env.port, hostname: env.host }, (info) => {
    const where = database.kind === 'pglite' ? `PGlite in ${env.dataDir}` : 'PostgreSQL'
    console.log(`\n  Forum running at ${env.publicUrl} (port ${info.port}, ${where})`)
    if (setupToken) {
      console.log(`\n  No admin exists yet. Create one with this one-time link:\n\n    ${env.publicUrl}/setup/${setupToken}\n`)
    }
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    server.close()
    await database.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
