import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { openPglite, openPostgres, pgliteExtensions, type Database } from '../../src/db/client'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { cleanUpAll, cleanUpOnSignals, onCleanup } from '../support/cleanup'
import { writeSection } from '../support/results-file'
import { judgeGoals, measureReplay, type ReplayFigures } from './measure'
import { renderReport, resultsSection } from './report'
import { runReplay } from './simulate'
import { MONTH, WEEK, type ReplayScale } from './traffic'

// npm run bench:replay [-- --week] [-- --db=postgres|pglite] [-- --seed=N]
// A month of support replayed against the real application (see simulate.ts), on PostgreSQL and
// on PGlite, measured from what the application recorded (measure.ts). Writes bench/replay/REPORT.md
// with its charts and the "## Replay: a month of support" section of bench/RESULTS.md.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1]
const week = args.includes('--week')
if (args.includes('--soak')) {
  console.error('The soak (ten times the traffic, two app instances, one killed and PostgreSQL restarted) is not built yet: see bench/replay/REPORT.md, "Not measured".')
  process.exit(2)
}
const scale: ReplayScale = week ? WEEK : MONTH
const seed = Number(option('seed') ?? 2026)
const databases = (option('db') ?? 'postgres,pglite').split(',')
const outDir = join(repoRoot, 'bench', 'replay')
const log = (message: string) => console.log(`[bench:replay ${new Date().toISOString().slice(11, 19)}] ${message}`)

cleanUpOnSignals('stopping the database and the sinks')

async function openReplayDatabase(kind: string): Promise<{ database: Database; statements: () => Promise<number | null> }> {
  if (kind === 'pglite') {
    // Every statement PGlite is asked to run, counted at the client (a transaction's too).
    const client = await PGlite.create({ extensions: pgliteExtensions })
    let statements = 0
    const count = <T extends { query: (...a: any[]) => any; exec: (...a: any[]) => any }>(target: T): T => {
      const query = target.query.bind(target)
      const exec = target.exec.bind(target)
      target.query = ((...a: unknown[]) => (statements++, query(...a))) as T['query']
      target.exec = ((...a: unknown[]) => (statements++, exec(...a))) as T['exec']
      return target
    }
    count(client)
    const transaction = client.transaction.bind(client)
    client.transaction = ((work: (tx: any) => Promise<unknown>) => transaction((tx: any) => work(count(tx)))) as typeof client.transaction
    const database = await openPglite(client)
    await database.migrate()
    onCleanup('pglite', () => database.close())
    return { database, statements: async () => statements }
  }
  // PostgreSQL: a throwaway cluster with pg_stat_statements, which counts what the server ran.
  const cluster = await startPostgresCluster({ settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } })
  onCleanup('postgres cluster', () => cluster.stop())
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} })
  await admin.unsafe('create database replay')
  await admin.end()
  const url = new URL(cluster.url)
  url.pathname = '/replay'
  const database = openPostgres(url.toString(), { poolSize: 10 })
  await database.migrate()
  const stats = postgres(url.toString(), { max: 1, onnotice: () => {} })
  await stats.unsafe('create extension if not exists pg_stat_statements')
  await stats.unsafe('select pg_stat_statements_reset()')
  onCleanup('postgres database', async () => {
    await stats.end()
    await database.close()
  })
  return {
    database,
    statements: async () => {
      const [row] = await stats.unsafe<{ calls: string }[]>(`select coalesce(sum(calls), 0)::text as calls from pg_stat_statements where dbid = (select oid from pg_database where datname = 'replay')`)
      return Number(row?.calls ?? 0)
    },
  }
}

const results: ReplayFigures[] = []
try {
  for (const kind of databases) {
    log(`${week ? 'a week' : 'a month'} on ${kind}, seed ${seed}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`)
    const { database, statements } = await openReplayDatabase(kind)
    const run = await runReplay({ database, scale, seed, onProgress: (message) => log(message) })
    const figures = await measureReplay(run, { database: kind === 'pglite' ? 'PGlite' : 'PostgreSQL 15', statements: await statements() })
    await run.close()
    results.push(figures)
    const goals = judgeGoals(figures, week ? null : 600)
    for (const goal of goals) log(`${goal.met ? 'met ' : 'MISS'} ${goal.goal}: ${goal.value}`)
    if (figures.failures.length) log(`failures:\n${figures.failures.slice(0, 10).join('\n')}`)
  }
  const loadAverage = loadavg()[0]!
  mkdirSync(join(outDir, 'charts'), { recursive: true })
  const { markdown, charts } = renderReport(results, { week, seed, cores: cpus().length, loadAverage })
  for (const [name, svg] of charts) writeFileSync(join(outDir, 'charts', name), svg)
  writeFileSync(join(outDir, week ? 'REPORT-week.md' : 'REPORT.md'), markdown)
  const title = week ? '## Replay: a week of support' : '## Replay: a month of support'
  writeSection(join(repoRoot, 'bench', 'RESULTS.md'), title, resultsSection(results, { week, seed, cores: cpus().length, loadAverage }))
  log(`wrote bench/replay/${week ? 'REPORT-week.md' : 'REPORT.md'} and the "${title.slice(3)}" section of bench/RESULTS.md`)
} finally {
  await cleanUpAll()
}
