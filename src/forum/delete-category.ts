import { eq } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { categories, threads } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { parseInput } from '../validation'
import { CategoryIdInput } from './schemas'

/** Only an empty category can go: threads are public and permanent, never dropped with it. */
export async function deleteCategory({ ctx, input }: VerbArgs): Promise<void> {
  requireAdmin(ctx, 'manage categories')
  const data = parseInput(CategoryIdInput, input)
  await inTransaction(ctx, async ({ db }) => {
    const [category] = await db.select().from(categories).where(eq(categories.id, data.categoryId)).for('update')
    if (!category) throw new NotFoundError('That category')
    const [thread] = await db.select({ id: threads.id }).from(threads).where(eq(threads.categoryId, category.id)).limit(1)
    if (thread) throw new ConflictError('This category still has threads. Move them to another category first.')
    await db.delete(categories).where(eq(categories.id, category.id))
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'category.deleted', subjectType: 'category', subjectId: category.id, subjectLabel: category.name, details: { slug: category.slug } } })
  })
}
