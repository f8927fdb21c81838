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

export default defineConfig({
  oxc: jsx,
  test: {
    projects: [
      { oxc: jsx, test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'] } },
      {
        oxc: jsx,
        test: {
          name: 'pglite',
          include: integration,
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
