import { asc, gt, isNull, and, count } from 'drizzle-orm'
import type { Db } from '../db/client'
import { threads } from '../db/schema'
import type { SearchIndex } from './types'

/**
 * Rebuilds the whole index from PostgreSQL, the source of truth, in batches of thread ids, then
 * lets the engine refresh its statistics.
 * `onProgress` gets (done, total) after each batch, for the command's progress bar.
 */
export async function rebuildSearchIndex(
  db: Db,
  index: SearchIndex,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 500
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(threads).where(isNull(threads.hiddenAt))
  await index.clear()
  let done = 0
  let after = 0
  for (;;) {
    const batch = await db
      .select({ id: threads.id })
      .from(threads)
      .where(and(gt(threads.id, after), isNull(threads.hiddenAt)))
      .orderBy(asc(threads.id))
      .limit(batchSize)
    if (batch.length === 0) break
    await index.indexThreads(batch.map((row) => row.id))
    after = batch[batch.length - 1]!.id
    done += batch.length
    options.onProgress?.(done, Number(total))
  }
  await index.rebuilt()
  return done
}
