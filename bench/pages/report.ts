import { existsSync, readFileSync } from 'node:fs'
import type { Group, GroupGoal } from './routes'

// The "Pages" section of bench/RESULTS.md, from the figures of one run.

export interface StatementProfile {
  statementsPerRequest: number
  /** PostgreSQL execution + planning time per request, summed over its statements (no load). */
  databaseMsPerRequest: number
  /** One request's wall time at one connection (no load). */
  wallMsPerRequest: number
  top: { query: string; meanMs: number; callsPerRequest: number } | null
}

export interface PageResult {
  key: string
  label: string
  group: Group
  requestsPerSecond: number
  p50: number
  p99: number
  total: number
  errors: string | null
  appCpuMs: number | null
  postgresCpuMs: number | null
  othersBusyShare: number | null
  bytes: number
  statements: StatementProfile | null
}

export interface SizeRun {
  kind: 'postgres' | 'pglite'
  version?: string
  threads: number
  reference: PageResult[]
  pages: PageResult[]
  loadAverage: number[]
  /** False when this size was not indexed for search (its search pages are not measured). */
  searchIndexed: boolean
}

const int = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2))
const size = (threads: number) => (threads >= 1_000_000 ? `${threads / 1_000_000}M` : threads >= 1000 ? `${threads / 1000}k` : String(threads))

export function renderPagesSection(input: {
  title: string
  runs: SizeRun[]
  seeding: { kind: string; threads: number; seconds: number | null }[]
  startedAt: Date
  machine: { cpu: string; cores: number; node: string }
  settings: { duration: number; warmup: number; connections: number }
  groups: Record<Exclude<Group, 'reference'>, GroupGoal>
  findingsFile: string
}): string {
  const out: string[] = [input.title, '']
  out.push(
    `- **Run:** ${input.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${input.machine.cpu}, ${input.machine.cores} cores, Node ${input.machine.node}. ` +
      `The machine is shared with other work (other sessions building and testing at the same time); ` +
      `the column "others" is the share of all cores busy with processes that are not this benchmark's. Only ratios within one run compare.`,
    `- **Load:** wrk, ${input.settings.connections} connections, 2 threads, ${input.settings.warmup} s warm-up then ${input.settings.duration} s measured per page; ` +
      `the reference (a bare Hono app in the same process, one primary-key select through postgres.js, no middleware) is measured before and after the pages and its mean is the divisor.`,
    `- **Columns:** ratio = page req/s ÷ reference req/s; app and PG = CPU ms per request of the app process and of PostgreSQL (all backends) under load; ` +
      `stmts = statements per request and DB = their execution + planning ms per request, from pg_stat_statements over ${'sequential'} requests without load; 1-conn = one request's wall time without load.`,
    `- **Data generation** (kept between runs; "reused" when a kept database was current): ` +
      input.seeding.map((s) => `${s.kind} ${size(s.threads)}: ${s.seconds === null ? 'reused' : `${Math.round(s.seconds)} s`}`).join(', ') +
      '.',
    '',
  )
  for (const run of input.runs) {
    const reference = run.reference.reduce((sum, r) => sum + r.requestsPerSecond, 0) / Math.max(1, run.reference.length)
    out.push(`### ${run.version ?? run.kind}, ${int(run.threads)} threads`, '')
    out.push(
      `Reference: ${run.reference.map((r) => `${int(r.requestsPerSecond)} req/s (p99 ${ms(r.p99)} ms)`).join(' before, ')} after; mean ${int(reference)} req/s. Load average at the end: ${run.loadAverage.map((n) => n.toFixed(1)).join(' / ')}.`,
      '',
    )
    if (!run.searchIndexed && run.kind === 'postgres') out.push('Search was not indexed at this size (BENCH_SEARCH_INDEX_UP_TO), so search and similar questions are not measured here.', '')
    out.push('| page | req/s | ratio | p50 ms | p99 ms | goal | app CPU ms | PG CPU ms | stmts | DB ms | 1-conn ms | KiB | others |')
    out.push('|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|')
    for (const page of run.pages) {
      const goal = page.group === 'reference' ? null : input.groups[page.group]
      const ratio = page.requestsPerSecond / reference
      const ratioGoal = page.group === 'search' && run.threads < 100_000 ? null : goal?.minRatio
      const met = page.errors
        ? `**errors: ${page.errors}**`
        : run.kind === 'pglite' || !goal
          ? 'no goal'
          : (ratioGoal === null || ratioGoal === undefined || ratio >= ratioGoal) && page.p99 < goal.maxP99Ms
            ? 'met'
            : `**not met** (${[ratioGoal !== null && ratioGoal !== undefined && ratio < ratioGoal ? `ratio < ${ratioGoal}` : '', page.p99 >= goal.maxP99Ms ? `p99 ≥ ${goal.maxP99Ms}` : ''].filter(Boolean).join(', ')})`
      const s = page.statements
      out.push(
        `| ${page.label} | ${int(page.requestsPerSecond)} | ${ratio.toFixed(2)} | ${ms(page.p50)} | ${ms(page.p99)} | ${met} | ${ms(page.appCpuMs)} | ${ms(page.postgresCpuMs)} | ${s ? s.statementsPerRequest.toFixed(1) : '–'} | ${s ? ms(s.databaseMsPerRequest) : '–'} | ${s ? ms(s.wallMsPerRequest) : '–'} | ${(page.bytes / 1024).toFixed(1)} | ${page.othersBusyShare === null ? '–' : `${Math.round(page.othersBusyShare * 100)} %`} |`,
      )
    }
    out.push('')
    const slow = run.pages.filter((page) => page.statements?.top && page.statements.top.meanMs * page.statements.top.callsPerRequest >= 1)
    if (slow.length > 0) {
      out.push('<details><summary>The costliest statement of each page that spends ≥ 1 ms in one</summary>', '')
      for (const page of slow) out.push(`- ${page.label}: ${ms(page.statements!.top!.meanMs)} ms × ${page.statements!.top!.callsPerRequest.toFixed(1)}: \`${page.statements!.top!.query.replaceAll('`', "'")}\``)
      out.push('', '</details>', '')
    }
  }
  if (existsSync(input.findingsFile)) out.push(readFileSync(input.findingsFile, 'utf8').trim(), '')
  return out.join('\n')
}
