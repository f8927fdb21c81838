import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../../src/db/client'
import type { Ctx } from '../../src/ctx'
import { escalateItem } from '../../src/escalations'
import { recomputePriorities } from '../../src/queue'
import { addUnavailability, saveRotation } from '../../src/rotation'
import {
  baseRowsSql,
  consistencySql,
  fixSequencesSql,
  insertRepliesSql,
  insertThreadsSql,
  insertThreadVotesSql,
  USERS,
} from '../search/latency-corpus'

// The forum the pages benchmark loads, at any size, written set-wise from generate_series.
// Threads, replies and thread votes are the search latency benchmark's corpus (every value a hash
// of the row id, counters checked with SQL); this file adds what the other pages read: staff and
// teams, tags on threads, reply votes, a measured thread of 10 replies, queue items (open and
// closed) with their events and priorities, 30 rotations with 80 time-away entries, and
// escalations waiting for an engineer. Small per-row work (rotations, escalations) goes through
// the verbs so their derived rows (shifts, events, loop replies) are what the app writes.

/** The data set's "now": after every generated timestamp (the corpus spreads threads from 2020 on, 150 s apart). */
export function seedNow(threads: number): Date {
  return new Date(Date.parse('2020-01-01T00:00:00Z') + (threads + 1000) * 150_000)
}

export const TAGS = [
  'docker', 'kubernetes', 'helm', 'postgres', 'sso', 'saml', 'oidc', 'webhooks', 'rest-api', 'cli', 'upgrade', 'backup',
  'smtp', 'ldap', 'proxy', 'tls', 'rate-limits', 'import', 'export', 'search', 'notifications', 'billing', 'audit-log', 'mobile',
]
/** Users 2-6 are support, 7-16 engineers (user 1 is the admin; the rest members). */
export const SUPPORT_IDS = [2, 3, 4, 5, 6]
export const ENGINEER_IDS = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16]
export const MEMBER_ID = 100
const ROTATIONS = 30
const TIME_AWAY = 80
const ESCALATIONS = 60
const CHUNK = 10_000

const u = (id: string, salt: number) => `((hashint8extended((${id})::bigint, ${salt}::bigint) & 4294967295)::float8 / 4294967296.0)`

export interface SeedTargets {
  threads: number
  measuredThreadId: number
  measuredThreadPath: string
  categorySlug: string
  tag: string
  itemId: number
  rotationId: number
  engineerId: number
  supportId: number
  memberId: number
  /** A primary key the reference route selects. */
  userId: number
}

type Log = (message: string) => void

async function exec(db: Db, text: string): Promise<void> {
  await db.execute(sql.raw(text))
}

