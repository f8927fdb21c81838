import { eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { rateLimits } from '../db/schema'

export interface RateRule {
  limit: number
  windowMs: number
}

export interface RateDecision {
  allowed: boolean
  retryAfterSeconds: number
  /** Hits left in the current window (for RateLimit-Remaining). */
  remaining: number
  /** Seconds until the current window ends (for RateLimit-Reset). */
  resetSeconds: number
}

// Kept in PostgreSQL rather than memory so that every app instance behind a load balancer
// counts against the same limit; one upsert per attempt is cheap next to argon2.

/** Counts one hit against `key` and says whether it is still within the rule. */
export async function hitRateLimit(db: Db, key: string, rule: RateRule, now: Date): Promise<RateDecision> {
  const at = now.toISOString()
  const windowFloor = new Date(now.getTime() - rule.windowMs).toISOString()
  const [row] = await queryRows<{ hits: number; window_ms: number }>(
    db,
    sql`insert into rate_limits (key, window_started_at, hits) values (${key}, ${at}::timestamptz, 1)
        on conflict (key) do update set
          hits = case when rate_limits.window_started_at <= ${windowFloor}::timestamptz then 1 else rate_limits.hits + 1 end,
          window_started_at = case when rate_limits.window_started_at <= ${windowFloor}::timestamptz
                                   then ${at}::timestamptz else rate_limits.window_started_at end
        returning hits, (extract(epoch from window_started_at) * 1000)::float8 as window_ms`,
  )
  return decide(row ? { hits: row.hits, windowStartedAt: new Date(row.window_ms) } : undefined, rule, now)
}

/** Says whether `key` is over its limit without counting a hit. */
export async function peekRateLimit(db: Db, key: string, rule: RateRule, now: Date): Promise<RateDecision> {
  const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key))
  if (!row || row.windowStartedAt.getTime() <= now.getTime() - rule.windowMs)
    return { allowed: true, retryAfterSeconds: 0, remaining: rule.limit, resetSeconds: Math.ceil(rule.windowMs / 1000) }
  return decide({ hits: row.hits + 1, windowStartedAt: row.windowStartedAt }, rule, now)
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, key))
}

function decide(row: { hits: number; windowStartedAt: Date } | undefined, rule: RateRule, now: Date): RateDecision {
  const windowEnd = (row?.windowStartedAt.getTime() ?? now.getTime()) + rule.windowMs
  const resetSeconds = Math.max(0, Math.ceil((windowEnd - now.getTime()) / 1000))
  const remaining = Math.max(0, rule.limit - (row?.hits ?? 0))
  if (!row || row.hits <= rule.limit) return { allowed: true, retryAfterSeconds: 0, remaining, resetSeconds }
  return { allowed: false, retryAfterSeconds: Math.max(1, resetSeconds), remaining: 0, resetSeconds }
}

/**
 * Counts one hit against each bucket (an account's and an address's, say) and returns the
 * refusal that lasts longest, or an allowance when every bucket still has room.
 */
export async function hitRateLimits(db: Db, buckets: { key: string; rule: RateRule }[], now: Date): Promise<RateDecision> {
  let verdict: RateDecision | null = null
  for (const bucket of buckets) {
    const decision = await hitRateLimit(db, bucket.key, bucket.rule, now)
    if (!decision.allowed) {
      if (!verdict || verdict.allowed || decision.retryAfterSeconds > verdict.retryAfterSeconds) verdict = decision
    } else if (!verdict || (verdict.allowed && decision.remaining < verdict.remaining)) verdict = decision
  }
  return verdict ?? { allowed: true, retryAfterSeconds: 0, remaining: Number.MAX_SAFE_INTEGER, resetSeconds: 0 }
}

/** Deletes windows that ended long ago (no rule here is longer than a day), so the table stays small. */
export async function sweepRateLimits(db: Db, now: Date, olderThanMs = 2 * 24 * 60 * 60 * 1000): Promise<number> {
  const rows = await db
    .delete(rateLimits)
    .where(sql`${rateLimits.windowStartedAt} < ${new Date(now.getTime() - olderThanMs).toISOString()}::timestamptz`)
    .returning({ key: rateLimits.key })
  return rows.length
}
