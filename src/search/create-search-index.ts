import type { Db } from '../db/client'
import type { Env } from '../env'
import { MeiliSearchIndex } from './meili-index'
import { PostgresSearchIndex } from './postgres-index'
import type { SearchIndex } from './types'

/** Meilisearch when MEILI_URL is set, otherwise PostgreSQL's own full-text search. */
export function createSearchIndex(env: Pick<Env, 'meiliUrl' | 'meiliApiKey' | 'meiliIndex'>, db: Db): SearchIndex {
  if (env.meiliUrl) return MeiliSearchIndex.fromUrl(db, env.meiliUrl, env.meiliApiKey, env.meiliIndex)
  return new PostgresSearchIndex(db)
}
