import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'

/** What a shift's handoff reports, drafted from the data (the engineer adds their priorities). */
export interface HandoffSummary {
  [key: string]: unknown
  fixed: { itemId: number; title: string; release: string | null; trackerUrl: string | null }[]
  backlog: { itemId: number; title: string; url: string }[]
  openEscalations: { escalationId: number; itemId: number; title: string; engineerName: string | null; createdAt: string; responseDueAt: string; breached: boolean }[]
  slaBreaches: { itemId: number; title: string; target: string; at: string }[]
  escalationBreaches: { itemId: number; title: string; at: string }[]
  topics: {
    tags: { name: string; items: number }[]
    categories: { name: string; items: number }[]
    duplicates: { threadId: number; title: string; duplicates: number }[]
  }
  counts: { escalationsReceived: number; answered: number; answeredInTime: number; itemsCreated: number; itemsResolved: number }
}

const TOP = 5

/**
 * Summarises a team's support load over [from, to): one statement per region of the handoff,
 * all scoped to the team's items. Used for the drafts at shift end and the daily sync.
 */
export async function summarisePeriod(db: Db, teamSlug: string, from: Date, to: Date): Promise<HandoffSummary> {
  const [f, t] = [from.toISOString(), to.toISOString()]
  const [fixed, backlog, openEscalations, slaBreaches, escalationBreaches, tags, categories, duplicates, [counts]] = await Promise.all([
    queryRows<HandoffSummary['fixed'][number]>(
      db,
      sql`select i.id as "itemId", i.title, e.release, e.tracker_url as "trackerUrl" from escalations e join queue_items i on i.id = e.item_id
          where i.team_slug = ${teamSlug} and e.outcome = 'fixed' and e.answered_at >= ${f}::timestamptz and e.answered_at < ${t}::timestamptz
          order by e.answered_at`,
    ),
    queryRows<HandoffSummary['backlog'][number]>(
      db,
      sql`select i.id as "itemId", i.title, i.backlog_url as url from queue_items i
          where i.team_slug = ${teamSlug} and i.backlog_at >= ${f}::timestamptz and i.backlog_at < ${t}::timestamptz
          order by i.backlog_at`,
    ),
    queryRows<HandoffSummary['openEscalations'][number]>(
      db,
      sql`select e.id as "escalationId", i.id as "itemId", i.title, u.display_name as "engineerName", e.created_at::text as "createdAt",
            e.response_due_at::text as "responseDueAt", e.response_due_at < ${t}::timestamptz as breached
          from escalations e join queue_items i on i.id = e.item_id left join users u on u.id = e.engineer_id
          where i.team_slug = ${teamSlug} and e.created_at < ${t}::timestamptz and (e.answered_at is null or e.answered_at >= ${t}::timestamptz)
          order by e.created_at`,
    ),
    queryRows<HandoffSummary['slaBreaches'][number]>(
      db,
      sql`select i.id as "itemId", i.title, ev.data->>'target' as target, ev.created_at::text as at
          from queue_item_events ev join queue_items i on i.id = ev.item_id
          where i.team_slug = ${teamSlug} and ev.kind = 'sla_breached' and ev.created_at >= ${f}::timestamptz and ev.created_at < ${t}::timestamptz
          order by ev.created_at`,
    ),
    queryRows<HandoffSummary['escalationBreaches'][number]>(
      db,
      sql`select i.id as "itemId", i.title, e.breach_notified_at::text as at from escalations e join queue_items i on i.id = e.item_id
          where i.team_slug = ${teamSlug} and e.breach_notified_at >= ${f}::timestamptz and e.breach_notified_at < ${t}::timestamptz
          order by e.breach_notified_at`,
    ),
    queryRows<HandoffSummary['topics']['tags'][number]>(
      db,
      sql`select tg.name, count(distinct i.id)::int as items from queue_items i
          join thread_tags tt on tt.thread_id = i.thread_id join tags tg on tg.id = tt.tag_id
          where i.team_slug = ${teamSlug} and i.created_at >= ${f}::timestamptz and i.created_at < ${t}::timestamptz
          group by tg.name order by items desc, tg.name limit ${TOP}`,
    ),
    queryRows<HandoffSummary['topics']['categories'][number]>(
      db,
      sql`select c.name, count(*)::int as items from queue_items i
          join threads th on th.id = i.thread_id join categories c on c.id = th.category_id
          where i.team_slug = ${teamSlug} and i.created_at >= ${f}::timestamptz and i.created_at < ${t}::timestamptz
          group by c.name order by items desc, c.name limit ${TOP}`,
    ),
    queryRows<HandoffSummary['topics']['duplicates'][number]>(
      db,
      sql`select k.id as "threadId", k.title, count(*)::int as duplicates from threads d
          join threads k on k.id = d.duplicate_of_id join categories c on c.id = k.category_id
          where c.team = ${teamSlug} and d.created_at >= ${f}::timestamptz and d.created_at < ${t}::timestamptz
          group by k.id, k.title order by duplicates desc, k.id limit ${TOP}`,
    ),
    queryRows<HandoffSummary['counts']>(
      db,
      sql`select
            (select count(*)::int from escalations e join queue_items i on i.id = e.item_id
              where i.team_slug = ${teamSlug} and e.created_at >= ${f}::timestamptz and e.created_at < ${t}::timestamptz) as "escalationsReceived",
            (select count(*)::int from escalations e join queue_items i on i.id = e.item_id
              where i.team_slug = ${teamSlug} and e.answered_at >= ${f}::timestamptz and e.answered_at < ${t}::timestamptz) as answered,
            (select count(*)::int from escalations e join queue_items i on i.id = e.item_id
              where i.team_slug = ${teamSlug} and e.answered_at >= ${f}::timestamptz and e.answered_at < ${t}::timestamptz
                and e.answered_at <= e.response_due_at) as "answeredInTime",
            (select count(*)::int from queue_items i
              where i.team_slug = ${teamSlug} and i.created_at >= ${f}::timestamptz and i.created_at < ${t}::timestamptz) as "itemsCreated",
            (select count(*)::int from queue_items i
              where i.team_slug = ${teamSlug} and i.resolved_at >= ${f}::timestamptz and i.resolved_at < ${t}::timestamptz) as "itemsResolved"`,
    ),
  ])
  return { fixed, backlog, openEscalations, slaBreaches, escalationBreaches, topics: { tags, categories, duplicates }, counts: counts! }
}
