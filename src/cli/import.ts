import { createReadStream, existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { SingleBar, Presets } from 'cli-progress'
import { systemClock } from '../clock'
import { openDatabase } from '../db/open'
import { loadEnv } from '../env'
import { importThreads } from '../importer'

// npm run import -- FILE.jsonl : loads threads from the JSON Lines format documented in the
// README. Idempotent by external id; search indexing follows through the outbox (the next
// `npm start` delivers it, or run `npm run reindex`).

async function countLines(path: string): Promise<number> {
  let lines = 0
  for await (const _ of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) lines++
  return lines
}

async function main(): Promise<number> {
  const path = process.argv[2]
  if (!path || path === '--help') {
    console.error('Usage: npm run import -- FILE.jsonl   (the format is described in README.md, "Importing")')
    return 2
  }
  if (!existsSync(path)) {
    console.error(`No such file: ${path}`)
    return 2
  }
  const env = loadEnv()
  const database = await openDatabase(env)
  try {
    await database.migrate()
    const total = await countLines(path)
    const bar = new SingleBar(
      { format: 'Importing |{bar}| {percentage}% | {value}/{total} lines | {threads} threads, {replies} replies | ETA {eta_formatted}', hideCursor: true },
      Presets.shades_classic,
    )
    bar.start(total, 0, { threads: 0, replies: 0 })
    const summary = await importThreads({
      db: database.db,
      lines: createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity }),
      now: () => systemClock.now(),
      onProgress: (progress) => bar.update(progress.lines, { threads: progress.threads, replies: progress.replies }),
    })
    bar.update(summary.lines, { threads: summary.threads, replies: summary.replies })
    bar.stop()
    console.log(`Imported ${summary.threads} threads and ${summary.replies} replies from ${summary.lines} lines.`)
    if (summary.problems.length > 0) {
      console.log(`${summary.problems.length} line(s) were skipped:`)
      for (const problem of summary.problems.slice(0, 50)) console.log(`  line ${problem.line}: ${problem.message}`)
      if (summary.problems.length > 50) console.log(`  … and ${summary.problems.length - 50} more.`)
      return 1
    }
    return 0
  } finally {
    await database.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  },
)
