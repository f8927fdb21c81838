// The bug-bash list: recurring papercuts found by clustering the queue's threads (duplicate
// marks and merges, shared tags, the search engine's similar titles), with counts, affected
// customers and the newest occurrence; staff pick clusters for a bug-bash day and mark them
// fixed, which closes the loop on every thread through escalations' announceFix.
export { groupThreads, sharedTagLinks, type ClusterLink, type ThreadGroup } from './build-clusters'
export { BUG_BASH_CONFIG } from './config'
export type { Cluster, ClusterThread } from './find-clusters'
export { fixCluster } from './fix-cluster'
export { pickCluster } from './pick-cluster'
export { getBugBashList, type BugBashList } from './queries'
export { FixClusterInput, PickClusterInput, UnpickClusterInput } from './schemas'
export { unpickCluster } from './unpick-cluster'
