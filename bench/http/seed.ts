import { sql } from 'drizzle-orm'
import { hashPassword } from '../../src/auth/passwords'
import { queryRows, type Db } from '../../src/db/client'
import {
  categories,
  meToos,
  organisations,
  replies,
  replyVotes,
  subscriptions,
  tags,
  threads,
  threadTags,
  threadVotes,
  users,
  type Role,
} from '../../src/db/schema'
import { renderMarkdown, slugify } from '../../src/forum'

// A deterministic forum for the HTTP benchmark: same rows on every run and on both databases.
// Rows are bulk-inserted, but every derived column (HTML, counters, first answer, last
// activity, subscriptions) is what the verbs would have written; checkConsistency proves it.

export interface SeedOptions {
  users?: number
  threads?: number
  /** Fixed "now" of the data set; every timestamp lies before it. */
  now?: Date
}

export interface BenchTargets {
  /** Canonical path of the measured thread: visible, anonymous-readable, exactly 10 replies. */
  threadPath: string
  threadId: number
  threadTitle: string
  measuredReplies: number
  /** The row the primary-key select route reads. */
  userId: number
  counts: { users: number; categories: number; threads: number; replies: number; tags: number }
}

const DEFAULTS = { users: 200, threads: 2_000, now: new Date('2026-03-01T12:00:00Z') }
const MEASURED_REPLIES = 10
const BATCH = 500
const DAY = 86_400_000
const HOUR = 3_600_000

/** mulberry32: tiny, fast, and the same sequence on every machine. */
function random(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const copy = [...items]
    const out: T[] = []
    while (out.length < count && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]!)
    return out
  }
  return { next, int, pick, sample }
}

