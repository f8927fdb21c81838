import { eq } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { categories } from '../db/schema'
import { ConflictError } from '../errors'
import { parseInput } from '../validation'
import { CategoryInput } from './schemas'

export async function createCategory({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage categories')
  const data = parseInput(CategoryInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [taken] = await db.select({ id: categories.id }).from(categories).where(eq(categories.slug, data.slug))
    if (taken) throw new ConflictError('Another category already uses this slug.', 'slug')
    const [category] = await db
      .insert(categories)
      .values({ ...data, createdAt: ctx.now() })
      .returning()
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'category.created', subjectType: 'category', subjectId: category!.id, subjectLabel: category!.name, details: { slug: category!.slug } } })
    return category!
  })
}
