import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queueItems, type QueueItem } from '../db/schema'
import { NotFoundError } from '../errors'

export async function lockItem(db: Db, itemId: number): Promise<QueueItem> {
  const [item] = await db.select().from(queueItems).where(eq(queueItems.id, itemId)).for('update')
  if (!item) throw new NotFoundError('That queue item')
  return item
}