const FIRST = ['Ada', 'Bruno', 'Chidi', 'Dana', 'Elif', 'Farah', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kemal', 'Lena', 'Mateo', 'Nora', 'Oskar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tomás']
const LAST = ['Achebe', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Horvat', 'Ito', 'Jansen', 'Kowalski', 'Lindqvist', 'Moreau', 'Novak']
const CATEGORY_DEFS = [
  { name: 'Getting started', team: 'support', description: 'Installing, first steps and the basics.' },
  { name: 'Configuration', team: 'support', description: 'Settings, environment variables and config files.' },
  { name: 'Integrations', team: 'engineering', description: 'Webhooks, the REST API and third-party connectors.' },
  { name: 'Billing and plans', team: 'billing', description: 'Invoices, seats, upgrades and downgrades.' },
  { name: 'Performance', team: 'engineering', description: 'Slow pages, timeouts and resource usage.' },
  { name: 'Security and SSO', team: 'security', description: 'SAML, OIDC, two-factor sign-in and audit logs.' },
]
const TAG_NAMES = [
  'docker', 'kubernetes', 'helm', 'postgres', 'sso', 'saml', 'oidc', 'webhooks', 'rest-api', 'cli', 'upgrade', 'backup',
  'smtp', 'ldap', 'proxy', 'tls', 'rate-limits', 'import', 'export', 'search', 'notifications', 'billing', 'audit-log', 'mobile',
]
const VERBS = ['Cannot', 'How do I', 'Is it possible to', 'Why does it fail to', 'Best way to', 'Error when trying to', 'Unable to']
const OBJECTS = [
  'configure the webhook retry policy', 'connect to an external PostgreSQL', 'rotate the API signing key', 'import users from a CSV file',
  'enable SAML single sign-on', 'set up outgoing mail over SMTP', 'run the CLI behind a corporate proxy', 'restore a backup into a new instance',
  'upgrade from 2.3 to 2.4', 'limit the rate of API calls per token', 'export the audit log', 'change the default notification schedule',
  'mount a custom TLS certificate', 'scale the worker deployment', 'reindex search after an import', 'move attachments to object storage',
]
const CONTEXTS = ['in Docker Compose', 'on Kubernetes', 'after the last upgrade', 'with Helm', 'on a fresh install', 'behind nginx', 'on Windows Server', 'in the cloud edition']

const PARAGRAPHS = [
  'I followed the steps in the **installation guide** and everything starts, but as soon as I open the admin area the page hangs for about thirty seconds and then shows a generic error.',
  'Our setup is fairly standard: two application nodes behind a load balancer, a managed PostgreSQL 15 instance and Redis for the job queue. Nothing unusual in the network path as far as I can tell.',
  'The logs show a warning right before the failure, which I have pasted below. I am not sure whether it is the cause or a symptom of something else going on.',
  'I already tried restarting the workers, clearing the cache with `forum cache:clear` and raising the timeout to 120 seconds. None of that changed anything.',
  'Is there a recommended way to do this that I have missed in the [documentation](https://docs.example.com/configuration)? A pointer to the right page would already help a lot.',
  'This worked fine on the previous release, so I suspect something changed in how the configuration file is read. The changelog does not mention anything related.',
  'For context, we have roughly 4,000 active users and the problem only shows up during business hours, which makes me think it is load related rather than a plain misconfiguration.',
  'Any hints are welcome, even if it is only where to look next. I can share more of the configuration if needed (with secrets removed, of course).',
]
const REPLY_PARAGRAPHS = [
  'This is usually caused by the connection pool being too small for the number of workers. Each worker keeps its own pool, so the total can exceed `max_connections` on the database side.',
  'Thanks, that was it! After raising the limit and restarting both nodes, the error is gone.',
  'Can you check which version of the CLI you are running? Versions before 2.4.1 had a bug where the proxy variables were ignored for HTTPS requests.',
  'We ran into the same thing last month. The fix for us was to set the variable in the service definition rather than in the shell profile, because systemd does not read the profile.',
  'The setting you are looking for moved in 2.4: it now lives under `[mail]` instead of `[notifications]`. The old key is still read but logs a deprecation warning.',
  'I would not recommend editing the database directly here. Use the import command instead, it validates each row and reports what it skipped.',
  'Could you post the full output with `--verbose`? The part you pasted stops right before the interesting bit.',
  'Marking this as a known issue on our side; a fix is scheduled for the next patch release. Until then, the workaround below is safe to use.',
]
const CODE_BLOCKS = [
  '```yaml\nservices:\n  forum:\n    image: example/forum:2.4\n    environment:\n      DATABASE_URL: postgres://forum:secret@db:5432/forum\n      DATABASE_POOL_SIZE: "20"\n    ports:\n      - "3000:3000"\n```',
  '```ts\nconst client = createClient({\n  baseUrl: process.env.FORUM_URL,\n  token: process.env.FORUM_TOKEN,\n  retry: { attempts: 5, backoffMs: 250 },\n})\n\nconst result = await client.webhooks.create({ url, events: ["thread.created"] })\nconsole.log(result.id)\n```',
  '```bash\n$ forum-cli export --format csv --since 2026-01-01 > audit.csv\nError: request to https://forum.internal/api/audit failed, reason: self-signed certificate\n$ echo $HTTPS_PROXY\nhttp://proxy.corp:3128\n```',
  '```sql\nselect count(*), state\nfrom pg_stat_activity\nwhere datname = \'forum\'\ngroup by state;\n```',
  '```\n2026-02-11T09:14:02.331Z WARN  pool exhausted, waiting for a free connection (waited 5012 ms)\n2026-02-11T09:14:07.345Z ERROR request failed: timeout acquiring a connection\n    at Pool.acquire (pool.js:182:11)\n```',
  '```json\n{\n  "mail": {\n    "host": "smtp.example.com",\n    "port": 587,\n    "secure": false,\n    "from": "Forum <forum@example.com>"\n  }\n}\n```',
]
const LISTS = [
  '1. Stop the workers.\n2. Run the migration with `forum migrate --dry-run` first.\n3. Start the workers again and watch the logs.',
  '- PostgreSQL 15.4\n- Forum 2.4.0 (Docker image)\n- Ubuntu 22.04 host, 8 GB RAM',
  '- [x] Restarted the service\n- [x] Checked the firewall\n- [ ] Tried on a clean install',
]

type Rng = ReturnType<typeof random>

function questionMarkdown(rng: Rng): string {
  const parts = rng.sample(PARAGRAPHS, rng.int(2, 4))
  parts.splice(rng.int(1, parts.length), 0, rng.pick(CODE_BLOCKS))
  if (rng.next() < 0.5) parts.push(rng.pick(LISTS))
  return parts.join('\n\n')
}

function replyMarkdown(rng: Rng): string {
  const parts = rng.sample(REPLY_PARAGRAPHS, rng.int(1, 3))
  if (rng.next() < 0.45) parts.push(rng.pick(CODE_BLOCKS))
  if (rng.next() < 0.15) parts.push(rng.pick(LISTS))
  return parts.join('\n\n')
}

/** Bodies come from a fixed pool rendered once: rendering 10,000 bodies would dominate the seed. */
function bodyPool(rng: Rng, size: number, make: (rng: Rng) => string) {
  return Array.from({ length: size }, () => {
    const markdown = make(rng)
    const rendered = renderMarkdown(markdown)
    return { bodyMarkdown: markdown, bodyHtml: rendered.html, bodyText: rendered.text }
  })
}

async function insertInBatches<Row>(rows: Row[], insert: (batch: Row[]) => Promise<{ id: number }[]>): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < rows.length; i += BATCH) {
    const inserted = await insert(rows.slice(i, i + BATCH))
    // A multi-row INSERT ... VALUES ... RETURNING returns rows in VALUES order.
    ids.push(...inserted.map((row) => row.id))
  }
  return ids
}

