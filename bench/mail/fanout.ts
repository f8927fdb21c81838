import { spawn, type ChildProcess } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { manualClock } from '../../src/clock'
import type { Ctx } from '../../src/ctx'
import { openPostgres, queryRows } from '../../src/db/client'
import type { User } from '../../src/db/schema'
import { answerEscalation, escalateItem, sendLoopReplies } from '../../src/escalations'
import { askQuestion } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { startPostgresCluster } from '../../test/support/postgres-cluster'
import { cleanUpAll, cleanUpOnSignals, onCleanup } from '../support/cleanup'
import { writeSection } from '../support/results-file'

// A fix announced to every asker of a widespread bug: one "Send the replies" click notifies
// BENCH_RECIPIENTS (10,000) customers, and two app instances on one PostgreSQL deliver the
// mails to a local SMTP sink. Half way, one instance is killed with SIGKILL. The run reports
// the time to deliver all, mails per second, and whether exactly one mail reached each person.
// Results go to bench/RESULTS.md under "## Mail: a fix announced to 10,000 askers".

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 10_000)
const KILL_AT = Math.floor(RECIPIENTS / 2)
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000
const resultsFile = process.env.BENCH_RESULTS ?? join(repoRoot, 'bench', 'RESULTS.md')
const log = (message: string) => console.log(`[bench:mail ${new Date().toISOString().slice(11, 19)}] ${message}`)

cleanUpOnSignals('stopping the app instances, the SMTP sink and the database')

interface Sink {
  port: number
  /** Message-ID -> how many times it arrived. */
  byMessageId: Map<string, number>
  /** Recipient address -> how many mails of the fix it got. */
  byRecipient: Map<string, number>
  arrivals: number[]
  close(): Promise<void>
}

async function startSink(): Promise<Sink> {
  const byMessageId = new Map<string, number>()
  const byRecipient = new Map<string, number>()
  const arrivals: number[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 64,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const id = mail.messageId ?? `(none ${arrivals.length})`
          byMessageId.set(id, (byMessageId.get(id) ?? 0) + 1)
          for (const rcpt of session.envelope.rcptTo) byRecipient.set(rcpt.address, (byRecipient.get(rcpt.address) ?? 0) + 1)
          arrivals.push(performance.now())
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    byMessageId,
    byRecipient,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

interface Instance {
  name: string
  child: ChildProcess
  ready: Promise<void>
}

function startInstance(name: string, env: Record<string, string>): Instance {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  onCleanup(`instance ${name}`, () => child.exitCode === null && child.kill('SIGKILL'))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Forum running')) resolve()
    })
    child.stderr!.on('data', (chunk: Buffer) => process.env.BENCH_VERBOSE && process.stderr.write(`[${name}] ${chunk}`))
    child.once('exit', (code) => reject(new Error(`instance ${name} exited with ${code} before it was ready`)))
  })
  return { name, child, ready }
}

