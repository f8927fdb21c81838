import { eq } from 'drizzle-orm'
import { inTransaction, type VerbArgs } from '../ctx'
import { bugBashClusters, type BugBashCluster } from '../db/schema'
import { ConflictError } from '../errors'
import { requireStaff } from '../policy'
import { parseInput } from '../validation'
import { lockCluster, recordClusterEvent } from './cluster-core'
import { UnpickClusterInput } from './schemas'

/** Takes a picked cluster off its bug-bash day: it is open again, and keeps its threads. */
export async function unpickCluster({ ctx, input }: VerbArgs<UnpickClusterInput>): Promise<BugBashCluster> {
  const actor = requireStaff(ctx, 'plan bug-bash days')
  const data = parseInput(UnpickClusterInput, input)
  return inTransaction(ctx, async ({ db }) => {
    const now = ctx.now()
    const cluster = await lockCluster(db, data.clusterId)
    if (cluster.state !== 'picked') throw new ConflictError(cluster.state === 'fixed' ? 'This cluster is fixed already.' : 'This cluster is not picked for a bug-bash day.')
    const [saved] = await db
      .update(bugBashClusters)
      .set({ state: 'open', bugBashDay: null, updatedAt: now })
      .where(eq(bugBashClusters.id, cluster.id))
      .returning()
    await recordClusterEvent(db, cluster.id, 'unpicked', actor.id, { day: cluster.bugBashDay }, now)
    return saved!
  })
}
