import { sql } from 'drizzle-orm'
import { generateToken, hashToken } from '../auth'
import type { Actor } from '../ctx'
import { queryRows, type Db } from '../db/client'
import type { Role } from '../db/schema'
import { decideHit, shardedHitParts, type RateDecision, type RateRule } from '../rate-limits'
import { sanctionFromJson, sanctionInForceSql, type ActiveSanction } from '../safety'

/** Prefix that makes a leaked token recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'wire_'

export function newApiToken(): string {
  return `${TOKEN_PREFIX}${generateToken()}`
}

export interface ApiCredential {
  tokenId: number
  scopes: readonly string[]
  actor: Actor
  /** The owner's suspension in force: the token is genuine, but the account may do nothing now. */
  suspension: ActiveSanction | null
}

/**
 * The credential behind a bearer token of any owner, if the token is known and not revoked;
 * scope checks are the caller's (the API asks per resource). Marks the token as used, to the
 * minute (an API client's every request need not write the token's row), in the same statement.
 * `rateLimit`: also counts this request against the token's budget (`<keyPrefix><token id>`,
 * sharded as hitShardedRateLimit does) in that statement: `rate` is its decision, or null when no
 * window was current (the caller counts it with hitRateLimit, which starts one).
 */
export async function resolveApiToken(
  db: Db,
  token: string,
  now: Date,
  options: { rateLimit?: { keyPrefix: string; rule: Required<RateRule> } } = {},
): Promise<(ApiCredential & { rate: RateDecision | null | undefined }) | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null
  const limit = options.rateLimit
  const hit = limit ? shardedHitParts(sql`(${limit.keyPrefix}::text || (select token_id from token)::text)`, limit.rule, now) : null
  const [row] = await queryRows<TokenRow>(
    db,
    sql`with token as (
          select t.id as token_id, t.scopes, u.id, u.role, u.display_name, u.email, u.organisation_id,
                 ${sanctionInForceSql(sql`u.id`, 'suspend', now)} as suspension
            from api_tokens t join users u on u.id = t.created_by_id
           -- A removed account's tokens are revoked with it; its tombstone answers for none that slipped by.
           where t.token_hash = ${hashToken(token)} and t.revoked_at is null and u.deleted_at is null
        ), touched as (
          update api_tokens set last_used_at = ${now.toISOString()}::timestamptz from token
           where api_tokens.id = token.token_id
             and (api_tokens.last_used_at is null or api_tokens.last_used_at < ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz)
          returning 1
        )${hit ? sql`, ${hit.ctes}` : sql``}
        select token.*, ${hit ? hit.hits : sql`null::int`} as rate_hits, ${hit ? hit.windowMs : sql`null::float8`} as rate_window_ms
          from token${hit ? sql` left join rate_limit_hit on true` : sql``}`,
  )
  if (!row) return null
  const actor: Actor = { id: row.id, role: row.role, displayName: row.display_name, email: row.email, organisationId: row.organisation_id }
  return {
    tokenId: row.token_id,
    scopes: row.scopes,
    actor,
    suspension: sanctionFromJson(typeof row.suspension === 'string' ? JSON.parse(row.suspension) : row.suspension),
    rate: limit ? decideHit(row.rate_hits, row.rate_window_ms, limit.rule, now) : undefined,
  }
}

interface TokenRow {
  token_id: number
  scopes: string[]
  id: number
  role: Role
  display_name: string
  email: string
  organisation_id: number | null
  suspension: unknown
  rate_hits: number | null
  rate_window_ms: number | null
}