/** Writes the whole data set into an empty, migrated database. */
export async function seedPages(db: Db, threads: number, log: Log): Promise<void> {
  const now = seedNow(threads)
  const at = now.toISOString()
  await exec(db, 'set jit = off')
  for (const statement of baseRowsSql().split(';').map((s) => s.trim()).filter(Boolean)) await exec(db, statement)
  await exec(db, `update users set role = 'support', display_name = 'Support ' || id where id between 2 and 6`)
  await exec(db, `update users set role = 'engineer', display_name = 'Engineer ' || id where id between 7 and 16`)
  await exec(db, `update categories set description = 'Questions about ' || lower(name) || '.'`)
  await exec(db, `insert into teams (slug, name, created_at) values ('support', 'Support', '2020-01-01'), ('engineering', 'Engineering', '2020-01-01')`)
  await exec(db, `insert into team_members (team_slug, user_id) select 'support', g from generate_series(2, 6) g`)
  await exec(db, `insert into team_members (team_slug, user_id) select 'engineering', g from generate_series(7, 16) g`)
  await exec(db, `insert into staff_profiles (user_id, on_duty, item_cap) select g, true, 25 from generate_series(2, 16) g`)
  await exec(db, `insert into tags (name) select unnest('{${TAGS.join(',')}}'::text[])`)

  const started = performance.now()
  for (let from = 1; from <= threads; from += CHUNK) {
    const to = Math.min(threads, from + CHUNK - 1)
    await exec(db, insertThreadsSql(from, to))
    await exec(db, insertRepliesSql(from, to))
    await exec(db, insertThreadVotesSql(from, to))
    // 0-3 tags a thread; reply votes (one voter on a fifth of replies) with the counter the verb keeps.
    await exec(
      db,
      `insert into thread_tags (thread_id, tag_id)
       select g, 1 + ((g * 7 + k * 11) % ${TAGS.length}) from generate_series(${from}, ${to}) g
       cross join lateral generate_series(1, floor(${u('g', 60)} * 4)::int) k on conflict do nothing`,
    )
    await exec(
      db,
      `with voted as (update replies set upvote_count = 1 where thread_id between ${from} and ${to} and ${u('id', 61)} < 0.2 returning id, author_id, created_at)
       insert into reply_votes (reply_id, user_id, created_at) select id, 1 + (author_id + 13) % ${USERS}, created_at + interval '1 hour' from voted`,
    )
    const check = await queryRows<Record<string, number>>(db, sql.raw(consistencySql(from, to)))
    const bad = Object.entries(check[0] ?? {}).filter(([key, value]) => !['threads', 'accepted', 'hidden'].includes(key) && Number(value) !== 0)
    if (bad.length > 0) throw new Error(`Threads ${from}-${to} are inconsistent: ${JSON.stringify(check[0])}`)
    if (to % 100_000 === 0 || to === threads) log(`  ${to.toLocaleString('en-US')} threads (${Math.round(to / ((performance.now() - started) / 1000))}/s)`)
  }
  for (const statement of fixSequencesSql.split(';').map((s) => s.trim()).filter(Boolean)) await exec(db, statement)

  // The measured thread: the middle one, visible, given 10 visible replies and an accepted one.
  const measured = Math.floor(threads / 2)
  await exec(db, `update threads set hidden_at = null, hidden_by_id = null where id = ${measured}`)
  await exec(db, `delete from replies where thread_id = ${measured}`)
  await exec(
    db,
    `insert into replies (thread_id, author_id, body_markdown, body_html, body_text, created_at)
     select ${measured}, 20 + k, 'Reply ' || k || ': restart the worker after changing the pool size, then check the logs again.',
       '<p>Reply ' || k || ': restart the worker after changing the pool size, then <strong>check the logs</strong> again.</p>',
       'Reply ' || k || ': restart the worker after changing the pool size, then check the logs again.',
       t.created_at + make_interval(mins => 30 * k)
     from threads t, generate_series(1, 10) k where t.id = ${measured}`,
  )
  await exec(
    db,
    `update threads t set reply_count = 10, answered_at = r.first_at, last_activity_at = greatest(t.created_at, r.last_at),
       accepted_reply_id = r.third, accepted_at = r.last_at, accepted_by_id = t.author_id
     from (select min(created_at) as first_at, max(created_at) as last_at, (array_agg(id order by id))[3] as third from replies where thread_id = ${measured}) r
     where t.id = ${measured}`,
  )
  log(`  seeded ${threads.toLocaleString('en-US')} threads in ${Math.round((performance.now() - started) / 1000)} s`)

  // Queue items: one per thread up to 50k forum items, then email items, to min(threads, 100k); open and closed.
  const items = Math.min(threads, 100_000)
  const forumItems = Math.min(Math.floor(items / 2), threads)
  await exec(
    db,
    `insert into queue_items (thread_id, source, title, kind, severity, state, team_slug, requester_id, assignee_id, sla,
       first_response_due_at, first_response_at, next_response_due_at, resolution_due_at, breached, affected_customers, created_at, updated_at, resolved_at)
     select case when g <= ${forumItems} then g * ${Math.max(1, Math.floor(threads / forumItems))} end,
       case when g <= ${forumItems} then 'forum' else 'email' end, 'Customer item ' || g,
       (array['question','bug','incident','feature_request','billing'])[1 + g % 5], (array['low','normal','high','critical'])[1 + g % 4],
       case when g % 10 < 6 then (array['resolved','wont_fix'])[1 + g % 2] else (array['new','triaged','in_progress','waiting_on_customer'])[1 + g % 4] end,
       'support', 17 + g % ${USERS - 17}, case when g % 3 = 0 then 2 + g % 5 end,
       '{"policyId":null,"policyName":"bench","version":1,"firstResponseMinutes":240,"nextResponseMinutes":480,"resolutionMinutes":2400,"calendar":{"timezone":"UTC","windows":[],"holidays":[]}}'::jsonb,
       '${at}'::timestamptz + make_interval(mins => (g % 900) - 300), case when g % 3 = 0 then '${at}'::timestamptz - interval '1 day' end,
       case when g % 4 = 0 then '${at}'::timestamptz + make_interval(mins => g % 600) end,
       '${at}'::timestamptz + make_interval(mins => (g % 5000) - 1000),
       case when g % 11 = 0 then '{first_response}'::text[] else '{}'::text[] end, 1 + g % 9,
       '${at}'::timestamptz - make_interval(hours => g % 2000), '${at}'::timestamptz - make_interval(hours => g % 50),
       case when g % 10 < 6 then '${at}'::timestamptz - make_interval(hours => g % 50) end
     from generate_series(1, ${items}) g`,
  )
  // Events: created, a state change, an assignment or a note-like comment: 3 to 6 an item.
  await exec(
    db,
    `insert into queue_item_events (item_id, kind, actor_id, data, created_at)
     select i.id, (array['created','state_changed','assigned','triaged','replied','state_changed'])[k], case when k = 1 then null else 2 + (i.id + k) % 5 end,
       jsonb_build_object('step', k), i.created_at + make_interval(mins => 20 * k)
     from queue_items i cross join lateral generate_series(1, 3 + i.id % 4) k`,
  )
  log(`  ${items.toLocaleString('en-US')} queue items with events`)
  await recomputePriorities(db, now)

  // Rotations: engineering plus 29 more teams (staff pages list them all), 80 time-away entries.
  const admin: Ctx = {
    actor: { id: 1, role: 'admin', displayName: 'Member 1', email: 'member1@bench.invalid', organisationId: null },
    db,
    now: () => now,
    requestId: 'bench-seed',
  }
  for (let r = 0; r < ROTATIONS; r++) {
    const teamSlug = r === 0 ? 'engineering' : `team-${r}`
    if (r > 0) {
      await exec(db, `insert into teams (slug, name, created_at) values ('${teamSlug}', 'Team ${r}', '2020-01-01')`)
      await exec(db, `insert into team_members (team_slug, user_id) select '${teamSlug}', g from generate_series(7, 16) g where (g + ${r}) % 3 <> 0`)
    }
    const members = ENGINEER_IDS.filter((id) => r === 0 || (id + r) % 3 !== 0)
    await saveRotation({
      ctx: admin,
      input: {
        teamSlug,
        name: `${teamSlug} rotation`,
        shiftDays: String(1 + (r % 7)),
        handoff: '09:00',
        timezone: 'Europe/Berlin',
        memberIds: members.map(String),
        responseLow: '48',
        responseNormal: '24',
        responseHigh: '8',
        responseCritical: '2',
      },
    })
  }
  for (let a = 0; a < TIME_AWAY; a++) {
    const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString().slice(0, 10)
    await addUnavailability({
      ctx: admin,
      input: { userId: String(ENGINEER_IDS[a % ENGINEER_IDS.length]), startsOn: day(a - 20), endsOn: day(a - 18), reason: 'Away' },
    })
  }
  // Escalations: open items moved to engineering, escalated by support through the verb.
  const support: Ctx = { ...admin, actor: { id: 2, role: 'support', displayName: 'Support 2', email: 'member2@bench.invalid', organisationId: null } }
  const open = await queryRows<{ id: number }>(
    db,
    sql`select id from queue_items where state in ('triaged', 'in_progress') order by id limit ${ESCALATIONS}`,
  )
  await db.execute(sql`update queue_items set team_slug = 'engineering' where id in ${sql.raw(`(${open.map((row) => row.id).join(',') || 0})`)}`)
  for (const { id } of open)
    await escalateItem({
      ctx: support,
      input: {
        itemId: String(id),
        customerDid: 'Opened the admin area after the upgrade.',
        whatHappened: 'The page hangs for thirty seconds, then errors.',
        expected: 'The admin area opens.',
        logs: 'pool exhausted, waiting for a free connection',
        account: 'Customer A Ltd',
        frequency: 'Every time',
        customersAffected: '3',
      },
    })
  log(`  ${ROTATIONS} rotations, ${TIME_AWAY} time-away entries, ${open.length} escalations`)
}

