import { and, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import { isAdmin, requireSignedIn } from '../policy'
import type { VerbArgs } from '../ctx'
import { apiTokens } from '../db/schema'
import { NotFoundError } from '../errors'
import { id, parseInput } from '../validation'

/** Revokes a token at once; everyone revokes their own, admins anyone's. */
export async function revokeApiToken({ ctx, input }: VerbArgs): Promise<void> {
  const actor = requireSignedIn(ctx, 'revoke API tokens')
  const data = parseInput(z.object({ tokenId: id('token') }), input)
  const revoked = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: ctx.now(), revokedById: actor.id })
    .where(and(eq(apiTokens.id, data.tokenId), isNull(apiTokens.revokedAt), isAdmin(actor) ? undefined : eq(apiTokens.createdById, actor.id)))
    .returning({ id: apiTokens.id })
  if (revoked.length === 0) throw new NotFoundError('That active token')
}
