import type { Ctx } from '../ctx'
import { requireStaff } from '../policy'
import { BUG_BASH_CONFIG } from './config'
import { findClusters, type ClusterSnapshot } from './find-clusters'

export interface BugBashList extends ClusterSnapshot {
  /** Today (UTC), the earliest day a cluster can be picked for. */
  today: string
  windowDays: number
}

/** Staff only: the bug-bash page. */
export async function getBugBashList(ctx: Ctx): Promise<BugBashList> {
  requireStaff(ctx, 'see the bug-bash list')
  const snapshot = await findClusters(ctx)
  return { ...snapshot, today: ctx.now().toISOString().slice(0, 10), windowDays: BUG_BASH_CONFIG.windowDays }
}
