import { sql } from 'drizzle-orm'
import { queryRows, type Db } from '../db/client'

export interface OutboxTopicRow {
  topic: string
  /** Rows waiting to be delivered (due or not yet due), parked ones excluded. */
  depth: number
  /** Seconds since the oldest due row fell due; 0 when nothing is due. */
  oldest_due_age: number
  parked: number
}

/** One counted thing: which gauge (`metric`), up to two label values, the count. */
export interface CountRow {
  metric: 'queue' | 'breach' | 'breached_items' | 'escalations_waiting' | 'escalations_overdue' | 'mail' | 'webhook' | 'chat'
  a: string
  b: string
  n: number
}

export interface OperationsSnapshot {
  outbox: OutboxTopicRow[]
  counts: CountRow[]
}

/**
 * What the operational gauges show, in two queries: the outbox by topic, and every other count as
 * one union. Only counts and topic names leave the database: no titles, addresses or bodies.
 * Open items go through the board's partial index; closed ones, which grow forever, are not read.
 */
export async function readOperationsSnapshot(db: Db, now: Date): Promise<OperationsSnapshot> {
  const at = now.toISOString()
  const [outbox, counts] = await Promise.all([
    queryRows<OutboxTopicRow>(
      db,
      sql`
        select topic,
          count(*) filter (where parked_at is null)::int as depth,
          coalesce(extract(epoch from ${at}::timestamptz - min(due_at) filter (where parked_at is null and due_at <= ${at}::timestamptz)), 0)::float8 as oldest_due_age,
          count(*) filter (where parked_at is not null)::int as parked
        from outbox group by topic`,
    ),
    queryRows<CountRow>(
      db,
      sql`
        select 'queue' as metric, i.state as a, coalesce(p.priority_class, 4)::text as b, count(*)::int as n
          from queue_items i left join queue_priorities p on p.item_id = i.id
          where i.state not in ('resolved', 'wont_fix') group by i.state, coalesce(p.priority_class, 4)
        union all
        select 'breach', target, '', count(*)::int
          from queue_items, unnest(breached) as target
          where state not in ('resolved', 'wont_fix') group by target
        union all
        select 'breached_items', '', '', count(*)::int
          from queue_items where state not in ('resolved', 'wont_fix') and cardinality(breached) > 0
        union all
        select 'escalations_waiting', '', '', count(*)::int from escalations where answered_at is null
        union all
        select 'escalations_overdue', '', '', count(*)::int
          from escalations where answered_at is null and response_due_at <= ${at}::timestamptz
        union all
        select 'mail', status, '', count(*)::int from mail_messages where status in ('queued', 'failed') group by status
        union all
        select 'webhook', state, '', count(*)::int from webhook_deliveries where state in ('pending', 'failed') group by state
        union all
        select 'chat', state, '', count(*)::int from chat_alerts where state in ('pending', 'failed') group by state`,
    ),
  ])
  return { outbox, counts }
}
