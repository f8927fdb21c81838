import { apiScopesFor, requireSignedIn } from '../policy'
import { hashToken } from '../auth'
import type { VerbArgs } from '../ctx'
import { apiTokens } from '../db/schema'
import { ValidationError } from '../errors'
import { parseInput } from '../validation'
import { newApiToken } from './api-tokens'
import { ApiTokenInput } from './schemas'

/**
 * A new API token for the signed-in person, with scopes their role may use (a member cannot
 * make a token with a staff scope); the token itself is shown once and only its hash is kept.
 */
export async function createApiToken({ ctx, input }: VerbArgs): Promise<{ id: number; token: string }> {
  const actor = requireSignedIn(ctx, 'create API tokens')
  const data = parseInput(ApiTokenInput, input)
  const allowed = apiScopesFor(actor.role)
  const refused = data.scopes.filter((scope) => !allowed.includes(scope))
  if (refused.length) throw new ValidationError({ scopes: `Your role cannot use ${refused.join(', ')}. Choose from: ${allowed.join(', ')}.` })
  const token = newApiToken()
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({ name: data.name, tokenHash: hashToken(token), scopes: [...new Set(data.scopes)], createdById: actor.id, createdAt: ctx.now() })
    .returning({ id: apiTokens.id })
  return { id: row!.id, token }
}
