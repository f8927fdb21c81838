import { existsSync, readFileSync } from 'node:fs'
import { fmtInt, fmtMs, type Machine } from '../http/report'
import { writeSection } from '../support/results-file'
import { GROUP_NOTES, GROUPS, type Group } from './latency-queries'

// Turns a run of bench/search/latency.ts into the "## Search: latency at 10k, 100k and 1M
// threads" section of bench/RESULTS.md. Figures are computed here; the hand-written analysis
// lives in bench/search/latency-findings.md and is copied in at the end.

export const SECTION_TITLE = '## Search: latency at 10k, 100k and 1M threads'

/** The goals from the issue, on PostgreSQL. */
export const GOAL = { searchP95Ms: 20, searchAtThreads: 100_000, maxGrowth: 2, similarP95Ms: 30 }

export interface OpResult {
  key: string
  group: Group
  /** The query text, or the held-out question's title. */
  label: string
  filters: string
  /** Milliseconds of the timed passes. */
  samples: number[]
  /** What the search answered (from the warm-up pass): matches (capped), capped, corrected text. */
  total: number | null
  capped: boolean
  corrected: string | null
  hits: number
}

export interface StatementStat {
  query: string
  calls: number
  meanPlanMs: number
  meanExecMs: number
  totalMs: number
  rowsPerCall: number
}

export interface ExplainResult {
  key: string
  group: Group
  label: string
  p95: number
  /** Every statement the call ran, with its EXPLAIN (ANALYZE, BUFFERS) execution time. */
  statements: { summary: string; executionMs: number; planningMs: number }[]
  /** The plan of the slowest statement. */
  plan: string
}

export interface SizeRun {
  threads: number
  replies: number
  visibleThreads: number
  seedSeconds: number
  indexSeconds: number
  indexedThreads: number
  vacuumSeconds: number
  /** Building the tier of newest documents (search.maintain), and how many it holds; absent in older figures. */
  tierSeconds?: number
  tierDocuments?: number | null
  relationBytes: Record<string, number>
  databaseBytes: number
  diskBytes: number | null
  consistency: Record<string, number>
  ops: OpResult[]
  /** Database CPU per measured call (PostgreSQL backends), and the share of the machine others used. */
  dbCpuMsPerOp: number | null
  /** CPU of this process per call: the client, and for PGlite the database too. Absent in older figures. */
  processCpuMsPerOp?: number
  othersBusyShare: number | null
  statements: StatementStat[] | null
  explains: ExplainResult[]
}

export interface DatabaseRun {
  kind: 'postgres' | 'pglite'
  title: string
  version: string
  settings: string[]
  sizes: SizeRun[]
  /** Sizes that were attempted but not finished, and why. */
  skipped: string[]
}

export interface LatencyReport {
  machine: Machine
  startedAt: string
  totalSeconds: number
  passes: number
  indexBatch: number
  similarQuestions: number
  freeDiskBefore: string
  peakDiskBytes: number
  runs: DatabaseRun[]
  /** Hand-written findings included at the end of the section, if the file exists. */
  findingsFile: string
}

export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

const sizeLabel = (threads: number) => (threads >= 1_000_000 ? `${threads / 1_000_000}M` : threads >= 1_000 ? `${threads / 1_000}k` : String(threads))
const fmtBytes = (bytes: number) =>
  bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(0)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`
const fmtSeconds = (seconds: number) => (seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`)
const cell = (text: string) => text.replace(/\|/g, '\\|')

export const SEARCH_GROUPS: Group[] = [...GROUPS]
const ROWS: { key: string; label: string; groups: Group[] }[] = [
  ...GROUPS.map((group) => ({ key: group, label: group, groups: [group] })),
  { key: 'search', label: '**all searches**', groups: [...GROUPS] },
  { key: 'similar', label: '**similar()**', groups: ['similar'] },
]

export function samplesOf(size: SizeRun, groups: Group[]): number[] {
  return size.ops.filter((op) => groups.includes(op.group)).flatMap((op) => op.samples)
}

