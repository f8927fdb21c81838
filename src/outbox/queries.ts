import { sql } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import type { Ctx } from '../ctx'
import { queryRows } from '../db/client'

export interface OutboxTopicStat {
  topic: string
  pending: number
  parked: number
  oldestDueAt: Date | null
}

export interface ParkedRow {
  id: number
  topic: string
  key: string
  attempts: number
  lastError: string | null
  parkedAt: Date
  createdAt: Date
}

/** The admin's view of background work: what waits per topic, and what failed for good. */
export async function getOutboxOverview(ctx: Ctx): Promise<{ topics: OutboxTopicStat[]; parked: ParkedRow[] }> {
  requireAdmin(ctx, 'see background jobs')
  const [topics, parked] = await Promise.all([
    queryRows<{ topic: string; pending: number; parked: number; oldest_ms: number | null }>(
      ctx.db,
      sql`
        select topic, count(*) filter (where parked_at is null)::int as pending, count(*) filter (where parked_at is not null)::int as parked,
          (extract(epoch from min(due_at) filter (where parked_at is null)) * 1000)::float8 as oldest_ms
        from outbox group by topic order by topic`,
    ),
    queryRows<{ id: number; topic: string; key: string; attempts: number; last_error: string | null; parked_ms: number; created_ms: number }>(
      ctx.db,
      sql`
        select id::int as id, topic, key, attempts, last_error,
          (extract(epoch from parked_at) * 1000)::float8 as parked_ms, (extract(epoch from created_at) * 1000)::float8 as created_ms
        from outbox where parked_at is not null
        order by parked_at desc limit 200`,
    ),
  ])
  return {
    topics: topics.map((row) => ({
      topic: row.topic,
      pending: row.pending,
      parked: row.parked,
      oldestDueAt: row.oldest_ms === null ? null : new Date(row.oldest_ms),
    })),
    parked: parked.map((row) => ({
      id: row.id,
      topic: row.topic,
      key: row.key,
      attempts: row.attempts,
      lastError: row.last_error,
      parkedAt: new Date(row.parked_ms),
      createdAt: new Date(row.created_ms),
    })),
  }
}
