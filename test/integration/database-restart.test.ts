import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findPostgresBin, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster'

// The forum as a real process on a PostgreSQL server of its own (restarting the shared test server
// would break the other files), restarted with `pg_ctl restart -m fast` under a steady stream of
// requests. Before the fix, postgres.js's null-socket write (src/db/driver-guard.ts) ended the
// process about every time; a child process is the honest way to show that it no longer does.

const root = fileURLToPath(new URL('../..', import.meta.url))
const runHere = process.env.TEST_DB === 'postgres' && findPostgresBin() !== null

interface Outcome {
  kind: 'get' | 'htmx' | 'signup'
  status: number | 'timeout' | 'network'
  retryAfter: string | null
  body: string
  startedAt: number
}

describe.runIf(runHere)('a database restart under load', () => {
  let cluster: PostgresCluster
  let child: ChildProcess
  let output = ''
  let base = ''
  let sql: postgres.Sql

  beforeAll(async () => {
    cluster = await startPostgresCluster()
    child = spawn(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, 'src/server.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: cluster.url,
        PORT: '0',
        HOST: '127.0.0.1',
        PUBLIC_URL: 'http://127.0.0.1',
        // Every sign-up comes from 127.0.0.1: distinct forwarded addresses keep the rate limit out of it.
        TRUST_PROXY: 'true',
        // The load signs up a thousand people in seconds: the sign-up form's bot checks (a minimum
        // fill-in time) and the write limits are tested elsewhere and would refuse it here.
        FORM_BOT_CHECKS: 'false',
        WRITE_RATE_LIMITS: 'false',
        LOG_LEVEL: 'warn',
        OUTBOX_POLL_MS: '200',
        MEILI_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (chunk) => (output += chunk))
    child.stderr!.on('data', (chunk) => (output += chunk))
    const started = Date.now()
    while (!/port (\d+)/.test(output)) {
      if (child.exitCode !== null || Date.now() - started > 40_000) throw new Error(`the forum did not start:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    base = `http://127.0.0.1:${/port (\d+)/.exec(output)![1]}`
    sql = postgres(cluster.url, { max: 1, onnotice: () => {} })
    await sql`insert into categories (slug, name, team, created_at) values ('general', 'General', 'support', now()) on conflict (slug) do nothing`
  }, 60_000)

  afterAll(async () => {
    child?.kill('SIGTERM')
    await sql?.end({ timeout: 1 }).catch(() => {})
    cluster?.stop()
  })

  // A request must get an answer (a page or a clean 503), not hang. The bound is generous because
  // this file shares two cores with the rest of the suite and a quarter of the load hashes
  // passwords (argon2id): CI measured sign-ups queued past 5 s with PostgreSQL up the whole time.
  const REQUEST_TIMEOUT_MS = 20_000

  it('answers 503 while PostgreSQL restarts, never crashes or 500s, and works again afterwards', async () => {
    const csrf = await csrfCookie()
    const outcomes: Outcome[] = []
    let stop = false
    let sent = 0
    const loop = async () => {
      while (!stop && sent < 6000) {
        const n = sent++
        const kind = n % 4 === 0 ? 'signup' : n % 4 === 1 ? 'htmx' : 'get'
        const startedAt = performance.now()
        try {
          const response =
            kind === 'signup'
              ? await fetch(`${base}/signup`, {
                  method: 'POST',
                  redirect: 'manual',
                  signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
                  headers: {
                    'content-type': 'application/x-www-form-urlencoded',
                    cookie: `csrf=${csrf}`,
                    'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
                  },
                  body: new URLSearchParams({ _csrf: csrf, email: `load${n}@example.test`, displayName: `Load ${n}`, password: 'correct horse battery staple' }),
                })
              : await fetch(`${base}/categories`, {
                  redirect: 'manual',
                  signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
                  headers: kind === 'htmx' ? { 'hx-request': 'true' } : {},
                })
          outcomes.push({ kind, status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text(), startedAt })
        } catch (error) {
          const timedOut = error instanceof Error && error.name === 'TimeoutError'
          outcomes.push({ kind, status: timedOut ? 'timeout' : 'network', retryAfter: null, body: String(error), startedAt })
        }
      }
    }
    const loops = Array.from({ length: 16 }, loop)

    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await cluster.restart('fast')
    const restartedAt = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    stop = true
    await Promise.all(loops)

    expect(child.exitCode, output).toBeNull()
    const statuses = outcomes.map((outcome) => outcome.status)
    // Every answer was a success or a clean 503: no 500, no timeout, no dropped connection.
    expect(statuses.filter((status) => status !== 200 && status !== 303 && status !== 503)).toEqual([])
    const unavailable = outcomes.filter((outcome) => outcome.status === 503)
    expect(unavailable.length).toBeGreaterThan(0)
    for (const outcome of unavailable) {
      expect(outcome.retryAfter).toMatch(/^\d+$/)
      expect(outcome.body).toContain('Please retry in a moment')
      expect(outcome.body).not.toMatch(/\bat .+:\d+:\d+/)
      if (outcome.kind === 'htmx') expect(outcome.body).not.toContain('<html')
      else expect(outcome.body).toContain('<html')
    }
    // Requests sent a second after the restart finished all succeeded.
    expect(outcomes.filter((outcome) => outcome.startedAt > restartedAt + 1_000 && outcome.status !== 200 && outcome.status !== 303)).toEqual([])

    // A write through the real forms works, and the worker delivers the outbox row it wrote.
    const signUp = await fetch(`${base}/signup`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrf=${csrf}`, 'x-forwarded-for': '10.255.0.1' },
      body: new URLSearchParams({ _csrf: csrf, email: 'after@example.test', displayName: 'After', password: 'correct horse battery staple' }),
    })
    expect(signUp.status).toBe(303)
    const session = signUp.headers.getSetCookie().find((line) => line.startsWith('session='))!.split(';')[0]!
    const [category] = await sql<{ id: number }[]>`select id from categories where slug = 'general'`
    const ask = await fetch(`${base}/ask`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `csrf=${csrf}; ${session}` },
      body: new URLSearchParams({
        _csrf: csrf,
        title: 'Does the forum survive a database restart?',
        body: 'Asked right after PostgreSQL came back, to see that writes and the outbox work again.',
        categoryId: String(category!.id),
        tags: '',
      }),
    })
    expect(ask.status, await ask.clone().text()).toBe(303)
    const [thread] = await sql<{ id: number }[]>`select id from threads where title = 'Does the forum survive a database restart?'`
    const key = `search:thread:${thread!.id}`
    const deadline = Date.now() + 10_000
    let pending = 1
    while (pending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      const [row] = await sql<{ pending: number }[]>`select count(*)::int as pending from outbox where key = ${key}`
      pending = row!.pending
    }
    expect(pending).toBe(0)
    expect(child.exitCode, output).toBeNull()
  }, 60_000)

  async function csrfCookie(): Promise<string> {
    const response = await fetch(`${base}/categories`)
    await response.text()
    return response.headers.getSetCookie().find((line) => line.startsWith('csrf='))!.split(';')[0]!.slice('csrf='.length)
  }
})
