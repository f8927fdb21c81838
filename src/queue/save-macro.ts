import { eq } from 'drizzle-orm'
import { requireStaff } from '../policy'
import { inTransaction, type VerbArgs } from '../ctx'
import { macros } from '../db/schema'
import { NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { PLACEHOLDERS, unknownPlaceholders } from './macros'
import { MacroInput } from './schemas'
import { knownTeamSlugs } from '../teams'

export async function saveMacro({ ctx, input }: VerbArgs) {
  const actor = requireStaff(ctx, 'manage canned replies')
  const data = parseInput(MacroInput, input)
  const unknown = unknownPlaceholders(data.body)
  if (unknown.length > 0)
    throw new ValidationError({
      body: `Unknown placeholder${unknown.length > 1 ? 's' : ''}: ${unknown.map((name) => `{{${name}}}`).join(', ')}. Known: ${Object.keys(PLACEHOLDERS)
        .map((name) => `{{${name}}}`)
        .join(', ')}.`,
    })
  return inTransaction(ctx, async ({ db }) => {
    if (data.teamSlug && !(await knownTeamSlugs(db)).includes(data.teamSlug)) throw new ValidationError({ teamSlug: 'Choose an existing team, or all teams.' })
    const now = ctx.now()
    if (data.macroId) {
      const [updated] = await db
        .update(macros)
        .set({ title: data.title, body: data.body, teamSlug: data.teamSlug, updatedAt: now })
        .where(eq(macros.id, data.macroId))
        .returning()
      if (!updated) throw new NotFoundError('That canned reply')
      return updated
    }
    const [created] = await db
      .insert(macros)
      .values({ title: data.title, body: data.body, teamSlug: data.teamSlug, createdById: actor.id, createdAt: now, updatedAt: now })
      .returning()
    return created!
  })
}
