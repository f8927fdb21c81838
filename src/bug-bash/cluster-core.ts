import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { bugBashClusterThreads, bugBashClusters, bugBashEvents, type BugBashCluster } from '../db/schema'
import { NotFoundError } from '../errors'
import { recordEvent } from '../queue'

// What the bug-bash verbs share; everything runs inside the caller's transaction.

export async function lockCluster(db: Db, clusterId: number): Promise<BugBashCluster> {
  const [cluster] = await db.select().from(bugBashClusters).where(eq(bugBashClusters.id, clusterId)).for('update')
  if (!cluster) throw new NotFoundError('That cluster')
  return cluster
}

/** The live (not fixed) stored cluster holding any of these threads, locked. */
export async function lockLiveClusterOf(db: Db, threadIds: number[]): Promise<BugBashCluster | null> {
  if (threadIds.length === 0) return null
  const [cluster] = await db
    .select()
    .from(bugBashClusters)
    .where(
      and(
        ne(bugBashClusters.state, 'fixed'),
        sql`${bugBashClusters.id} in (select ${bugBashClusterThreads.clusterId} from ${bugBashClusterThreads} where ${inArray(bugBashClusterThreads.threadId, threadIds)})`,
      ),
    )
    .orderBy(bugBashClusters.id)
    .limit(1)
    .for('update')
  return cluster ?? null
}

export async function addClusterThreads(db: Db, clusterId: number, threadIds: number[], now: Date): Promise<void> {
  if (threadIds.length === 0) return
  await db
    .insert(bugBashClusterThreads)
    .values(threadIds.map((threadId) => ({ clusterId, threadId, addedAt: now })))
    .onConflictDoNothing()
}

export async function clusterThreadIds(db: Db, clusterId: number): Promise<number[]> {
  const rows = await db.select({ threadId: bugBashClusterThreads.threadId }).from(bugBashClusterThreads).where(eq(bugBashClusterThreads.clusterId, clusterId))
  return rows.map((row) => row.threadId).sort((a, b) => a - b)
}

export async function recordClusterEvent(db: Db, clusterId: number, kind: string, actorId: number, data: Record<string, unknown>, now: Date): Promise<void> {
  await db.insert(bugBashEvents).values({ clusterId, kind, actorId, data, createdAt: now })
}

/** An event on every item behind these threads (open or not), so each item's timeline tells the story. */
export async function recordOnItems(db: Db, threadIds: number[], kind: string, actorId: number, data: Record<string, unknown>, now: Date): Promise<number[]> {
  if (threadIds.length === 0) return []
  const rows = await queryRows<{ id: number }>(
    db,
    sql`select distinct i.id from queue_items i where i.thread_id = any(${`{${threadIds.join(',')}}`}::int[]) order by i.id`,
  )
  for (const row of rows) await recordEvent(db, row.id, kind, actorId, data, now)
  return rows.map((row) => row.id)
}
