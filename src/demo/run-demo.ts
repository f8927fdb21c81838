import { loadEnv, type Env } from '../env'
import { startForum, stopOnSignals } from '../start'
import { PRODUCT } from './content'
import { refreshDemoPasswords, seedDemoIfEmpty, type DemoSignIn, type SeedDemoSummary } from './seed-demo'

// `npm run demo`: the forum with a realistic community in one command. Without DATABASE_URL
// the data lives in its own PGlite directory, so the demo never mixes with real data.

const source = { ...process.env }
if (!source.DATABASE_URL) source.DATA_DIR = `${source.DATA_DIR || './data'}/demo`
source.SITE_NAME ||= `${PRODUCT} Community`

let seeded: { summary: SeedDemoSummary; seconds: number } | null = null
let signIns: DemoSignIn[] = []

/** The sign-ins block, printed at start and again on request (request logs scroll it away). */
function signInLines(env: Env): string[] {
  const lines = [`Sign in at ${env.publicUrl}/login as any of these demo accounts.`, 'The passwords are new at every start; earlier ones no longer work.', '']
  const emailWidth = Math.max(...signIns.map((s) => s.email.length))
  for (const s of signIns) lines.push(`  ${s.email.padEnd(emailWidth)}  ${s.password}  ${s.name}, ${s.label}`)
  return lines
}

/** Prints the sign-ins again when the operator presses Enter (in a terminal) or sends SIGUSR2. */
function reprintOnRequest(env: Env): void {
  const reprint = () => console.log(['', ...signInLines(env), ''].map((line) => `  ${line}`).join('\n'))
  if (process.platform !== 'win32') process.on('SIGUSR2', reprint)
  // Only a terminal: reading a pipe or /dev/null would end at once or swallow someone's input.
  if (process.stdin.isTTY) {
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk: string) => {
      if (chunk.includes('\n')) reprint()
    })
  }
}

try {
  const env = loadEnv(source)
  const forum = await startForum(env, {
    async prepare(database, logger) {
      const started = performance.now()
      // The entry point is the one place allowed to read the wall clock: it is "now" for the demo.
      const summary = await seedDemoIfEmpty(database.db, { now: new Date() })
      if (summary) {
        seeded = { summary, seconds: (performance.now() - started) / 1000 }
        logger.info({ ...summary, seconds: seeded.seconds.toFixed(1) }, 'demo data seeded')
      }
      signIns = await refreshDemoPasswords(database.db)
    },
    demo: { accounts: () => signIns },
    async notes(database) {
      const lines: string[] = ['']
      const where = database.kind === 'pglite' ? ` in ${env.dataDir} (delete that folder to start over)` : ''
      if (seeded) {
        const { summary, seconds } = seeded
        lines.push(
          `Demo data: ${summary.threads} threads and ${summary.replies} replies by ${summary.users} people, seeded in ${seconds.toFixed(1)} s${where}.`,
        )
      } else if (signIns.length > 0) {
        lines.push(`Demo data from an earlier run${where}.`)
      }
      if (signIns.length === 0) {
        lines.push('The database already held people or threads that are not demo data, so the demo left it as it was.')
        return lines
      }
      lines.push(...signInLines(env), '')
      const again = process.stdin.isTTY ? 'press Enter here' : `send SIGUSR2 (kill -USR2 ${process.pid})`
      lines.push(`These sign-ins stay at ${env.publicUrl}/demo; to print them here again, ${again}.`)
      return lines
    },
  })
  if (signIns.length > 0) reprintOnRequest(env)
  stopOnSignals(forum)
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
}
