import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { sql } from 'drizzle-orm'
import type { Ctx } from '../../src/ctx'
import { openPostgres, queryRows } from '../../src/db/client'
import { getBoard, type BoardFilters } from '../../src/queue'
import { getScoreboard, rebuildScoreboardFacts } from '../../src/scoreboard'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { ITEMS, NOW, seed } from './seed'

// Where the scoreboard's numbers lead, at scale: the board behind every linked number of the
// 90-day scoreboard (its figure filters: an event between dates, a shift, an SLA outcome, a
// top issue...), timed as getBoard (first page, the count of all it selects, the words), beside
// the default board in the same run. Prints the plans of the statements over 50 ms (auto_explain
// with ANALYZE). Console only:
//
//   npm run bench:scoreboard-links            # 100k items, 1M events (BENCH_SCOREBOARD_ITEMS to change)

const RUNS = Number(process.env.BENCH_LINK_RUNS ?? 3)
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!

async function time(work: () => Promise<unknown>): Promise<number[]> {
  await work()
  const ms: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    await work()
    ms.push(performance.now() - started)
  }
  return ms
}

async function main(): Promise<void> {
  const cluster = await startPostgresCluster({
    settings: {
      shared_buffers: "'512MB'",
      work_mem: "'64MB'",
      session_preload_libraries: "'auto_explain'",
      'auto_explain.log_min_duration': "'-1'",
      'auto_explain.log_analyze': 'on',
      'auto_explain.log_timing': 'off',
    },
  })
  try {
    const database = openPostgres(cluster.url, { poolSize: 10 })
    try {
      await database.migrate()
      await seed(database)
      await rebuildScoreboardFacts(database.db, NOW)
      await database.db.execute(sql`analyze`)
      // From here on, the plan of every statement over 50 ms goes to the server log.
      await database.db.execute(sql`alter system set auto_explain.log_min_duration = '50ms'`)
      await database.db.execute(sql`select pg_reload_conf()`)
      const [counts] = await queryRows<{ items: number; events: number }>(
        database.db,
        sql`select (select count(*) from queue_items)::int as items, (select count(*) from queue_item_events)::int as events`,
      )
      console.log(`${counts!.items} items, ${counts!.events} events`)
      const actor = { id: 1, role: 'support' as const, displayName: 'Staff 1', email: 's1@bench.test', organisationId: null }
      const ctx: Ctx = { actor, db: database.db, now: () => NOW, requestId: 'bench' }
      const scoreboard = await getScoreboard(ctx, { period: '90' })
      // One link per figure and column (the first row that has one): the kinds of filter, not every person.
      const links = new Map<string, string>()
      for (const figure of scoreboard.figures)
        for (const row of figure.table.rows)
          row.forEach((cell, index) => {
            const key = `${figure.key} / ${figure.table.columns[index]}`
            if (cell.href?.startsWith('/queue?') && !links.has(key)) links.set(key, cell.href)
          })
      const reference = await time(() => getBoard(ctx, {}))
      console.log(`reference, the default board: p50 ${quantile(reference, 0.5).toFixed(0)} ms`)
      const results: { key: string; href: string; p50: number; items: number }[] = []
      for (const [key, href] of links) {
        const filters = Object.fromEntries(new URL(href, 'http://x').searchParams) as BoardFilters
        let items = 0
        const ms = await time(async () => {
          items = (await getBoard(ctx, filters)).figure?.items ?? 0
        })
        results.push({ key, href, p50: quantile(ms, 0.5), items })
        console.log(`${key}: p50 ${quantile(ms, 0.5).toFixed(0)} ms (${(quantile(ms, 0.5) / quantile(reference, 0.5)).toFixed(1)}x the default board), ${items} items  ${href}`)
      }
      console.log(`load average (1/5/15 min): ${loadavg().map((value) => value.toFixed(1)).join(' / ')}; ${ITEMS} items`)
      // The plans of statements over 50 ms in the timed part, as auto_explain logged them.
      const [{ dir }] = (await queryRows<{ dir: string }>(database.db, sql`select current_setting('data_directory') as dir`)) as [{ dir: string }]
      const log = readFileSync(join(dirname(dir), 'server.log'), 'utf8')
      const plans = log.split(/\n(?=\S)/).filter((entry) => entry.includes('duration:') && entry.includes('Query Text'))
      console.log(`\n${plans.length} statements over 50 ms in the timed part; their plans:\n`)
      for (const plan of plans.slice(-12)) console.log(plan.slice(0, 6000), '\n')
    } finally {
      await database.close()
    }
  } finally {
    cluster.stop()
  }
}

await main()
