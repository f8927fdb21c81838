import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client'

// The scoreboard benchmark's data, written set-wise (generate_series), never row by row:
// 100k items over the last year in four teams, ten events each (1M in the log), customers,
// duplicates, escalations on weekly rotations, forum threads, searches and CSAT ratings.

export const ITEMS = Number(process.env.BENCH_SCOREBOARD_ITEMS ?? 100_000)
export const EVENTS_PER_ITEM = 10
export const NOW = new Date('2026-06-01T12:00:00Z')
export const STAFF = 24

const BUSINESS_SLA = `'{"policyId":1,"policyName":"Business hours","version":1,"firstResponseMinutes":240,"nextResponseMinutes":480,"resolutionMinutes":2400,"calendar":{"timezone":"Europe/Berlin","windows":[{"day":1,"start":540,"end":1020},{"day":2,"start":540,"end":1020},{"day":3,"start":540,"end":1020},{"day":4,"start":540,"end":1020},{"day":5,"start":540,"end":1020}],"holidays":[]}}'::jsonb`
const ROUND_THE_CLOCK_SLA = `'{"policyId":2,"policyName":"Enterprise 24/7","version":1,"firstResponseMinutes":60,"nextResponseMinutes":240,"resolutionMinutes":1440,"calendar":{"timezone":"UTC","windows":[],"holidays":[]}}'::jsonb`

