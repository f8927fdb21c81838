import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { bugBashClusters, type BugBashCluster } from '../db/schema'
import { ConflictError, ValidationError } from '../errors'
import { requireStaff } from '../policy'
import { parseInput } from '../validation'
import { addClusterThreads, lockLiveClusterOf, recordClusterEvent, recordOnItems } from './cluster-core'
import { findClusterOf } from './find-clusters'
import { PickClusterInput } from './schemas'

/**
 * Picks the cluster that holds a thread for a bug-bash day (or moves it to another day): it is
 * stored with the threads it holds now, so the list keeps it and a fix reaches exactly those.
 */
export async function pickCluster({ ctx, input }: VerbArgs<PickClusterInput>): Promise<BugBashCluster> {
  const actor = requireStaff(ctx, 'plan bug-bash days')
  const data = parseInput(PickClusterInput, input)
  const today = ctx.now().toISOString().slice(0, 10)
  if (data.day < today) throw new ValidationError({ day: `Choose today (${today}) or a later day: the bug-bash day is still to come.` })
  // The clusters are read (with the search engine) before the transaction; the write re-checks what it stores.
  const cluster = await findClusterOf(ctx, data.threadId)
  if (!cluster) throw new ConflictError('This question is no longer part of a recurring cluster. Reload the list to see where things stand.')
  const threadIds = cluster.threads.map((thread) => thread.id)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const stored = await lockLiveClusterOf(db, threadIds)
    if (stored?.state === 'picked' && stored.bugBashDay === data.day) throw new ConflictError(`This cluster is already picked for ${data.day}.`, 'day')
    const [saved] = stored
      ? await db
          .update(bugBashClusters)
          .set({ state: 'picked', bugBashDay: data.day, pickedAt: now, pickedById: actor.id, updatedAt: now })
          .where(eq(bugBashClusters.id, stored.id))
          .returning()
      : await db
          .insert(bugBashClusters)
          .values({ anchorThreadId: cluster.anchorThreadId, title: cluster.title, state: 'picked', bugBashDay: data.day, pickedAt: now, pickedById: actor.id, createdAt: now, updatedAt: now })
          .returning()
    await addClusterThreads(db, saved!.id, threadIds, now)
    await recordClusterEvent(db, saved!.id, 'picked', actor.id, { day: data.day, ...(stored?.bugBashDay ? { previousDay: stored.bugBashDay } : {}), threads: threadIds.length }, now)
    await recordOnItems(db, threadIds, 'bug_bash_picked', actor.id, { clusterId: saved!.id, day: data.day }, now)
    return saved!
  })
}
