import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { bugBashClusters, type BugBashCluster } from '../db/schema'
import { ConflictError, NotFoundError } from '../errors'
import { announceFix } from '../escalations'
import { requireStaff } from '../policy'
import { parseInput } from '../validation'
import { addClusterThreads, clusterThreadIds, lockCluster, recordClusterEvent, recordOnItems } from './cluster-core'
import { findClusterOf } from './find-clusters'
import { FixClusterInput } from './schemas'

/**
 * Marks a picked cluster fixed, and closes the loop on all its threads the way an engineer's
 * "fixed" does (escalations' announceFix): a public "fixed" reply on each thread and its
 * duplicates, every asker told in the app and by mail with "This solved it" / "Still broken",
 * open items moved to "fixed, pending confirmation" through the queue's one writer.
 */
export async function fixCluster({ ctx, input }: VerbArgs<FixClusterInput>): Promise<{ cluster: BugBashCluster; threads: number; notified: number }> {
  const actor = requireStaff(ctx, 'mark bug-bash clusters fixed')
  const data = parseInput(FixClusterInput, input)
  const [current] = await ctx.db.select().from(bugBashClusters).where(eq(bugBashClusters.id, data.clusterId))
  if (!current) throw new NotFoundError('That cluster')
  // Threads that joined since it was picked hear of the fix too (read before the transaction: it asks the search engine).
  const grown = current.state === 'fixed' ? null : await findClusterOf(ctx, current.anchorThreadId)
  return inTransaction(ctx, async (tx) => {
    const { db } = tx
    const now = ctx.now()
    const cluster = await lockCluster(db, data.clusterId)
    if (cluster.state === 'fixed') throw new ConflictError(`This cluster was marked fixed already (${cluster.fixedAt?.toISOString().slice(0, 10)}).`)
    if (cluster.state !== 'picked') throw new ConflictError('Pick this cluster for a bug-bash day first, then mark it fixed.')
    if (grown?.storedId === cluster.id) await addClusterThreads(db, cluster.id, grown.threads.map((thread) => thread.id), now)
    const threadIds = await clusterThreadIds(db, cluster.id)
    const announced = await announceFix(tx, {
      threadIds,
      answer: data.note,
      release: data.release,
      eventKey: `bugbash:${cluster.id}`,
      reason: `Fixed on the bug-bash day of ${cluster.bugBashDay}.`,
    })
    // Duplicates the fix reached are part of the cluster from now on.
    await addClusterThreads(db, cluster.id, announced.threadIds, now)
    const [saved] = await db
      .update(bugBashClusters)
      .set({ state: 'fixed', fixedAt: now, fixedById: actor.id, fixNote: data.note, release: data.release || null, updatedAt: now })
      .where(eq(bugBashClusters.id, cluster.id))
      .returning()
    await recordClusterEvent(db, cluster.id, 'fixed', actor.id, { threads: announced.threadIds.length, items: announced.itemIds.length, notified: announced.notified, release: data.release || null }, now)
    await recordOnItems(db, announced.threadIds, 'bug_bash_fixed', actor.id, { clusterId: cluster.id }, now)
    return { cluster: saved!, threads: announced.threadIds.length, notified: announced.notified }
  })
}
