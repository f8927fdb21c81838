import { guardAgainstNullSocketWriteBug } from './db/driver-guard'
import { loadEnv } from './env'
import { startForum, stopOnSignals } from './start'

try {
  const forum = await startForum(loadEnv())
  // A database restart under load must not end the process: see driver-guard.ts.
  guardAgainstNullSocketWriteBug({ logger: forum.logger, onBug: () => forum.database.replacePool?.() })
  stopOnSignals(forum)
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
