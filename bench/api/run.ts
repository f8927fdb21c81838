import { cpus, release } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanUpAll, cleanUpOnSignals } from '../support/cleanup'
import { writeSection } from '../support/results-file'
import { runFanout, type FanoutRun } from './fanout'
import { runLists, type ListsRun } from './lists'

// `npm run bench:api`: (a) the API's two big lists at 100k rows beside the one-select reference,
// (b) webhook fan-out of 10,000 events to 3 endpoints. BENCH_API_PARTS="lists,fanout" picks
// parts; BENCH_RESULTS names the results file (default bench/RESULTS.md, section below).

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const TITLE = '## API: lists at 100k rows, webhook fan-out'
const parts = new Set((process.env.BENCH_API_PARTS ?? 'lists,fanout').split(',').map((part) => part.trim()))
const resultsFile = process.env.BENCH_RESULTS ?? join(repoRoot, 'bench', 'RESULTS.md')

cleanUpOnSignals('stopping the servers, the receivers and the databases')

const int = (value: number) => Math.round(value).toLocaleString('en')

function listsSection(run: ListsRun): string[] {
  const reference = run.results.find((result) => result.key === 'bare-pk')!
  return [
    `### (a) GET /api/v1/threads and GET /api/v1/items at ${int(run.counts.threads)} threads and ${int(run.counts.openItems)} open items (PostgreSQL 15)`,
    '',
    `autocannon, ${run.connections} connections, one route at a time (seconds per route in the table; 3 s of warm-up first, except for the items list), the app and the reference in one`,
    'child process (bench/api/server.ts), database pools of 10 on both sides. Data: bench/queue/priority-seed.ts (100k open items over',
    `2,000 organisations, 50k threads) plus 50k more threads, priorities from the real recompute; seeded in ${run.seedSeconds.toFixed(0)} s.`,
    'Each API request runs the whole stack: token lookup, the per-token rate limit (counted in PostgreSQL), the scope, zod validation, the query, JSON.',
    '',
    '| route | s | req/s | p50 ms | p99 ms | timeouts (60 s) | bytes/response | req/s vs reference |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...run.results.map(
      (result) =>
        `| ${result.label} | ${result.duration} | ${int(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${result.timeouts} | ${int(result.bytesPerResponse)} | ${result.key === 'bare-pk' ? '1' : (result.requestsPerSecond / reference.requestsPerSecond).toFixed(2)} |`,
    ),
    '',
  ]
}

function fanoutSection(run: FanoutRun): string[] {
  const exact = run.received === run.expected && run.distinct === run.expected && run.doubled === 0 && run.badSignatures === 0
  return [
    `### (b) Webhook fan-out: ${int(run.events)} events to ${run.endpoints} endpoints`,
    '',
    `${int(run.events)} \`item.state_changed\` events written as the verbs write them (event, a delivery per endpoint, its outbox row; 50 a transaction, ${run.emitSeconds.toFixed(1)} s,`,
    'not timed below), then two app instances (`src/server.ts`, outbox polling every 100 ms, 4 lanes each) on one PostgreSQL deliver them',
    'through the SSRF guard (loopback allowed for these endpoints) to 3 local HTTP receivers that verify every signature with `standardwebhooks`.',
    'The clock starts when the instances are started (their start-up included).',
    '',
    '| figure | value |',
    '|---|--:|',
    `| deliveries expected | ${int(run.expected)} |`,
    `| deliveries received with a valid signature | ${int(run.received)} |`,
    `| distinct (endpoint, webhook-id) pairs | ${int(run.distinct)} |`,
    `| doubled / bad signatures | ${run.doubled} / ${run.badSignatures} |`,
    `| delivery rows by state | ${Object.entries(run.statuses).map(([state, n]) => `${state} ${int(n)}`).join(', ')} |`,
    `| first delivery after start | ${run.firstSeconds.toFixed(1)} s |`,
    `| all delivered after start | ${run.seconds.toFixed(1)} s |`,
    `| deliveries per second | ${int(run.deliveriesPerSecond)} |`,
    '',
    exact
      ? `Exactly ${int(run.expected)} signed deliveries arrived, none doubled, none lost.`
      : `**Not exact**: ${int(run.received)} of ${int(run.expected)} (${run.doubled} doubled, ${run.badSignatures} bad signatures).`,
    '',
  ]
}

async function main(): Promise<void> {
  const lists = parts.has('lists') ? await runLists() : null
  const fanout = parts.has('fanout') ? await runFanout() : null
  const loads = [lists?.load, fanout?.load].filter((load): load is number => load !== undefined).map((load) => load.toFixed(1))
  const section = [
    TITLE,
    '',
    `\`npm run bench:api\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Linux ${release()}.`,
    `**The machine was shared with other work during the run** (1-minute load average at the end of each part: ${loads.join(', ')}), so absolute`,
    'figures are low and noisy; the ratios against the reference, measured in the same run, are the figures to compare.',
    '',
    ...(lists ? listsSection(lists) : []),
    ...(fanout ? fanoutSection(fanout) : []),
  ].join('\n')
  writeSection(resultsFile, TITLE, section)
  console.log(`\n${section}\nwritten to ${resultsFile}`)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => cleanUpAll().then(() => process.exit()))
