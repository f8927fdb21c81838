import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { requireStaff } from '../policy'
import type { VerbArgs } from '../ctx'
import { macros } from '../db/schema'
import { NotFoundError } from '../errors'
import { id, parseInput } from '../validation'

export async function deleteMacro({ ctx, input }: VerbArgs): Promise<void> {
  requireStaff(ctx, 'manage canned replies')
  const data = parseInput(z.object({ macroId: id('canned reply') }), input)
  const deleted = await ctx.db.delete(macros).where(eq(macros.id, data.macroId)).returning({ id: macros.id })
  if (deleted.length === 0) throw new NotFoundError('That canned reply')
}