export async function seed(database: Database): Promise<void> {
  const db = database.db
  const at = NOW.toISOString()
  const run = (query: ReturnType<typeof sql>) => db.execute(query)
  await run(sql`
    insert into users (email, display_name, password_hash, role, created_at)
    select 's' || g || '@bench.test', 'Staff ' || g, 'x', case when g <= 16 then 'support' else 'engineer' end, ${at}::timestamptz
    from generate_series(1, ${STAFF}) g`)
  await run(sql`
    insert into users (email, display_name, password_hash, role, created_at)
    select 'c' || g || '@bench.test', 'Customer ' || g, 'x', 'member', ${at}::timestamptz from generate_series(1, 20000) g`)
  await run(sql`insert into teams (slug, name, created_at) select t, t, ${at}::timestamptz from unnest(array['billing','platform','mobile','api']) t`)
  await run(sql`
    insert into categories (slug, name, team, created_at)
    select t, t, t, ${at}::timestamptz from unnest(array['billing','platform','mobile','api']) t`)
  await run(sql`
    insert into business_calendars (name, timezone, windows, holidays, created_at)
    values ('Office', 'Europe/Berlin', '[{"day":1,"start":540,"end":1020},{"day":2,"start":540,"end":1020},{"day":3,"start":540,"end":1020},{"day":4,"start":540,"end":1020},{"day":5,"start":540,"end":1020}]', '[]', ${at}::timestamptz)`)
  await run(sql`
    insert into sla_policies (name, position, first_response_minutes, next_response_minutes, resolution_minutes, calendar_id, created_at, updated_at)
    values ('Business hours', 1, 240, 480, 2400, 1, ${at}::timestamptz, ${at}::timestamptz),
           ('Enterprise 24/7', 0, 60, 240, 1440, null, ${at}::timestamptz, ${at}::timestamptz)`)
  // Half the items come from forum threads.
  await run(sql`
    insert into threads (category_id, author_id, title, slug, body_markdown, body_html, body_text, created_at, last_activity_at, answered_at, accepted_reply_id, accepted_at)
    select 1 + g % 4, ${STAFF} + 1 + g % 20000, 'Thread ' || g, 'thread-' || g, 'body', '<p>body</p>', 'body', c, c,
      case when g % 5 <> 0 then c + interval '2 hours' end, case when g % 5 < 2 then g end, case when g % 5 < 2 then c + interval '1 day' end
    from (select g, ${at}::timestamptz - make_interval(secs => (g * 2) * 365 * 86400.0 / ${ITEMS}) as c from generate_series(1, ${ITEMS / 2}) g) s`)
  // Items: created over the last year (newest first by number); those of the last two weeks partly open.
  await run(sql`
    insert into queue_items (thread_id, source, title, kind, severity, state, team_slug, requester_id, assignee_id, sla,
      first_response_at, resolved_at, merged_into_item_id, created_at, updated_at)
    select case when g % 2 = 0 then g / 2 end, case when g % 2 = 0 then 'forum' else 'email' end, 'Item ' || g,
      (array['question','bug','question','bug','incident','billing'])[1 + g % 6], 'normal',
      case when open then (array['new','in_progress','waiting_on_customer','escalated'])[1 + g % 4] else 'resolved' end,
      (array['billing','platform','mobile','api'])[1 + g % 4], ${STAFF} + 1 + g % 20000, 1 + g % 16,
      case when g % 3 = 0 then ${sql.raw(ROUND_THE_CLOCK_SLA)} else ${sql.raw(BUSINESS_SLA)} end,
      case when not open or g % 7 <> 0 then c + make_interval(mins => 5 + g % 300) end,
      case when not open then c + make_interval(mins => 700 + g % 3000) end,
      case when g % 50 = 0 then g - 1 end, c, c
    from (select g, ${at}::timestamptz - make_interval(secs => g * 365 * 86400.0 / ${ITEMS}) as c,
            g * 365.0 / ${ITEMS} < 14 and g % 3 = 0 as open
          from generate_series(1, ${ITEMS}) g) s`)
  await run(sql`
    insert into queue_item_customers (item_id, user_id, reason, added_at)
    select i.id, i.requester_id, 'asker', i.created_at from queue_items i`)
  await run(sql`
    insert into queue_item_customers (item_id, user_id, reason, added_at)
    select i.id, ${STAFF} + 1 + (i.id * 7 + k) % 20000, 'me_too', i.created_at + make_interval(hours => k)
    from queue_items i cross join generate_series(1, 3) k where i.id % 5 = 0
    on conflict do nothing`)
  // Ten events per item: created, assigned, first response (met event and the reply), a wait on the
  // customer and its end, a note, the close (a note while open), and for every 20th a reopening.
  await run(sql`
    insert into queue_item_events (item_id, kind, actor_id, data, created_at)
    select i.id,
      case k when 1 then 'created' when 2 then 'assigned' when 3 then 'sla_met' when 4 then 'public_reply'
        when 5 then 'state_changed' when 6 then 'state_changed' when 7 then 'state_changed' when 8 then 'note_added'
        when 9 then case when i.resolved_at is not null then 'state_changed' else 'note_added' end
        else case when i.id % 20 = 0 and i.resolved_at is not null then 'state_changed' else 'note_added' end end,
      case when k = 1 then null else i.assignee_id end,
      case k when 1 then '{"rule":"manual"}'::jsonb
        when 2 then jsonb_build_object('assigneeId', i.assignee_id, 'by', 'routing')
        when 3 then jsonb_build_object('target', 'first_response', 'at', to_char(coalesce(i.first_response_at, i.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'late', false)
        when 4 then '{"replyId":1}'::jsonb
        when 5 then '{"from":"new","to":"in_progress"}'::jsonb
        when 6 then '{"from":"in_progress","to":"waiting_on_customer"}'::jsonb
        when 7 then '{"from":"waiting_on_customer","to":"in_progress"}'::jsonb
        when 8 then '{"noteId":1}'::jsonb
        when 9 then case when i.resolved_at is not null then '{"from":"in_progress","to":"resolved"}'::jsonb else '{"noteId":2}'::jsonb end
        else case when i.id % 20 = 0 and i.resolved_at is not null then '{"from":"resolved","to":"in_progress"}'::jsonb else '{"noteId":3}'::jsonb end end,
      case k when 1 then i.created_at when 2 then i.created_at + interval '1 minute'
        when 3 then coalesce(i.first_response_at, i.created_at + interval '2 minutes') when 4 then coalesce(i.first_response_at, i.created_at + interval '2 minutes')
        when 5 then coalesce(i.first_response_at, i.created_at) + interval '1 minute'
        when 6 then coalesce(i.first_response_at, i.created_at) + interval '30 minutes'
        when 7 then coalesce(i.first_response_at, i.created_at) + interval '150 minutes'
        when 8 then coalesce(i.first_response_at, i.created_at) + interval '160 minutes'
        when 9 then coalesce(i.resolved_at, i.created_at + interval '3 hours')
        else coalesce(i.resolved_at, i.created_at + interval '4 hours') + interval '1 day' end
    from queue_items i cross join generate_series(1, ${EVENTS_PER_ITEM}) k
    where i.first_response_at is not null or k not in (3, 4)`)
  // Weekly rotations per team with a year of shifts, and an escalation on every 20th item.
  await run(sql`
    insert into rotations (team_slug, name, shift_days, handoff_minutes, timezone, anchor_at, response_targets, created_at, updated_at)
    select t, t || ' rotation', 7, 540, 'Europe/Berlin', '2025-05-26T07:00:00Z', '{"critical":2,"high":8,"normal":24,"low":48}', ${at}::timestamptz, ${at}::timestamptz
    from unnest(array['billing','platform','mobile','api']) t`)
  await run(sql`
    insert into rotation_shifts (rotation_id, user_id, starts_at, ends_at, created_at)
    select r.id, 17 + (r.id + w) % 8, '2025-05-26T07:00:00Z'::timestamptz + make_interval(weeks => w), '2025-05-26T07:00:00Z'::timestamptz + make_interval(weeks => w + 1), ${at}::timestamptz
    from rotations r cross join generate_series(0, 53) w`)
  await run(sql`
    insert into escalations (item_id, rotation_id, engineer_id, escalated_by_id, customer_did, what_happened, expected, logs, account, frequency,
      customers_affected, response_due_at, out_of_hours, answered_at, answered_by_id, outcome, created_at)
    select i.id, r.id, 17 + i.id % 8, i.assignee_id, 'did', 'happened', 'expected', '', 'acct', 'always', 'one',
      i.created_at + interval '1 day', i.id % 7 = 0, i.resolved_at, case when i.resolved_at is not null then 17 + i.id % 8 end,
      case when i.resolved_at is not null then 'fixed' end, i.created_at + interval '2 hours'
    from queue_items i join rotations r on r.team_slug = i.team_slug where i.id % 20 = 1`)
  await run(sql`
    insert into search_events (kind, query, result_count, visitor_key, created_at)
    select case when g % 3 = 0 then 'similar' else 'search' end, 'query ' || g % 500, g % 20, 'v' || g, ${at}::timestamptz - make_interval(mins => g * 5)
    from generate_series(1, 50000) g`)
  await run(sql`
    insert into search_events (kind, search_event_id, thread_id, solved, visitor_key, created_at)
    select 'click', e.id, 1 + e.id % ${ITEMS / 2}, e.id % 2 = 0, e.visitor_key, e.created_at + interval '1 minute'
    from search_events e where e.id % 4 = 0`)
  await run(sql`
    insert into csat_requests (item_id, user_id, team_slug, item_kind, engineer_id, resolved_at, asked_at)
    select i.id, i.requester_id, i.team_slug, i.kind, i.assignee_id, i.resolved_at, i.resolved_at
    from queue_items i where i.resolved_at is not null and i.id % 4 = 0 and i.merged_into_item_id is null`)
  await run(sql`
    insert into csat_ratings (request_id, item_id, user_id, rating, team_slug, item_kind, engineer_id, rated_at)
    select q.id, q.item_id, q.user_id, 1 + q.id % 5, q.team_slug, q.item_kind, q.engineer_id, q.asked_at + interval '1 hour'
    from csat_requests q where q.id % 3 <> 0`)
  await run(sql`analyze`)
}
