import { and, eq, isNull } from 'drizzle-orm'
import { generateToken, hashToken } from '../auth'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { apiTokens, users, type ApiScope } from '../db/schema'

/** Prefix that makes a leaked token recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'wire_'

export function newApiToken(): string {
  return `${TOKEN_PREFIX}${generateToken()}`
}

/**
 * The staff member behind a bearer token, if the token is known, not revoked, carries `scope`,
 * and its creator is still staff. Marks the token as used.
 */
export async function authenticateApiToken(db: Db, token: string, scope: ApiScope, now: Date): Promise<Actor | null> {
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
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdById))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
  if (!row || !row.scopes.includes(scope) || row.role === 'member') return null
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId))
  const { tokenId: _, scopes: __, ...actor } = row
  return actor
}

/** What a bearer token authorises: its owner (whose role still decides what they may see) and its scopes. */
export interface ApiCredential {
  tokenId: number
  scopes: readonly string[]
  actor: Actor
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
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdById))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
  if (!row) return null
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId))
  const { tokenId, scopes, ...actor } = row
  return { tokenId, scopes, actor }
}
