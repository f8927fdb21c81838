import { requireStaff } from '../policy'
import { hashToken } from '../auth'
import type { VerbArgs } from '../ctx'
import { apiTokens } from '../db/schema'
import { parseInput } from '../validation'
import { newApiToken } from './api-tokens'
import { ApiTokenInput } from './schemas'

/** A new staff API token; the token itself is shown once and only its hash is kept. */
export async function createApiToken({ ctx, input }: VerbArgs): Promise<{ id: number; token: string }> {
  const actor = requireStaff(ctx, 'create API tokens')
  const data = parseInput(ApiTokenInput, input)
  const token = newApiToken()
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({ name: data.name, tokenHash: hashToken(token), scopes: [...new Set(data.scopes)], createdById: actor.id, createdAt: ctx.now() })
    .returning({ id: apiTokens.id })
  return { id: row!.id, token }
}