async function main(): Promise<void> {
  log(`${RECIPIENTS} recipients, kill one instance after ${KILL_AT} mails; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`)
  const cluster = await startPostgresCluster({ settings: { shared_buffers: "'256MB'" } })
  onCleanup('postgres', () => cluster.stop())
  const database = openPostgres(cluster.url, { poolSize: 5 })
  onCleanup('database pool', () => database.close())
  await database.migrate()
  const db = database.db

  // The people: support, an engineer on a rotation, and RECIPIENTS customers following one thread.
  log('seeding')
  const now = new Date()
  const clock = manualClock(now)
  await db.execute(sql`
    insert into users (email, display_name, password_hash, role, created_at) values
      ('support@bench.example', 'Sam Support', 'x', 'support', ${now.toISOString()}::timestamptz),
      ('engineer@bench.example', 'Ada Engineer', 'x', 'engineer', ${now.toISOString()}::timestamptz)`)
  await db.execute(sql`
    insert into users (email, display_name, password_hash, role, created_at)
    select 'customer' || n || '@bench.example', 'Customer ' || n, 'x', 'member', ${now.toISOString()}::timestamptz
    from generate_series(1, ${RECIPIENTS}) n`)
  await db.execute(sql`insert into teams (slug, name, lead_id, created_at) select 'platform', 'Platform', id, ${now.toISOString()}::timestamptz from users where email = 'engineer@bench.example'`)
  const [category] = await queryRows<{ id: number }>(
    db,
    sql`insert into categories (name, slug, description, team, position, created_at) values ('Exports', 'exports', 'Exports', 'platform', 1, ${now.toISOString()}::timestamptz) returning id`,
  )
  const people = await queryRows<User>(db, sql`select id, role, display_name as "displayName", email, organisation_id as "organisationId" from users where email in ('support@bench.example', 'engineer@bench.example', 'customer1@bench.example')`)
  const as = (email: string): Ctx => {
    const user = people.find((person) => person.email === email)!
    return { actor: { id: user.id, role: user.role, displayName: user.displayName, email: user.email, organisationId: user.organisationId }, db, now: () => clock.now(), requestId: 'bench' }
  }
  const thread = await askQuestion({
    ctx: as('customer1@bench.example'),
    input: { title: 'CSV export fails with NullPointerException since 2.4.0', body: 'Every export crashes since the upgrade.', categoryId: String(category!.id), tags: '' },
  })
  await db.execute(sql`
    insert into subscriptions (thread_id, user_id, subscribed, updated_at)
    select ${thread.id}, id, true, ${now.toISOString()}::timestamptz from users where role = 'member' on conflict do nothing`)
  const item = await convertThread({ ctx: as('support@bench.example'), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
  const escalation = await escalateItem({
    ctx: as('support@bench.example'),
    input: {
      itemId: item.id,
      customerDid: 'Pressed Export to CSV on the orders page.',
      whatHappened: 'NullPointerException in ExportJob.run, every time.',
      expected: 'A CSV file.',
      logs: 'export.run ERROR NullPointerException',
      account: 'Every plan',
      frequency: 'Every time since 2.4.0',
      customersAffected: String(RECIPIENTS),
    },
  })
  await answerEscalation({ ctx: as('engineer@bench.example'), input: { escalationId: escalation.id, outcome: 'fixed', release: '2.4.1', answer: 'A missing null check in the export job.' } })
  // Nothing the seeding wrote is part of the measurement.
  await db.execute(sql`delete from outbox`)

  const sink = await startSink()
  onCleanup('smtp sink', () => sink.close())
  const env = { DATABASE_URL: cluster.url, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: 'Bench <community@bench.example>', OUTBOX_POLL_MS: '100', DATABASE_POOL_SIZE: '5' }
  const instances = [startInstance('a', { ...env, PORT: '0' }), startInstance('b', { ...env, PORT: '0' })]
  await Promise.all(instances.map((instance) => instance.ready))
  log('two instances ready; sending the fix')

  const started = performance.now()
  const { notified } = await sendLoopReplies({ ctx: as('support@bench.example'), input: { itemId: item.id, drafts: [] } })
  log(`sent: ${notified} customers notified in the app`)

  let killedAt: number | null = null
  let lastProgress = 0
  const distinct = () => sink.byMessageId.size
  while (performance.now() - started < TIMEOUT_MS) {
    if (killedAt === null && distinct() >= KILL_AT) {
      instances[0]!.child.kill('SIGKILL')
      killedAt = performance.now()
      log(`SIGKILL to instance a after ${distinct()} mails`)
    }
    const [pending] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from outbox where parked_at is null and topic in ('notify.customers', 'mail.deliver')`)
    if (distinct() >= notified && pending!.n === 0) break
    if (performance.now() - lastProgress > 5000) {
      log(`${distinct()} mails delivered, ${pending!.n} outbox rows pending`)
      lastProgress = performance.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const finished = sink.arrivals.at(-1) ?? performance.now()
  // A mail sent twice would arrive a little later: give stragglers a moment.
  await new Promise((resolve) => setTimeout(resolve, 3000))

  const [states] = await queryRows<{ sent: number; queued: number; failed: number }>(
    db,
    sql`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status = 'queued')::int as queued, count(*) filter (where status = 'failed')::int as failed from mail_messages`,
  )
  const [parked] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from outbox where parked_at is not null`)
  const received = sink.arrivals.length
  const twice = [...sink.byMessageId.values()].filter((count) => count > 1).length
  const recipientsTwice = [...sink.byRecipient.values()].filter((count) => count > 1).length
  const seconds = (finished - started) / 1000
  const firstMail = sink.arrivals[0] ? (sink.arrivals[0] - started) / 1000 : NaN
  const beforeKill = killedAt ? sink.arrivals.filter((at) => at <= killedAt!).length : received
  const secondsBeforeKill = killedAt && sink.arrivals[0] ? (killedAt - sink.arrivals[0]) / 1000 : NaN
  log(`received ${received} (${distinct()} distinct, ${twice} twice), ${seconds.toFixed(1)} s`)

  const section = [
    `## Mail: a fix announced to ${RECIPIENTS.toLocaleString('en')} askers`,
    '',
    `\`npm run bench:mail\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores. One "Send the replies" on a fixed`,
    `escalation notifies ${RECIPIENTS.toLocaleString('en')} customers who follow the thread; two app instances (\`src/server.ts\`, outbox`,
    'polling every 100 ms, nodemailer pools of 4) on one PostgreSQL deliver to a local SMTP sink (smtp-server, every mail',
    `parsed by mailparser). Instance a is killed with SIGKILL after ${KILL_AT.toLocaleString('en')} mails; its claimed rows wait out their 60 s lease.`,
    '',
    '| figure | value |',
    '|---|--:|',
    `| customers notified in the app | ${notified.toLocaleString('en')} |`,
    `| mails received by the sink | ${received.toLocaleString('en')} |`,
    `| distinct Message-IDs | ${distinct().toLocaleString('en')} |`,
    `| mails received twice (by Message-ID / by recipient) | ${twice} / ${recipientsTwice} |`,
    `| mail rows sent / still queued / failed; parked outbox rows | ${states!.sent} / ${states!.queued} / ${states!.failed}; ${parked!.n} |`,
    `| first mail after the click | ${firstMail.toFixed(1)} s |`,
    `| all delivered after the click | ${seconds.toFixed(1)} s |`,
    `| mails per second, both instances, before the kill | ${(beforeKill / secondsBeforeKill).toFixed(0)} |`,
    `| mails per second, whole run (kill and lease included) | ${(received / seconds).toFixed(0)} |`,
    '',
    received === RECIPIENTS && twice === 0 && recipientsTwice === 0
      ? `Exactly ${RECIPIENTS.toLocaleString('en')} mails arrived, none twice, although one instance died half way.`
      : `**Not exact**: ${received} mails for ${RECIPIENTS} customers (${twice} Message-IDs twice). A mail the SMTP server accepted just before the kill, whose row was not yet marked sent, is sent again after the lease: delivery is at least once.`,
    '',
  ].join('\n')
  writeSection(resultsFile, `## Mail: a fix announced to ${RECIPIENTS.toLocaleString('en')} askers`, section)
  log(`written to ${resultsFile}`)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => cleanUpAll().then(() => process.exit()))
