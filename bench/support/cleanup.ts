// Clean-up that runs on success, failure and Ctrl-C: benchmarks start servers and fill temporary
// directories, and must leave nothing behind however they end.

const cleanups: { label: string; run: () => unknown }[] = []

/** Registers a clean-up; the function returned runs it early (and unregisters it). */
export function onCleanup(label: string, run: () => unknown): () => Promise<void> {
  const entry = { label, run }
  cleanups.push(entry)
  return async () => {
    const index = cleanups.indexOf(entry)
    if (index === -1) return
    cleanups.splice(index, 1)
    await entry.run()
  }
}

/** Runs every registered clean-up, newest first; a failing one is reported and the rest still run. */
export async function cleanUpAll(): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!
    try {
      await entry.run()
    } catch (error) {
      console.error(`  clean-up "${entry.label}" failed:`, error instanceof Error ? error.message : error)
    }
  }
}

/** On Ctrl-C or SIGTERM: say what is being stopped, clean up, exit. */
export function cleanUpOnSignals(what: string): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: ${what}...`)
      cleanUpAll().finally(() => process.exit(130))
    })
  }
}
