import { join } from 'node:path'
import type { Env } from '../env'
import { openPglite, openPostgres, type Database } from './client'

/** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite on disk under DATA_DIR. */
export async function openDatabase(env: Pick<Env, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>): Promise<Database> {
  if (env.databaseUrl) return openPostgres(env.databaseUrl, { poolSize: env.databasePoolSize })
  return openPglite(join(env.dataDir, 'pglite'))
}
