import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
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
import { measureSoak, startSoak, type SoakControl, type SoakFigures } from './soak'
import { runReplay } from './simulate'
import { MONTH, scaled, WEEK, type ReplayScale } from './traffic'
import type { PostgresCluster } from '../../test/support/postgres-cluster'

// npm run bench:replay [-- --week] [-- --db=postgres|pglite] [-- --seed=N] [-- --days=N]
//   [-- --soak [--scale=10]] [-- --no-report] [-- --statements] [-- --with-saved=pglite]
// Each database's figures are kept in bench/replay/figures-<period>-<db>.json; --with-saved adds
// the kept figures of databases not run now to the report (the month on PGlite takes long enough
// to run on its own, niced, beside other work).
// A month of support replayed against the real application (see simulate.ts), on PostgreSQL and
// on PGlite, measured from what the application recorded (measure.ts). Writes bench/replay/REPORT.md
// with its charts and the "## Replay: a month of support" section of bench/RESULTS.md.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1]
const week = args.includes('--week')
// The soak (soak.ts): the month at ten times the traffic (--scale), support scaled with it, on two
// app instances in processes of their own, one killed and restarted, PostgreSQL restarted once.
const soak = args.includes('--soak')
const factor = soak ? Number(option('scale') ?? 10) : 1
const base: ReplayScale = soak ? scaled(MONTH, factor) : week ? WEEK : MONTH
const scale: ReplayScale = option('days') ? { ...base, days: Number(option('days')) } : base
const seed = Number(option('seed') ?? 2026)
const databases = soak ? ['postgres'] : (option('db') ?? 'postgres,pglite').split(',')
const label = soak ? 'soak' : week ? 'week' : option('days') ? `${scale.days} days` : 'month'
const outDir = join(repoRoot, 'bench', 'replay')
const log = (message: string) => console.log(`[bench:replay ${new Date().toISOString().slice(11, 19)}] ${message}`)

cleanUpOnSignals('stopping the database and the sinks')

async function openReplayDatabase(
  kind: string,
): Promise<{
  database: Database
  statements: () => Promise<number | null>
  topStatements?: () => Promise<{ calls: string; total_ms: string; query: string }[]>
  serverCpuSeconds?: () => Promise<number>
  cluster?: PostgresCluster
  url?: string
}> {
  if (kind === 'pglite') {
    // Every statement PGlite is asked to run, counted at the client (a transaction's too), and
    // timed by its text for --statements (PGlite runs one statement at a time: a slow one holds all).
    const client = await PGlite.create({ extensions: pgliteExtensions })
    let statements = 0
    const timed = new Map<string, { calls: number; ms: number }>()
    const time = <R>(text: unknown, run: () => Promise<R>): Promise<R> => {
      statements++
      const began = performance.now()
      return run().finally(() => {
        const key = String(text).replace(/\s+/g, ' ').slice(0, 160)
        const entry = timed.get(key) ?? { calls: 0, ms: 0 }
        entry.calls++
        entry.ms += performance.now() - began
        timed.set(key, entry)
      })
    }
    const count = <T extends { query: (...a: any[]) => any; exec: (...a: any[]) => any }>(target: T): T => {
      const query = target.query.bind(target)
      const exec = target.exec.bind(target)
      target.query = ((...a: unknown[]) => time(a[0], () => query(...a))) as T['query']
      target.exec = ((...a: unknown[]) => time(a[0], () => exec(...a))) as T['exec']
      return target
    }
    count(client)
    const transaction = client.transaction.bind(client)
    client.transaction = ((work: (tx: any) => Promise<unknown>) => transaction((tx: any) => work(count(tx)))) as typeof client.transaction
    const database = await openPglite(client)
    await database.migrate()
    onCleanup('pglite', () => database.close())
    return {
      database,
      statements: async () => statements,
      topStatements: async () =>
        [...timed.entries()]
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 40)
          .map(([query, entry]) => ({ calls: String(entry.calls), total_ms: String(Math.round(entry.ms)), query })),
    }
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
    serverCpuSeconds: async () => {
      // PostgreSQL's CPU (user + system, all its processes: backends, checkpointer, ...) from /proc,
      // so the report can say what the run cost apart from what else the shared machine ran.
      const [row] = await stats.unsafe<{ pid: number }[]>(`select pg_backend_pid() as pid`)
      const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])
      const postmaster = parentOf(row!.pid)
      let ticks = 0
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue
        try {
          const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')
          if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12])
        } catch {
          // gone meanwhile
        }
      }
      return ticks / 100
    },
    cluster,
    url: url.toString(),
    topStatements: async () =>
      stats.unsafe<{ calls: string; total_ms: string; query: string }[]>(
        `select calls::text, round(total_exec_time)::text as total_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) as query
         from pg_stat_statements where dbid = (select oid from pg_database where datname = 'replay') order by pg_stat_statements.calls desc limit 40`,
      ),
    statements: async () => {
      const [row] = await stats.unsafe<{ calls: string }[]>(`select coalesce(sum(calls), 0)::text as calls from pg_stat_statements where dbid = (select oid from pg_database where datname = 'replay')`)
      return Number(row?.calls ?? 0)
    },
  }
}

