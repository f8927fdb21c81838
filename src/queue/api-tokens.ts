import { and, eq, isNull, lt, or } from 'drizzle-orm'
import { generateToken, hashToken } from '../auth'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { apiTokens, users } from '../db/schema'
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
 * scope checks are the caller's (the API asks per resource). Marks the token as used.
 */
export async function resolveApiToken(db: Db, token: string, now: Date): Promise<ApiCredential | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null
  const [row] = await db
    .select({
      tokenId: apiTokens.id,
      scopes: apiTokens.scopes,
      id: users.id,
      role: users.role,
      displayName: users.displayName,
      email: users.email,
      organisationId: users.organisationId,
      suspension: sanctionInForceSql(users.id, 'suspend', now),
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdById))
    // A removed account's tokens are revoked with it; its tombstone answers for none that slipped by.
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), isNull(users.deletedAt)))
  if (!row) return null
  // "Last used" to the minute: an API client's every request need not write the token's row.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, new Date(now.getTime() - 60_000)))))
  const { tokenId, scopes, suspension, ...actor } = row
  return { tokenId, scopes, actor, suspension: sanctionFromJson(suspension) }
}
