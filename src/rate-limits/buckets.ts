import { eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { rateLimits } from '../db/schema'

export interface RateRule {
  limit: number
  windowMs: number
  /**
   * Count hits on this many rows instead of one, for keys hit by many concurrent requests
   * (an API token). See hitShardedRateLimit for the design and its bound.
   */
  shards?: number
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
  if (rule.shards && rule.shards > 1) return hitShardedRateLimit(db, key, { ...rule, shards: rule.shards }, now)
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

/**
 * A fixed window whose hits are spread over `shards` counter rows (`key#0` .. `key#n-1`, one
 * picked at random per hit) and summed on every check, so concurrent requests of one key
 * update different rows instead of queueing on one row lock: one hot row served the API at
 * about 10 requests a second under 50 connections, whatever the route cost.
 *
 * The window still starts at the key's first hit (Retry-After and RateLimit-Reset mean what
 * they did): the row `key` itself holds only that start (hits stay 0) and is written once per
 * window, when a hit finds it missing or ended; every other hit only reads it. A shard row
 * left from an earlier window is not counted and starts again at 1 on its next hit.
 *
 * Bound: the sum is read in the hitting statement's snapshot, so hits that other statements
 * make at the same moment on other shards are not yet in it. A key can get at most
 * (concurrent statements for it - 1) hits past its limit per window: with every instance's
 * pool of 10 busy on one token, 9 per instance. Limits here are abuse brakes, not billing.
 */
async function hitShardedRateLimit(db: Db, key: string, rule: Required<RateRule>, now: Date): Promise<RateDecision> {
  const shardKeys = Array.from({ length: rule.shards }, (_, n) => `${key}#${n}`)
  const mine = shardKeys[Math.floor(Math.random() * rule.shards)]!
  const windowFloor = new Date(now.getTime() - rule.windowMs).toISOString()
  const countHit = () =>
    queryRows<{ hits: number; window_ms: number }>(
      db,
      // A shard stamped with a newer window than the one read here (the window turned over
      // meanwhile) keeps its newer window and takes the hit; it never goes back.
      sql`with current_window as (
            select window_started_at from rate_limits where key = ${key} and window_started_at > ${windowFloor}::timestamptz
          ), hit as (
            insert into rate_limits (key, window_started_at, hits)
            select ${mine}, window_started_at, 1 from current_window
            on conflict (key) do update set
              hits = case when excluded.window_started_at > rate_limits.window_started_at then 1 else rate_limits.hits + 1 end,
              window_started_at = greatest(excluded.window_started_at, rate_limits.window_started_at)
            returning hits, window_started_at
          )
          select (hit.hits + coalesce((
                   select sum(others.hits) from rate_limits others
                   where others.key in (${sql.join(
                     shardKeys.filter((shard) => shard !== mine).map((shard) => sql`${shard}`),
                     sql`, `,
                   )}) and others.window_started_at = hit.window_started_at
                 ), 0))::int as hits,
                 (extract(epoch from hit.window_started_at) * 1000)::float8 as window_ms
          from hit`,
    )
  let [row] = await countHit()
  if (!row) {
    // No window yet, or it ended: start one now. Only the first such hit moves the start.
    await db.execute(
      sql`insert into rate_limits (key, window_started_at, hits) values (${key}, ${now.toISOString()}::timestamptz, 0)
          on conflict (key) do update set window_started_at = excluded.window_started_at
          where rate_limits.window_started_at <= ${windowFloor}::timestamptz`,
    )
    ;[row] = await countHit()
  }
  return decide(row ? { hits: row.hits, windowStartedAt: new Date(row.window_ms) } : undefined, rule, now)
}

/**
 * hitShardedRateLimit's hit as parts of another statement whose key that statement computes
 * (an API token's budget, read in the statement that resolves the token): one round trip for
 * both. `ctes` go in its WITH after whatever `key` reads; `hits` and `windowMs` are selected from
 * a `left join rate_limit_hit on true` (null when no window is current: then call hitRateLimit,
 * which starts one; once per key and window). decideHit reads them back.
 */
export function shardedHitParts(key: SQL, rule: Required<RateRule>, now: Date): { ctes: SQL; hits: SQL; windowMs: SQL } {
  const windowFloor = new Date(now.getTime() - rule.windowMs).toISOString()
  const mine = sql`${key} || '#' || ${String(Math.floor(Math.random() * rule.shards))}::text`
  return {
    ctes: sql`rate_limit_window as (
        select window_started_at from rate_limits where key = ${key} and window_started_at > ${windowFloor}::timestamptz
      ), rate_limit_hit as (
        insert into rate_limits (key, window_started_at, hits)
        select ${mine}, window_started_at, 1 from rate_limit_window
        on conflict (key) do update set
          hits = case when excluded.window_started_at > rate_limits.window_started_at then 1 else rate_limits.hits + 1 end,
          window_started_at = greatest(excluded.window_started_at, rate_limits.window_started_at)
        returning key, hits, window_started_at
      )`,
    hits: sql`(rate_limit_hit.hits + coalesce((
        select sum(others.hits) from rate_limits others
        where others.key = any(array(select ${key} || '#' || shard::text from generate_series(0, ${rule.shards - 1}::int) shard))
          and others.key <> rate_limit_hit.key and others.window_started_at = rate_limit_hit.window_started_at
      ), 0))::int`,
    windowMs: sql`(extract(epoch from rate_limit_hit.window_started_at) * 1000)::float8`,
  }
}

/** What shardedHitParts' columns say; null when no window was current (start one with hitRateLimit). */
export function decideHit(hits: number | null, windowMs: number | null, rule: RateRule, now: Date): RateDecision | null {
  return hits === null || windowMs === null ? null : decide({ hits, windowStartedAt: new Date(windowMs) }, rule, now)
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
