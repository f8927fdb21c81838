import { existsSync } from 'node:fs'
import { defineConfig } from 'vitest/config'
import { findPostgresBin } from './test/support/postgres-cluster.ts'

// Which suites can run here. CI sets REQUIRE_POSTGRES=1 and REQUIRE_BROWSER=1 so that a
// missing PostgreSQL or Chromium fails the run instead of quietly skipping it.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const hasBrowser = existsSync(chromium)
const hasPostgres = !!process.env.TEST_DATABASE_URL || findPostgresBin() !== null
const banner = (text: string) => console.warn(`\n${'!'.repeat(78)}\n!! ${text}\n${'!'.repeat(78)}\n`)

if (!hasPostgres) {
  if (process.env.REQUIRE_POSTGRES === '1') throw new Error('REQUIRE_POSTGRES=1 but no PostgreSQL binaries or TEST_DATABASE_URL were found.')
  banner('PostgreSQL not found: integration tests run on PGlite only. Install postgresql or set TEST_DATABASE_URL.')
}
if (!hasBrowser) {
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but no Chromium at ${chromium}.`)
  banner(`No Chromium at ${chromium}: BROWSER TESTS ARE SKIPPED. Install Debian's chromium (apt-get install chromium).`)
}

const jsx = { jsx: { runtime: 'automatic' as const, importSource: 'hono/jsx' } }
const integration = ['test/integration/**/*.test.{ts,tsx}']
// Unit and integration files share their worker's modules (isolate: false): every file
// importing the whole app afresh cost seconds of CPU per file, a third of the suite. Their
// state lives in the app each file builds, not in modules. Browser files stay isolated:
// each starts and closes its own Chromium (test/support/browser.ts).

export default defineConfig({
  oxc: jsx,
  test: {
    // vitest's default on 2 cores is one worker (cores - 1), which ran every file in turn
    // while it waited on PostgreSQL, PGlite's I/O and Chromium. Integration files spend much
    // of their time waiting, so three files at a time keep both cores busy.
    maxWorkers: 3,
    projects: [
      { oxc: jsx, test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], isolate: false } },
      {
        oxc: jsx,
        test: {
          name: 'pglite',
          include: integration,
          isolate: false,
          globalSetup: ['test/support/global-pglite.ts'],
          env: { TEST_DB: 'pglite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(hasPostgres
        ? [
            {
              oxc: jsx,
              test: {
                name: 'postgres',
                include: integration,
                isolate: false,
                globalSetup: ['test/support/global-postgres.ts'],
                env: { TEST_DB: 'postgres' },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
      ...(hasBrowser
        ? [
            {
              oxc: jsx,
              test: {
                name: 'browser',
                include: ['test/e2e/**/*.test.{ts,tsx}'],
                globalSetup: ['test/support/global-pglite.ts'],
                env: { TEST_DB: 'pglite', CHROMIUM_PATH: chromium },
                fileParallelism: false,
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
})