/** What the benchmark requests, read from a seeded database. */
export async function readTargets(db: Db, threads: number): Promise<SeedTargets> {
  const measured = Math.floor(threads / 2)
  const [thread] = await queryRows<{ slug: string }>(db, sql`select slug from threads where id = ${measured}`)
  const [category] = await queryRows<{ slug: string }>(db, sql`select slug from categories order by position limit 1`)
  const [item] = await queryRows<{ id: number }>(
    db,
    sql`select id from queue_items where thread_id is not null and state not in ('resolved', 'wont_fix') order by id limit 1`,
  )
  const [rotation] = await queryRows<{ id: number }>(db, sql`select id from rotations where team_slug = 'engineering'`)
  const [engineer] = await queryRows<{ id: number }>(
    db,
    sql`select e.engineer_id as id from escalations e where e.engineer_id is not null and e.answered_at is null group by e.engineer_id order by count(*) desc limit 1`,
  ).catch(() => [{ id: ENGINEER_IDS[0]! }])
  if (!thread || !category || !item || !rotation) throw new Error('The seeded database lacks a measured thread, category, item or rotation.')
  return {
    threads,
    measuredThreadId: measured,
    measuredThreadPath: `/t/${measured}/${thread.slug}`,
    categorySlug: category.slug,
    tag: 'postgres',
    itemId: item.id,
    rotationId: rotation.id,
    engineerId: engineer?.id ?? ENGINEER_IDS[0]!,
    supportId: SUPPORT_IDS[0]!,
    memberId: MEMBER_ID,
    userId: 42,
  }
}
