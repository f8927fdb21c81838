import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client'

export const ITEMS = Number(process.env.BENCH_PRIORITY_ITEMS ?? 100_000)
export const NOW = new Date('2026-06-01T12:00:00Z')

/** 100k open items over 2,000 organisations and 50k threads, with customers, due times and breaches. */
export async function seed(database: Database): Promise<void> {
  const db = database.db
  const at = NOW.toISOString()
  await db.execute(sql`
    insert into organisations (name, plan, mrr_cents, is_priority, is_trial, created_at)
    select 'Org ' || g, (array['free','startup','paid','enterprise'])[1 + g % 4], (g % 50) * 10000, g % 97 = 0, g % 89 = 0, ${at}::timestamptz
    from generate_series(1, 2000) g`)
  await db.execute(sql`
    insert into users (email, display_name, password_hash, role, organisation_id, created_at)
    select 'c' || g || '@bench.test', 'Customer ' || g, 'x', 'member', 1 + g % 2000, ${at}::timestamptz from generate_series(1, 20000) g`)
  await db.execute(sql`insert into categories (slug, name, team, created_at) values ('bench', 'Bench', 'support', ${at}::timestamptz)`)
  await db.execute(sql`
    insert into threads (category_id, author_id, title, slug, body_markdown, body_html, body_text, created_at, last_activity_at, upvote_count, me_too_count, view_count)
    select 1, 1 + g % 20000, 'Thread ' || g, 'thread-' || g, 'body', '<p>body</p>', 'body',
      ${at}::timestamptz - make_interval(hours => g % 500), ${at}::timestamptz, g % 13, g % 7, g % 1000
    from generate_series(1, ${ITEMS / 2}) g`)
  await db.execute(sql`
    insert into queue_items (thread_id, source, title, kind, severity, state, team_slug, requester_id, organisation_id, flagged_at,
      sla, first_response_due_at, first_response_at, next_response_due_at, resolution_due_at, breached, affected_customers, created_at, updated_at)
    select case when g <= ${ITEMS / 2} then g end, case when g <= ${ITEMS / 2} then 'forum' else 'email' end, 'Item ' || g,
      (array['question','bug','incident','feature_request','billing'])[1 + g % 5], (array['low','normal','high','critical'])[1 + g % 4],
      (array['new','triaged','in_progress','waiting_on_customer','escalated'])[1 + g % 5], 'support', 1 + g % 20000, 1 + g % 2000,
      case when g % 53 = 0 then ${at}::timestamptz end,
      '{"policyId":null,"policyName":"bench","version":1,"firstResponseMinutes":240,"nextResponseMinutes":480,"resolutionMinutes":2400,"calendar":{"timezone":"UTC","windows":[],"holidays":[]}}'::jsonb,
      ${at}::timestamptz + make_interval(mins => (g % 900) - 300), case when g % 3 = 0 then ${at}::timestamptz end,
      case when g % 4 = 0 then ${at}::timestamptz + make_interval(mins => g % 600) end,
      ${at}::timestamptz + make_interval(mins => (g % 5000) - 1000),
      case when g % 11 = 0 then '{first_response}'::text[] else '{}'::text[] end, 1 + g % 9,
      ${at}::timestamptz - make_interval(hours => g % 700), ${at}::timestamptz
    from generate_series(1, ${ITEMS}) g`)
  await db.execute(sql`
    insert into queue_item_customers (item_id, user_id, reason, added_at)
    select i.id, 1 + (i.id * 7 + k) % 20000, 'me_too', ${at}::timestamptz - make_interval(hours => k * 5)
    from queue_items i cross join generate_series(1, 3) k where i.id % 2 = 0
    on conflict do nothing`)
  await db.execute(sql`analyze`)
}

