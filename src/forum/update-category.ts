import { and, eq, ne } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { categories } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { UpdateCategoryInput } from './schemas'

export async function updateCategory({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage categories')
  const { categoryId, ...data } = parseInput(UpdateCategoryInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const [clash] = await db
      .select({ id: categories.id })
      .from(categories)
      .where(and(eq(categories.slug, data.slug), ne(categories.id, categoryId)))
    if (clash) throw new ConflictError('Another category already uses this slug.', 'slug')
    const [category] = await db.update(categories).set(data).where(eq(categories.id, categoryId)).returning()
    if (!category) throw new NotFoundError('That category')
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'category.updated', subjectType: 'category', subjectId: category.id, subjectLabel: category.name, details: data } })
    return category
  })
}
