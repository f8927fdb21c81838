import { existsSync, readFileSync } from 'node:fs'
import { writeSection } from '../support/results-file'
import type { CpuUsage } from './cpu'
import type { BenchTargets } from './seed'

// Turns one run's figures into the "## HTTP: pages under load" section of bench/RESULTS.md.
// Everything here is computed from the run; the hand-written findings (profiles, experiments,
// recommendations) live in bench/http/FINDINGS.md and are included verbatim at the end.

export const SECTION_TITLE = '## HTTP: pages under load'

/** The goal from the issue, on PostgreSQL. */
export const GOAL = { minRatio: 0.5, maxP99Ms: 50 }

export interface RouteDef {
  key: string
  label: string
  path: string
  port: 'app' | 'bare'
  connections?: number
  headers?: Record<string, string>
}

export interface RouteResult {
  route: RouteDef
  connections: number
  requestsPerSecond: number
  requestsPerSecondStddev: number
  meanMs: number
  p50: number
  p90: number
  p99: number
  max: number
  total: number
  bytesPerResponse: number
  cpu: CpuUsage
  /** Database statements per request, from the pg_stat_statements profile (PostgreSQL only). */
  statementsPerRequest: number | null
}

export interface QueryProfile {
  requests: number
  statementsPerRequest: number
  statements: { query: string; callsPerRequest: number; planMs: number; execMs: number; rowsPerCall: number }[]
}

export interface DatabaseRun {
  kind: 'postgres' | 'pglite'
  title: string
  version: string
  seedSeconds: number
  targets: BenchTargets
  threadPageBytes: number
  routes: RouteResult[]
  diagnostics: RouteResult[]
  threadQueries: QueryProfile | null
}

export interface Machine {
  cpuModel: string
  cores: number
  node: string
  kernel: string
  loadBefore: number[]
}

export interface ReportSettings {
  connections: number
  timeout: number
  warmup: number
  duration: number
  diagnosticWarmup: number
  diagnosticDuration: number
  startedAt: Date
  totalSeconds: number
  /** Hand-written findings included at the end of the section, if the file exists. */
  findingsFile: string
}

const fmtInt = (value: number) => Math.round(value).toLocaleString('en-US')
export const fmtMs = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2))
const fmtCpu = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2))
const fmtShare = (value: number | null) => (value === null ? 'n/a' : `${Math.round(value * 100)} %`)
const fmtKb = (bytes: number) => (bytes < 1024 ? `${Math.round(bytes)} B` : `${(bytes / 1024).toFixed(1)} KiB`)
export { fmtInt }

/** CPU of every party we run (app, database, load generator) per request; null without /proc. */
function ourCpu(r: RouteResult): number | null {
  if (r.cpu.serverMsPerRequest === null) return null
  return r.cpu.serverMsPerRequest + (r.cpu.postgresMsPerRequest ?? 0) + r.cpu.loadGeneratorMsPerRequest
}

function resultTable(rows: RouteResult[], withPostgres: boolean): string {
  const head = withPostgres
    ? '| Route | Conns | Req/s (± sd) | p50 ms | p99 ms | Max ms | Requests | Size | Node CPU ms/req | PostgreSQL CPU ms/req | Statements/req | Machine busy (others) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
    : '| Route | Conns | Req/s (± sd) | p50 ms | p99 ms | Max ms | Requests | Size | Node CPU ms/req (incl. PGlite) | Machine busy (others) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
  const lines = rows.map((r) => {
    const cells = [
      r.route.label,
      String(r.connections),
      `${fmtInt(r.requestsPerSecond)} (± ${fmtInt(r.requestsPerSecondStddev)})`,
      fmtMs(r.p50),
      fmtMs(r.p99),
      fmtMs(r.max),
      fmtInt(r.total),
      fmtKb(r.bytesPerResponse),
      fmtCpu(r.cpu.serverMsPerRequest),
    ]
    if (withPostgres) cells.push(fmtCpu(r.cpu.postgresMsPerRequest), r.statementsPerRequest === null ? '–' : r.statementsPerRequest.toFixed(1))
    cells.push(`${fmtShare(r.cpu.machineBusyShare)} (${fmtShare(r.cpu.othersBusyShare)})`)
    return `| ${cells.join(' | ')} |`
  })
  return [head, ...lines].join('\n')
}