function latencyTable(run: DatabaseRun): string {
  const sizes = run.sizes
  const growthPair = growthSizes(run)
  const head = [
    '| Group | ' + sizes.map((s) => `${sizeLabel(s.threads)} p50 | ${sizeLabel(s.threads)} p95 | ${sizeLabel(s.threads)} max`).join(' | ') + (growthPair ? ` | p95 ${growthPair.label} |` : ' |'),
    '|---|' + sizes.map(() => '--:|--:|--:|').join('') + (growthPair ? '--:|' : ''),
  ]
  const lines = ROWS.map((row) => {
    const cells = sizes.map((size) => {
      const samples = samplesOf(size, row.groups)
      return `${fmtMs(percentile(samples, 0.5))} | ${fmtMs(percentile(samples, 0.95))} | ${fmtMs(Math.max(...samples))}`
    })
    let growth = ''
    if (growthPair) growth = ` | ${(percentile(samplesOf(growthPair.to, row.groups), 0.95) / percentile(samplesOf(growthPair.from, row.groups), 0.95)).toFixed(2)}×`
    return `| ${row.label} | ${cells.join(' | ')}${growth} |`
  })
  return [...head, ...lines].join('\n')
}

function growthSizes(run: DatabaseRun): { from: SizeRun; to: SizeRun; label: string } | null {
  const from = run.sizes.find((s) => s.threads === 100_000)
  const to = run.sizes.find((s) => s.threads === 1_000_000)
  if (from && to) return { from, to, label: '1M ÷ 100k' }
  if (run.sizes.length >= 2) {
    const a = run.sizes[run.sizes.length - 2]!
    const b = run.sizes[run.sizes.length - 1]!
    return { from: a, to: b, label: `${sizeLabel(b.threads)} ÷ ${sizeLabel(a.threads)}` }
  }
  return null
}

function dataTable(run: DatabaseRun): string {
  const head =
    '| Threads | Replies | Seed (this step) | Index (this step) | Threads indexed/s | VACUUM ANALYZE | Tier: documents (build) | threads | replies | search_documents | of which GIN (words and word pairs) | search_vectors | tier indexes | search_terms + search_lexemes | Database | Data directory |\n|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
  const lines = run.sizes.map((s) => {
    const rb = s.relationBytes
    return `| ${fmtInt(s.threads)} | ${fmtInt(s.replies)} | ${fmtSeconds(s.seedSeconds)} | ${fmtSeconds(s.indexSeconds)} | ${fmtInt(s.indexedThreads / Math.max(s.indexSeconds, 0.001))} | ${fmtSeconds(s.vacuumSeconds)} | ${s.tierDocuments ? `${fmtInt(s.tierDocuments)} (${fmtSeconds(s.tierSeconds ?? 0)})` : 'none'} | ${fmtBytes(rb.threads ?? 0)} | ${fmtBytes(rb.replies ?? 0)} | ${fmtBytes(rb.search_documents ?? 0)} | ${fmtBytes(rb.search_documents_document_idx ?? 0)} | ${fmtBytes(rb.search_vectors ?? 0)} | ${fmtBytes(rb.search_tier_indexes ?? 0)} | ${fmtBytes((rb.search_terms ?? 0) + (rb.search_lexemes ?? 0))} | ${fmtBytes(s.databaseBytes)} | ${s.diskBytes === null ? 'n/a' : fmtBytes(s.diskBytes)} |`
  })
  return [head, ...lines].join('\n')
}

