import { SingleBar, Presets } from 'cli-progress'
import { openDatabase } from '../db/open'
import { loadEnv } from '../env'
import { createSearchIndex, rebuildSearchIndex } from '../search'

// npm run reindex : rebuilds the search index (PostgreSQL or Meilisearch, as configured)
// from the database, which is always the source of truth.

async function main(): Promise<void> {
  const env = loadEnv()
  const database = await openDatabase(env)
  try {
    await database.migrate()
    const index = createSearchIndex(env, database.db)
    console.log(`Rebuilding the ${index.engine === 'postgres' ? 'PostgreSQL' : 'Meilisearch'} search index…`)
    const bar = new SingleBar({ format: 'Indexing |{bar}| {percentage}% | {value}/{total} threads | ETA {eta_formatted}', hideCursor: true }, Presets.shades_classic)
    bar.start(1, 0)
    const done = await rebuildSearchIndex(database.db, index, {
      onProgress: (count, total) => {
        bar.setTotal(Math.max(total, 1))
        bar.update(count)
      },
    })
    bar.stop()
    console.log(`Indexed ${done} threads.`)
  } finally {
    await database.close()
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