function statementTable(profile: QueryProfile): string {
  const head = '| Statement (as pg_stat_statements normalises it, shortened) | Calls/page | Plan ms | Execute ms | Rows/call |\n|---|--:|--:|--:|--:|'
  const lines = profile.statements.map((s) => {
    // The column list says little; the FROM, WHERE and ORDER BY say what the statement does.
    const short = s.query.replace(/^select .*? from "/, 'select … from "')
    const text = short.length > 220 ? `${short.slice(0, 220)}…` : short
    return `| \`${text.replace(/\|/g, '\\|').replace(/`/g, "'")}\` | ${s.callsPerRequest.toFixed(1)} | ${s.planMs.toFixed(3)} | ${s.execMs.toFixed(3)} | ${s.rowsPerCall.toFixed(1)} |`
  })
  return [head, ...lines].join('\n')
}

export function renderSection(runs: DatabaseRun[], machine: Machine, settings: ReportSettings): string {
  const first = runs[0]
  const out: string[] = [SECTION_TITLE, '']
  out.push(
    `Generated by \`npm run bench:http\` (bench/http/run.ts) on ${settings.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; the whole run took ${Math.round(settings.totalSeconds)} s. Figures move by 10-20 % between runs on this shared machine: read them as magnitudes.`,
    '',
    `- **Machine:** ${machine.cpuModel}, **${machine.cores} cores** (os.cpus()), Linux ${machine.kernel}; load average ${machine.loadBefore.map((n) => n.toFixed(2)).join(' / ')} before the run.`,
    `- **Software:** Node ${machine.node}; ${runs.map((run) => run.version).join('; ')}.`,
    `- **Load:** autocannon, ${settings.connections} connections, pipelining 1, ${settings.warmup} s warm-up then ${settings.duration} s measured per route, one route after another. Req/s is autocannon's per-second average; p50/p99 are its latency percentiles (whole milliseconds). Every run must finish with zero errors, timeouts (${settings.timeout} s per request) and non-2xx responses, or nothing is written.`,
    `- **All on ${machine.cores} cores:** autocannon (in the orchestrating process), the app (one Node process, bench/http/server.ts) and PostgreSQL's backends share them, and the machine runs other people's work too. "Machine busy (others)" is the share of all cores in use during the route, and in brackets the part that was not ours.`,
    `- **App:** the real \`createApp\` with every middleware (request id, request log at level \`warn\`, secure headers, body limit, session, CSRF, context) and the default pool of 10 connections. The bench-only routes are registered on that same app after \`createApp\`, so they pass through the same middleware; before loading, the run checks that \`/bench/hello\` carries the CSP, request-id and cache-control headers the middleware adds.`,
    `- **Data:** ${first?.targets.counts.users} users, ${first?.targets.counts.categories} categories, ${first?.targets.counts.threads} threads, ${first?.targets.counts.replies} replies, ${first?.targets.counts.tags} tags, plus votes, "me too"s, accepted solutions, locks, hidden replies and subscriptions, every counter consistent (bench/http/seed.ts checks). Bodies are Markdown (paragraphs, lists, highlighted code blocks) rendered by \`renderMarkdown\`. The measured thread has ${first?.targets.measuredReplies} replies, one of them accepted; its page is ${fmtKb(first?.threadPageBytes ?? 0)} of HTML.`,
    `- **Anonymous** means no cookies: a first visit or a crawler. Each such page gets a fresh CSRF cookie.`,
    '',
  )

  for (const run of runs) {
    out.push(`### ${run.title}`, '', resultTable(run.routes, run.kind === 'postgres'), '', `Seeding took ${run.seedSeconds.toFixed(1)} s.`, '')
  }

  const pg = runs.find((run) => run.kind === 'postgres')
  const get = (key: string) => pg?.routes.find((r) => r.route.key === key) ?? pg?.diagnostics.find((r) => r.route.key === key)
  const pk = get('pk-select')
  const thread = get('thread-page')
  if (pg && pk && thread) {
    const ratio = thread.requestsPerSecond / pk.requestsPerSecond
    const met = ratio >= GOAL.minRatio && thread.p99 < GOAL.maxP99Ms
    out.push(
      '### Goal (PostgreSQL)',
      '',
      `| Measure | Goal | Measured | |`,
      `|---|---|--:|---|`,
      `| Thread page req/s ÷ primary-key select req/s | ≥ ${GOAL.minRatio} | ${ratio.toFixed(2)} (${fmtInt(thread.requestsPerSecond)} ÷ ${fmtInt(pk.requestsPerSecond)}) | ${ratio >= GOAL.minRatio ? 'met' : '**not met**'} |`,
      `| Thread page p99 at ${settings.connections} connections | < ${GOAL.maxP99Ms} ms | ${fmtMs(thread.p99)} ms | ${thread.p99 < GOAL.maxP99Ms ? 'met' : '**not met**'} |`,
      '',
      met ? '**The goal is met.**' : '**The goal is not met.** The breakdown and analysis below say what stands between us and it.',
      '',
    )
    if (pg.diagnostics.length > 0) {
      out.push(
        '### Where the thread page spends its time (PostgreSQL)',
        '',
        `Bench-only variants on the same server and data, ${settings.diagnosticDuration} s each after a ${settings.diagnosticWarmup} s warm-up:`,
        '',
        resultTable(pg.diagnostics, true),
        '',
      )
    }
    if (pg.threadQueries) {
      out.push(
        `Statements behind one anonymous thread page (pg_stat_statements over ${pg.threadQueries.requests} sequential page views, tracking switched on only for that):`,
        '',
        statementTable(pg.threadQueries),
        '',
      )
    }
    out.push(analysis(pg, settings, machine), '')
  }

  if (existsSync(settings.findingsFile)) {
    const findings = readFileSync(settings.findingsFile, 'utf8')
      .replace(/^# .*\n+/, '')
      .replace(/<!--[\s\S]*?-->\n*/g, '')
      .trim()
    out.push('### Findings and recommendations', '', '*Hand-written from profiling; kept in bench/http/FINDINGS.md and copied here by each run.*', '', findings, '')
  }
  return out.join('\n').trimEnd() + '\n'
}

/** Bullet points computed from this run's figures. */
function analysis(pg: DatabaseRun, settings: ReportSettings, machine: Machine): string {
  const get = (key: string) => pg.routes.find((r) => r.route.key === key) ?? pg.diagnostics.find((r) => r.route.key === key)
  const hello = get('hello')
  const pk = get('pk-select')!
  const thread = get('thread-page')!
  const C = settings.connections
  const lines: string[] = ['### Analysis (computed from this run)', '']

  // Little's law: a closed loop of C connections has mean latency C / throughput.
  const tailFactor = thread.p99 / Math.max(1, thread.meanMs)
  const neededRps = (C * Math.max(1, tailFactor)) / (GOAL.maxP99Ms / 1000)
  lines.push(
    `- **At ${C} connections, latency is throughput in disguise.** autocannon keeps ${C} requests in flight, so the mean latency is ${C} ÷ req/s (Little's law): ${fmtInt(thread.requestsPerSecond)} pages/s gives a mean of ${fmtMs(thread.meanMs)} ms, nearly all of it waiting in line. The thread page's p99 is ${tailFactor.toFixed(1)}× its mean, so a p99 under ${GOAL.maxP99Ms} ms needs about ${fmtInt(neededRps)} pages/s. For scale, the primary-key route manages ${fmtInt(pk.requestsPerSecond)} req/s${hello ? ` and hello ${fmtInt(hello.requestsPerSecond)}` : ''}.`,
  )

  const threadCpu = ourCpu(thread)
  const pkCpu = ourCpu(pk)
  if (threadCpu !== null && pkCpu !== null) {
    const others = thread.cpu.othersBusyShare ?? 0
    const available = machine.cores * 1000 * (1 - others)
    lines.push(
      `- **The machine is the bottleneck, and CPU per request predicts throughput.** One thread page costs ${fmtCpu(threadCpu)} ms of CPU in all (Node ${fmtCpu(thread.cpu.serverMsPerRequest)}, PostgreSQL ${fmtCpu(thread.cpu.postgresMsPerRequest)}, autocannon ${fmtCpu(thread.cpu.loadGeneratorMsPerRequest)}); the primary-key route ${fmtCpu(pkCpu)} ms (Node ${fmtCpu(pk.cpu.serverMsPerRequest)}, PostgreSQL ${fmtCpu(pk.cpu.postgresMsPerRequest)}). ${machine.cores} cores less the ${fmtShare(others)} other work took leave about ${fmtInt(available)} CPU-ms per second, enough for ~${fmtInt(available / threadCpu)} pages/s (measured ${fmtInt(thread.requestsPerSecond)}). The CPU ratio ${(pkCpu / threadCpu).toFixed(2)} matches the throughput ratio ${(thread.requestsPerSecond / pk.requestsPerSecond).toFixed(2)}: to reach ${GOAL.minRatio}, a page must cost at most ${fmtCpu(pkCpu / GOAL.minRatio)} ms of CPU, and for ~${fmtInt(neededRps)} pages/s on this machine about ${fmtCpu(available / neededRps)} ms. Node itself runs the app on one thread, so ${fmtCpu(thread.cpu.serverMsPerRequest)} ms of Node time per page caps one process at ~${fmtInt(1000 / (thread.cpu.serverMsPerRequest ?? 1))} pages/s even with a free core.`,
    )
  }

  const bare = get('bare-hello')
  if (hello && bare && hello.cpu.serverMsPerRequest !== null && bare.cpu.serverMsPerRequest !== null) {
    lines.push(
      `- **Middleware:** hello through the app's middleware costs ${fmtCpu(hello.cpu.serverMsPerRequest)} ms of Node CPU (${fmtInt(hello.requestsPerSecond)} req/s); on a bare Hono app in the same process ${fmtCpu(bare.cpu.serverMsPerRequest)} ms (${fmtInt(bare.requestsPerSecond)} req/s). Every page pays that difference before doing anything.`,
    )
  }

  const data = get('thread-data')
  const render = get('thread-render')
  const helloCpu = hello?.cpu.serverMsPerRequest ?? null
  if (data && render && helloCpu !== null && data.cpu.serverMsPerRequest !== null && render.cpu.serverMsPerRequest !== null) {
    lines.push(
      `- **Queries vs HTML:** the page's queries alone (JSON out) cost ${fmtCpu(data.cpu.serverMsPerRequest)} ms of Node and ${fmtCpu(data.cpu.postgresMsPerRequest)} ms of PostgreSQL CPU (${fmtInt(data.requestsPerSecond)} req/s); its HTML from cached data costs ${fmtCpu(render.cpu.serverMsPerRequest)} ms of Node CPU (${fmtInt(render.requestsPerSecond)} req/s). Less hello's ${fmtCpu(helloCpu)} ms: about ${fmtCpu(data.cpu.serverMsPerRequest - helloCpu)} ms of Node time goes to the database round trips (Drizzle building SQL, postgres.js writing and parsing, row mapping) and ${fmtCpu(render.cpu.serverMsPerRequest - helloCpu)} ms to rendering ${fmtKb(pg.threadPageBytes)} of JSX.`,
    )
  }

  const queries = pg.threadQueries
  if (queries && thread.cpu.postgresMsPerRequest !== null) {
    const inStatements = queries.statements.reduce((sum, s) => sum + s.callsPerRequest * (s.planMs + s.execMs), 0)
    const pkQueries = pk.statementsPerRequest
    lines.push(
      `- **Round trips:** ${queries.statementsPerRequest.toFixed(1)} statements per page (the primary-key route: ${pkQueries?.toFixed(1) ?? '?'}). Planning and executing them takes ${fmtCpu(inStatements)} ms inside PostgreSQL, out of the ${fmtCpu(thread.cpu.postgresMsPerRequest)} ms of CPU its backends spend per page; the rest is per-statement overhead (parse, protocol, waking up, context switches), which is why the number of statements matters more than their plans.${queries.statementsPerRequest >= 2.5 ? ' The thread header is read twice: showThread calls getThreadHeader to check the slug, then getThreadPage calls it again.' : ''}`,
    )
  }

  const cookie = get('thread-cookie')
  if (cookie) {
    const otherLoad = (r: RouteResult) => r.cpu.othersBusyShare ?? 0
    const unevenLoad = Math.abs(otherLoad(cookie) - otherLoad(thread)) > 0.1
    lines.push(
      `- **Returning anonymous visitor** (CSRF cookie sent, none set): ${fmtInt(cookie.requestsPerSecond)} pages/s and ${fmtCpu(cookie.cpu.serverMsPerRequest)} ms of Node CPU per page, against ${fmtInt(thread.requestsPerSecond)} pages/s and ${fmtCpu(thread.cpu.serverMsPerRequest)} ms for a first visit${unevenLoad ? ` (other work took ${fmtShare(otherLoad(cookie))} of the machine during one and ${fmtShare(otherLoad(thread))} during the other: compare the CPU figures)` : ''}.`,
    )
  }
  const single = get('thread-1conn')
  if (single) {
    lines.push(
      `- **One connection, no queue:** the page takes p50 ${fmtMs(single.p50)} ms, p99 ${fmtMs(single.p99)} ms (${fmtInt(single.requestsPerSecond)} pages/s, Node ${fmtCpu(single.cpu.serverMsPerRequest)} ms + PostgreSQL ${fmtCpu(single.cpu.postgresMsPerRequest)} ms of CPU each). That is the floor under any latency at ${C} connections.`,
    )
  }
  return lines.join('\n')
}

/** Replaces this benchmark's section of the results file, keeping every other section. */
export function writeResults(file: string, section: string): void {
  writeSection(file, SECTION_TITLE, section)
}