function perQueryTable(run: DatabaseRun): string {
  const sizes = run.sizes
  const head = [
    '| Group | Query | Filters | ' + sizes.map((s) => `${sizeLabel(s.threads)}: matches · p50 / p95 ms`).join(' | ') + ' |',
    '|---|---|---|' + sizes.map(() => '--:|').join(''),
  ]
  const first = sizes[0]
  if (!first) return ''
  const lines = first.ops.map((op) => {
    const cells = sizes.map((size) => {
      const found = size.ops.find((o) => o.key === op.key)
      if (!found) return '–'
      const matches =
        found.total === null ? `${found.hits} hits` : `${fmtInt(found.total)}${found.capped ? '+' : ''}${found.corrected ? ` → "${cell(found.corrected)}"` : ''}`
      return `${matches} · ${fmtMs(percentile(found.samples, 0.5))} / ${fmtMs(percentile(found.samples, 0.95))}`
    })
    const label = op.group === 'similar' ? `${cell(op.label.slice(0, 60))}${op.label.length > 60 ? '…' : ''}` : `\`${cell(op.label)}\``
    return `| ${op.group} | ${label} | ${op.filters || ''} | ${cells.join(' | ')} |`
  })
  return [...head, ...lines].join('\n')
}

function statementTable(statements: StatementStat[]): string {
  const head = '| Statement (pg_stat_statements, shortened) | Calls | Plan ms (mean) | Execute ms (mean) | Total ms | Rows/call |\n|---|--:|--:|--:|--:|--:|'
  const lines = statements.map((s) => {
    // The ranked query's variants differ only in their filters: show the where clause too.
    const where = /where d\.document @@ q\.query (.*?) limit/.exec(s.query)?.[1]
    const head = s.query.length > 160 ? `${s.query.slice(0, 160)}…` : s.query
    const text = where ? `${head} where d.document @@ q.query ${where} …` : head
    return `| \`${text.replace(/\|/g, '\\|').replace(/`/g, "'")}\` | ${fmtInt(s.calls)} | ${s.meanPlanMs.toFixed(3)} | ${s.meanExecMs.toFixed(3)} | ${fmtInt(s.totalMs)} | ${s.rowsPerCall.toFixed(1)} |`
  })
  return [head, ...lines].join('\n')
}

function goalSection(run: DatabaseRun): string[] {
  const at = run.sizes.find((s) => s.threads === GOAL.searchAtThreads)
  const top = run.sizes.find((s) => s.threads === 1_000_000)
  const out = ['### Goals (PostgreSQL)', '', '| Measure | Goal | Measured | |', '|---|---|--:|---|']
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**')
  const all = (size: SizeRun) => percentile(samplesOf(size, SEARCH_GROUPS), 0.95)
  const similar = (size: SizeRun) => percentile(samplesOf(size, ['similar']), 0.95)
  let met = true
  if (at) {
    const p95 = all(at)
    met &&= p95 < GOAL.searchP95Ms
    out.push(`| Search p95 at 100k threads (all ${SEARCH_GROUPS.length} groups) | < ${GOAL.searchP95Ms} ms | ${fmtMs(p95)} ms | ${verdict(p95 < GOAL.searchP95Ms)} |`)
    for (const group of SEARCH_GROUPS) {
      const g = percentile(samplesOf(at, [group]), 0.95)
      out.push(`| … ${group} | < ${GOAL.searchP95Ms} ms | ${fmtMs(g)} ms | ${g < GOAL.searchP95Ms ? 'within' : 'over'} |`)
    }
  }
  if (at && top) {
    const growth = all(top) / all(at)
    met &&= growth < GOAL.maxGrowth
    const groupGrowth = SEARCH_GROUPS.map((group) => {
      const a = percentile(samplesOf(at, [group]), 0.95)
      const b = percentile(samplesOf(top, [group]), 0.95)
      return `| … ${group} | < ${GOAL.maxGrowth}× | ${(b / a).toFixed(2)}× (${fmtMs(a)} → ${fmtMs(b)} ms) | ${b / a < GOAL.maxGrowth ? 'within' : 'over'} |`
    })
    const someGroupOver = groupGrowth.some((line) => line.endsWith('over |'))
    out.push(
      `| Search p95 growth, 100k → 1M | < ${GOAL.maxGrowth}× | ${growth.toFixed(2)}× (${fmtMs(all(at))} → ${fmtMs(all(top))} ms) | ${verdict(growth < GOAL.maxGrowth)}${growth < GOAL.maxGrowth && someGroupOver ? ' for the mix; not for every group' : ''} |`,
      ...groupGrowth,
    )
    out.push(`| Search p95 at 1M | (< ${GOAL.searchP95Ms * GOAL.maxGrowth} ms follows from the two above) | ${fmtMs(all(top))} ms | ${verdict(all(top) < GOAL.searchP95Ms * GOAL.maxGrowth)} |`)
  }
  for (const size of [at, top]) {
    if (!size) continue
    const p95 = similar(size)
    met &&= p95 < GOAL.similarP95Ms
    out.push(`| similar() p95 at ${sizeLabel(size.threads)} | < ${GOAL.similarP95Ms} ms | ${fmtMs(p95)} ms | ${verdict(p95 < GOAL.similarP95Ms)} |`)
  }
  out.push('', met ? '**Every goal is met.**' : '**Not every goal is met**: see the plans and the analysis below.', '')
  return out
}

