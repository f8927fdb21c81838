import { loadEnv } from './env'
import { startForum, stopOnSignals } from './start'

try {
  stopOnSignals(await startForum(loadEnv()))
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