async function insertPlain<Row>(rows: Row[], insert: (batch: Row[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH))
}

interface PlannedReply {
  authorIndex: number
  createdAt: Date
  body: { bodyMarkdown: string; bodyHtml: string; bodyText: string }
  hiddenByIndex: number | null
  voterIndexes: number[]
}

interface PlannedThread {
  categoryIndex: number
  authorIndex: number
  title: string
  createdAt: Date
  body: { bodyMarkdown: string; bodyHtml: string; bodyText: string }
  tagIndexes: number[]
  voterIndexes: number[]
  meTooIndexes: number[]
  replies: PlannedReply[]
  /** Index into replies of the accepted solution, if any. */
  acceptedIndex: number | null
  acceptedAt: Date | null
  lockedAt: Date | null
  lockedByIndex: number | null
}

/** Seeds an empty, migrated database. Returns what the benchmark requests. */
export async function seedBenchData(db: Db, options: SeedOptions = {}): Promise<BenchTargets> {
  const userCount = options.users ?? DEFAULTS.users
  const threadCount = options.threads ?? DEFAULTS.threads
  const now = options.now ?? DEFAULTS.now
  const rng = random(20260301)
  const userIndexes = Array.from({ length: userCount }, (_, i) => i)
  const roleOf = (i: number): Role => (i === 0 ? 'admin' : i <= 4 ? 'support' : i <= 7 ? 'engineer' : 'member')
  const staffIndexes = userIndexes.filter((i) => roleOf(i) !== 'member')

  const [existing] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from users`)
  if (existing && existing.count > 0) throw new Error('The benchmark seeds an empty database; this one already has users.')

  // --- Accounts ---------------------------------------------------------------
  const passwordHash = await hashPassword('benchmark password, never used to sign in')
  const organisationIds = await insertInBatches(
    Array.from({ length: 10 }, (_, i) => ({
      name: `Customer ${String.fromCharCode(65 + i)} Ltd`,
      plan: (['free', 'startup', 'paid', 'enterprise'] as const)[i % 4]!,
      mrrCents: (i % 4) * 25_000,
      isPriority: i % 4 === 3,
      createdAt: new Date(now.getTime() - 400 * DAY),
    })),
    (batch) => db.insert(organisations).values(batch).returning({ id: organisations.id }),
  )
  const userIds = await insertInBatches(
    userIndexes.map((i) => {
      const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`
      return {
        email: `user${i + 1}@example.com`,
        displayName: i < FIRST.length * LAST.length ? name : `${name} ${i}`,
        passwordHash,
        role: roleOf(i),
        organisationId: rng.next() < 0.3 ? rng.pick(organisationIds) : null,
        createdAt: new Date(now.getTime() - rng.int(200, 400) * DAY),
      }
    }),
    (batch) => db.insert(users).values(batch).returning({ id: users.id }),
  )

  // --- Forum structure ----------------------------------------------------------
  const categoryIds = await insertInBatches(
    CATEGORY_DEFS.map((def, i) => ({ ...def, slug: slugify(def.name), position: i, createdAt: new Date(now.getTime() - 365 * DAY) })),
    (batch) => db.insert(categories).values(batch).returning({ id: categories.id }),
  )
  const tagIds = await insertInBatches(
    TAG_NAMES.map((name) => ({ name })),
    (batch) => db.insert(tags).values(batch).returning({ id: tags.id }),
  )

  // --- Plan threads and replies in memory -----------------------------------------
  const questionBodies = bodyPool(rng, 48, questionMarkdown)
  const replyBodies = bodyPool(rng, 64, replyMarkdown)
  const measuredIndex = Math.floor(threadCount / 2)
  const members = userIndexes.filter((i) => roleOf(i) === 'member')
  const planned: PlannedThread[] = []
  for (let t = 0; t < threadCount; t++) {
    const measured = t === measuredIndex
    const authorIndex = rng.pick(members)
    const createdAt = new Date(now.getTime() - rng.int(2 * HOUR, 180 * DAY))
    const title = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)} ${rng.pick(CONTEXTS)}?`
    const replyTotal = measured ? MEASURED_REPLIES : rng.next() < 0.25 ? 0 : rng.int(1, 14)
    const threadReplies: PlannedReply[] = []
    let at = createdAt.getTime()
    for (let r = 0; r < replyTotal; r++) {
      at += rng.int(5 * 60_000, 2 * DAY)
      if (at >= now.getTime()) at = now.getTime() - (replyTotal - r) * 1000
      const replyAuthor = rng.next() < 0.2 ? authorIndex : rng.next() < 0.15 ? rng.pick(staffIndexes) : rng.pick(userIndexes)
      // A few replies are hidden by staff, as moderation leaves them; never on the measured thread.
      const hidden = !measured && rng.next() < 0.02
      threadReplies.push({
        authorIndex: replyAuthor,
        createdAt: new Date(at),
        body: rng.pick(replyBodies),
        hiddenByIndex: hidden ? rng.pick(staffIndexes) : null,
        voterIndexes: rng.sample(userIndexes.filter((u) => u !== replyAuthor), rng.next() < 0.5 ? 0 : rng.int(1, 4)),
      })
    }
    // Mark a solution on some answered threads: a visible reply by someone other than the asker.
    const candidates = threadReplies.map((reply, i) => ({ reply, i })).filter(({ reply }) => reply.authorIndex !== authorIndex && reply.hiddenByIndex === null)
    const accepted = candidates.length > 0 && (measured || rng.next() < 0.35) ? rng.pick(candidates) : null
    const acceptedAt = accepted ? new Date(Math.min(accepted.reply.createdAt.getTime() + HOUR, now.getTime() - 1000)) : null
    const locked = !measured && rng.next() < 0.01
    planned.push({
      categoryIndex: rng.int(0, categoryIds.length - 1),
      authorIndex,
      title,
      createdAt,
      body: measured ? questionBodies[0]! : rng.pick(questionBodies),
      tagIndexes: rng.sample(TAG_NAMES.map((_, i) => i), measured ? 3 : rng.int(0, 3)),
      voterIndexes: rng.sample(userIndexes.filter((u) => u !== authorIndex), rng.int(0, 6)),
      meTooIndexes: rng.sample(userIndexes.filter((u) => u !== authorIndex), rng.next() < 0.7 ? 0 : rng.int(1, 3)),
      replies: threadReplies,
      acceptedIndex: accepted?.i ?? null,
      acceptedAt,
      lockedAt: locked ? new Date(now.getTime() - HOUR) : null,
      lockedByIndex: locked ? rng.pick(staffIndexes) : null,
    })
  }

  // --- Threads, with the counters refreshThreadCounters would compute -------------------
  const uid = (index: number) => userIds[index]!
  const threadIds = await insertInBatches(
    planned.map((p) => {
      const visible = p.replies.filter((r) => r.hiddenByIndex === null)
      const answers = visible.filter((r) => r.authorIndex !== p.authorIndex)
      const lastReplyAt = visible.length ? Math.max(...visible.map((r) => r.createdAt.getTime())) : 0
      return {
        categoryId: categoryIds[p.categoryIndex]!,
        authorId: uid(p.authorIndex),
        title: p.title,
        slug: slugify(p.title),
        ...p.body,
        createdAt: p.createdAt,
        lastActivityAt: new Date(Math.max(p.createdAt.getTime(), lastReplyAt)),
        replyCount: visible.length,
        upvoteCount: p.voterIndexes.length,
        meTooCount: p.meTooIndexes.length,
        answeredAt: answers.length ? new Date(Math.min(...answers.map((r) => r.createdAt.getTime()))) : null,
        lockedAt: p.lockedAt,
        lockedById: p.lockedByIndex === null ? null : uid(p.lockedByIndex),
      }
    }),
    (batch) => db.insert(threads).values(batch).returning({ id: threads.id }),
  )

  const replyRows = planned.flatMap((p, t) =>
    p.replies.map((r) => ({
      threadId: threadIds[t]!,
      authorId: uid(r.authorIndex),
      ...r.body,
      createdAt: r.createdAt,
      upvoteCount: r.voterIndexes.length,
      hiddenAt: r.hiddenByIndex === null ? null : new Date(r.createdAt.getTime() + HOUR),
      hiddenById: r.hiddenByIndex === null ? null : uid(r.hiddenByIndex),
    })),
  )
  const replyIds = await insertInBatches(replyRows, (batch) => db.insert(replies).values(batch).returning({ id: replies.id }))

  // Reply ids per thread, in planned order.
  const replyIdsByThread: number[][] = []
  let cursor = 0
  for (const p of planned) {
    replyIdsByThread.push(replyIds.slice(cursor, cursor + p.replies.length))
    cursor += p.replies.length
  }

  // --- What setAcceptedReply, the vote verbs, setMeToo and posting leave behind -------------
  const acceptedRows = planned.flatMap((p, t) =>
    p.acceptedIndex === null ? [] : [sql`(${threadIds[t]!}::int, ${replyIdsByThread[t]![p.acceptedIndex]!}::int, ${p.acceptedAt!.toISOString()}::timestamptz, ${uid(p.authorIndex)}::int)`],
  )
  for (let i = 0; i < acceptedRows.length; i += BATCH) {
    await db.execute(sql`
      update threads set accepted_reply_id = v.reply_id, accepted_at = v.accepted_at, accepted_by_id = v.accepted_by
      from (values ${sql.join(acceptedRows.slice(i, i + BATCH), sql`, `)}) as v(thread_id, reply_id, accepted_at, accepted_by)
      where threads.id = v.thread_id`)
  }

  await insertPlain(
    planned.flatMap((p, t) => p.tagIndexes.map((tag) => ({ threadId: threadIds[t]!, tagId: tagIds[tag]! }))),
    (batch) => db.insert(threadTags).values(batch),
  )
  const voteAt = (from: Date) => new Date(Math.min(from.getTime() + 3 * HOUR, now.getTime() - 1000))
  await insertPlain(
    planned.flatMap((p, t) => p.voterIndexes.map((u) => ({ threadId: threadIds[t]!, userId: uid(u), createdAt: voteAt(p.createdAt) }))),
    (batch) => db.insert(threadVotes).values(batch),
  )
  await insertPlain(
    planned.flatMap((p, t) => p.meTooIndexes.map((u) => ({ threadId: threadIds[t]!, userId: uid(u), createdAt: voteAt(p.createdAt) }))),
    (batch) => db.insert(meToos).values(batch),
  )
  await insertPlain(
    planned.flatMap((p, t) =>
      p.replies.flatMap((r, i) => r.voterIndexes.map((u) => ({ replyId: replyIdsByThread[t]![i]!, userId: uid(u), createdAt: voteAt(r.createdAt) }))),
    ),
    (batch) => db.insert(replyVotes).values(batch),
  )
  // Asking and replying subscribe the poster (once, at their first post in the thread).
  const subscriptionRows = planned.flatMap((p, t) => {
    const first = new Map<number, Date>([[p.authorIndex, p.createdAt]])
    for (const r of p.replies) if (!first.has(r.authorIndex)) first.set(r.authorIndex, r.createdAt)
    return [...first].map(([u, at]) => ({ threadId: threadIds[t]!, userId: uid(u), subscribed: true, updatedAt: at }))
  })
  await insertPlain(subscriptionRows, (batch) => db.insert(subscriptions).values(batch))

  await checkConsistency(db)
  // Fresh planner statistics, so the first measured second does not depend on autovacuum's timing.
  await db.execute(sql`analyze`)

  const measured = planned[measuredIndex]!
  const threadId = threadIds[measuredIndex]!
  return {
    threadPath: `/t/${threadId}/${slugify(measured.title)}`,
    threadId,
    threadTitle: measured.title,
    measuredReplies: measured.replies.length,
    userId: uid(Math.floor(userCount / 2)),
    counts: { users: userIds.length, categories: categoryIds.length, threads: threadIds.length, replies: replyIds.length, tags: tagIds.length },
  }
}

/** Fails when any derived column differs from what the verbs compute from the base rows. */
async function checkConsistency(db: Db): Promise<void> {
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`
    select
      (select count(*)::int from threads t where t.reply_count is distinct from
         (select count(*)::int from replies r where r.thread_id = t.id and r.hidden_at is null)) as reply_count,
      (select count(*)::int from threads t where t.answered_at is distinct from
         (select min(r.created_at) from replies r where r.thread_id = t.id and r.hidden_at is null and r.author_id <> t.author_id)) as answered_at,
      (select count(*)::int from threads t where t.last_activity_at is distinct from greatest(t.created_at,
         (select max(r.created_at) from replies r where r.thread_id = t.id and r.hidden_at is null))) as last_activity_at,
      (select count(*)::int from threads t where t.upvote_count <>
         (select count(*)::int from thread_votes v where v.thread_id = t.id)) as thread_upvotes,
      (select count(*)::int from threads t where t.me_too_count <>
         (select count(*)::int from me_toos m where m.thread_id = t.id)) as me_toos,
      (select count(*)::int from replies r where r.upvote_count <>
         (select count(*)::int from reply_votes v where v.reply_id = r.id)) as reply_upvotes,
      (select count(*)::int from threads t left join replies r on r.id = t.accepted_reply_id
         where t.accepted_reply_id is not null and (r.thread_id is distinct from t.id or r.hidden_at is not null)) as accepted,
      (select count(*)::int from (select thread_id, author_id from replies union select id, author_id from threads) p
         where not exists (select 1 from subscriptions s where s.thread_id = p.thread_id and s.user_id = p.author_id)) as subscriptions
  `,
  )
  const broken = Object.entries(row ?? {}).filter(([, count]) => count !== 0)
  if (broken.length > 0) throw new Error(`Seeded data is inconsistent: ${broken.map(([what, count]) => `${what}: ${count} rows`).join(', ')}`)
}