export function renderSection(report: LatencyReport): string {
  const out: string[] = [SECTION_TITLE, '']
  const pg = report.runs.find((run) => run.kind === 'postgres')
  const firstSize = report.runs[0]?.sizes[0]
  out.push(
    `Generated by \`npm run bench:search-latency\` (bench/search/latency.ts) on ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC; the whole run took ${fmtSeconds(report.totalSeconds)}, and the data directories took at most ${fmtBytes(report.peakDiskBytes)} of disk (free before the run: ${report.freeDiskBefore}). The machine is shared and noisy: read single figures as magnitudes; the "others" column says how busy the rest of the machine was.`,
    '',
    `- **Machine:** ${report.machine.cpuModel}, **${report.machine.cores} cores**, Linux ${report.machine.kernel}, Node ${report.machine.node}; load average ${report.machine.loadBefore.map((n) => n.toFixed(2)).join(' / ')} before the run.`,
    `- **Databases:** ${report.runs.map((run) => run.version).join('; ')}.`,
    ...(pg ? [`- **PostgreSQL settings** (a throwaway cluster from test/support/postgres-cluster.ts): ${pg.settings.map((s) => `\`${s}\``).join(', ')}. The seed's own connections also set \`jit = off\`; the measured connection keeps the server's settings.`] : []),
    `- **Data:** a synthetic product-support forum (bench/search/latency-corpus.ts), generated in SQL from \`generate_series\`; every value is a hash of the row id, so each size contains the smaller ones and both databases hold the same rows. A vocabulary of 5,000 tokens drawn by Zipf rank (P ∝ 1/rank): stop words and ~500 real support words at the head, 40 product terms, 75 recurring phrases, then made-up words for the tail; plus error codes (1 of 20,000, in a third of questions) and version numbers. Titles 6-14 words, questions 40-200 words, 0-5 replies of 20-80 words (3 % hidden), ~40 % of threads with an accepted reply, 1 % of threads hidden, 8 categories, 5,000 users, thread votes behind \`upvote_count\`. Counters (reply count, first answer, last activity, votes, accepted reply) are checked with SQL after every step.`,
    `- **Growth:** one database per engine, grown ${report.runs[0]?.sizes.map((s) => sizeLabel(s.threads)).join(' → ')}; at each size the new threads are seeded, indexed through \`PostgresSearchIndex.indexThreads\` in batches of ${report.indexBatch} ids (as \`rebuildSearchIndex\` does), then \`VACUUM ANALYZE\`, then measured.`,
    `- **Measured:** \`PostgresSearchIndex.search()\` (sort relevance, page 1, 20 per page; no filters except the "filtered" group) and \`similar()\` (limit 5) called from this process through the app's own client (\`openPostgres\` / \`openPglite\`, postgres.js or PGlite, Drizzle), one call at a time: latency, not throughput. The time is the whole call as the app sees it: every statement it runs (search: the searchable check, which also looks up the closest known word for each word missing from the vocabulary, the ranked query, and for fewer than 3 matches a second try with those words corrected; similar: the term weights, then the candidates and their scores), including round trips and row parsing. One warm-up pass over all ${firstSize ? firstSize.ops.length : '?'} calls, then ${report.passes} timed passes, each in a fresh shuffled order (${report.passes} samples per call, ${report.passes * 10} per group of 10). Percentiles are nearest-rank over the group's samples.`,
    `- **Query set** (bench/search/latency-queries.ts, the full list with matches per size is below): ${(['narrow', 'broad', 'phrase', 'typo', 'filtered', 'similar'] as Group[]).map((g) => `**${g}**: ${GROUP_NOTES[g]}`).join('; ')}. ${report.similarQuestions} held-out questions for similar().`,
    '',
    '### Data, seeding and indexing',
    '',
  )
  for (const run of report.runs) {
    out.push(`**${run.title}**`, '', dataTable(run), '')
    if (run.skipped.length) out.push(...run.skipped.map((s) => `- ${s}`), '')
  }
  out.push(
    'Seed and index times are for the step from the previous size. Sizes are `pg_total_relation_size` (table, TOAST and indexes) and `pg_database_size` after VACUUM ANALYZE; "data directory" is `du` of the whole directory, WAL included.',
    '',
    '### Latency (ms)',
    '',
  )
  for (const run of report.runs) {
    out.push(`**${run.title}**`, '', latencyTable(run), '')
    const noise = run.sizes
      .map((s) => `${sizeLabel(s.threads)}: ${s.dbCpuMsPerOp === null ? '' : `PostgreSQL CPU ${s.dbCpuMsPerOp.toFixed(1)} ms per call, `}${s.processCpuMsPerOp === undefined ? '' : `this process${run.kind === 'pglite' ? ' (PGlite included)' : ''} ${s.processCpuMsPerOp.toFixed(1)} ms per call, `}${s.othersBusyShare === null ? 'share of other work not measured' : `others used ${Math.round(s.othersBusyShare * 100)} % of the machine`}`)
      .join('; ')
    out.push(`During the timed passes: ${noise}.`, '')
  }
  if (pg) out.push(...goalSection(pg))

  for (const run of report.runs) {
    out.push(`<details><summary>Every query on ${run.title}: matches (+ = more than the ranked-set cap; → the corrected query) and p50 / p95</summary>`, '', perQueryTable(run), '', '</details>', '')
  }

  const largest = pg?.sizes[pg.sizes.length - 1]
  if (largest?.statements?.length) {
    out.push(
      `### Where the time goes (PostgreSQL, ${sizeLabel(largest.threads)} threads)`,
      '',
      `Statements of the timed passes, by total time (pg_stat_statements, reset before the passes; ${sizeLabel(largest.threads)}):`,
      '',
      statementTable(largest.statements),
      '',
    )
  }
  for (const size of pg?.sizes ?? []) {
    if (!size.explains.length) continue
    out.push(
      `<details><summary>EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each group at ${sizeLabel(size.threads)} threads (PostgreSQL)</summary>`,
      '',
    )
    for (const explain of size.explains) {
      out.push(
        `**${explain.group}: \`${cell(explain.label.slice(0, 80))}\`** (p95 ${fmtMs(explain.p95)} ms). Statements: ${explain.statements.map((s) => `${s.summary} ${fmtMs(s.executionMs)} ms (+ ${fmtMs(s.planningMs)} planning)`).join('; ')}. The slowest:`,
        '',
        '```',
        explain.plan,
        '```',
        '',
      )
    }
    out.push('</details>', '')
  }

  if (existsSync(report.findingsFile)) {
    const findings = readFileSync(report.findingsFile, 'utf8')
      .replace(/^# .*\n+/, '')
      .replace(/<!--[\s\S]*?-->\n*/g, '')
      .trim()
    out.push('### Analysis and recommendations', '', '*Hand-written from this run\'s figures and plans; kept in bench/search/latency-findings.md and copied here by each run.*', '', findings, '')
  }
  return out.join('\n').trimEnd() + '\n'
}

/** Replaces one `## ` section of the results file, keeping every other section. */
export { writeSection }