const results: ReplayFigures[] = []
let soakFigures: SoakFigures | null = null
try {
  for (const kind of databases) {
    log(`${label} (${scale.days} days${factor !== 1 ? `, ${factor}x traffic` : ''}) on ${kind}, seed ${seed}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`)
    const { database, statements, topStatements, serverCpuSeconds, cluster, url } = await openReplayDatabase(kind)
    const serverCpuBefore = (await serverCpuSeconds?.()) ?? 0
    let control: SoakControl | null = null
    const run = await runReplay({
      database,
      scale,
      seed,
      onProgress: (message) => log(message),
      ...(soak
        ? {
            supportPeople: 4 * factor,
            signUpConcurrency: 8,
            supportAtOnce: true,
            transport: async ({ smtpUrl, now }) => {
              const start = new Date(now.getTime() + 2 * 86_400_000)
              control = await startSoak({ databaseUrl: url!, cluster: cluster!, smtpUrl, now, start, end: new Date(start.getTime() + scale.days * 86_400_000), log })
              onCleanup('soak instances', () => control!.stop())
              return control.transport
            },
          }
        : {}),
    })
    const figures = await measureReplay(run, {
      database: soak ? 'PostgreSQL 15, two instances (soak)' : kind === 'pglite' ? 'PGlite' : 'PostgreSQL 15',
      statements: await statements(),
      serverCpuSeconds: serverCpuSeconds ? (await serverCpuSeconds()) - serverCpuBefore : null,
    })
    if (control) {
      soakFigures = await measureSoak(run, control, database)
      await (control as SoakControl).stop()
      for (const [key, value] of Object.entries(soakFigures)) if (key !== 'events') log(`soak ${key}: ${value}`)
    }
    await run.close()
    // Where the statements go (--statements): the most frequent, with the server's time for them.
    if (args.includes('--statements') && topStatements)
      for (const row of await topStatements()) log(`${row.calls.padStart(8)} calls ${row.total_ms.padStart(7)} ms  ${row.query}`)
    results.push(figures)
    writeFileSync(join(outDir, `figures-${label.replace(' ', '-')}-${kind}.json`), `${JSON.stringify({ seed, loadAverage: loadavg()[0], figures }, null, 1)}\n`)
    const goals = judgeGoals(figures, week || soak || option('days') ? null : 600)
    log(`wall ${(figures.cost.wallSeconds / 60).toFixed(1)} min, ${figures.cost.statements ?? '?'} statements, ${figures.cost.outboxRuns} outbox runs, peak RSS ${figures.cost.peakRssMb.toFixed(0)} MB, cpu ${figures.cost.cpuSeconds.toFixed(0)} s (this process) + ${figures.cost.serverCpuSeconds?.toFixed(0) ?? '-'} s (PostgreSQL)`)
    for (const goal of goals) log(`${goal.met ? 'met ' : 'MISS'} ${goal.goal}: ${goal.value}`)
    // Every failure's first line (the report keeps 20 with their stacks).
    if (figures.failures.length) log(`failures:\n${figures.failures.map((failure) => failure.split('\n')[0]).join('\n')}`)
  }
  for (const kind of option('with-saved')?.split(',') ?? []) {
    const saved = JSON.parse(readFileSync(join(outDir, `figures-${label.replace(' ', '-')}-${kind}.json`), 'utf8')) as { seed: number; loadAverage: number; figures: ReplayFigures }
    if (saved.seed !== seed) throw new Error(`the kept ${kind} figures are of seed ${saved.seed}, not ${seed}`)
    log(`with the kept ${kind} figures (load ${saved.loadAverage.toFixed(1)} at their end)`)
    results.push(saved.figures)
  }
  const loadAverage = loadavg()[0]!
  // A shortened period (--days) is for trying things out, except in the soak, which reports what it ran.
  if (!args.includes('--no-report') && (soak || !option('days'))) {
    mkdirSync(join(outDir, 'charts'), { recursive: true })
    const meta = { week, seed, cores: cpus().length, loadAverage, soak: soakFigures ?? undefined, days: scale.days, factor }
    const { markdown, charts } = renderReport(results, meta)
    for (const [name, svg] of charts) writeFileSync(join(outDir, 'charts', name), svg)
    const file = soak ? 'REPORT-soak.md' : week ? 'REPORT-week.md' : 'REPORT.md'
    writeFileSync(join(outDir, file), markdown)
    const title = soak ? '## Replay: the soak' : week ? '## Replay: a week of support' : '## Replay: a month of support'
    writeSection(join(repoRoot, 'bench', 'RESULTS.md'), title, resultsSection(results, meta))
    log(`wrote bench/replay/${file} and the "${title.slice(3)}" section of bench/RESULTS.md`)
  }
} finally {
  await cleanUpAll()
}
