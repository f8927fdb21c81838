import { LRUCache } from 'lru-cache'
import { sql } from 'drizzle-orm'
import type { Ctx } from '../ctx'
import { queryRows } from '../db/client'
import type { BugBashState, ItemState } from '../db/schema'
import { groupThreads, sharedTagLinks, type ClusterLink } from './build-clusters'
import { BUG_BASH_CONFIG } from './config'

// The clusters of recurring papercuts as they stand now: candidate threads of the window (those
// that became items, were marked duplicates, or were merged), linked by duplicate marks and
// merges, shared tags and the search engine's similar titles, then matched with the clusters
// staff already picked or fixed (bug_bash_clusters). Computed, never counted on the side.

export interface ClusterThread {
  id: number
  slug: string
  title: string
  createdAt: Date
  /** The thread's newest item and its state (null: the thread never became an item). */
  itemId: number | null
  itemState: ItemState | null
  duplicateOfId: number | null
}

export interface Cluster {
  /** The stored cluster, once someone picked or fixed it. */
  storedId: number | null
  /** The oldest thread: what picking it names. */
  anchorThreadId: number
  title: string
  state: BugBashState
  day: string | null
  fixedAt: Date | null
  release: string | null
  threads: ClusterThread[]
  /** Distinct queue items behind its threads (and items closed into them). */
  itemCount: number
  /** Distinct customers: askers, "me too"s, the items' affected customers. */
  affectedCustomers: number
  /** The newest thread or item in it. */
  newestAt: Date
  reasons: string[]
}

interface CandidateRow {
  id: number
  slug: string
  title: string
  created_at: string
  duplicate_of_id: number | null
  tags: string[]
  items: { id: number; state: ItemState; createdAt: string; mergedIntoThreadId: number | null }[]
  customers: number[]
}

interface StoredRow {
  id: number
  anchor_thread_id: number
  title: string
  state: BugBashState
  bug_bash_day: string | null
  fixed_at: string | null
  release: string | null
  thread_ids: number[]
}

export interface ClusterSnapshot {
  open: Cluster[]
  picked: Cluster[]
  fixed: Cluster[]
  since: Date
  /** Candidate threads compared, and whether the cap cut some off. */
  candidates: number
  capped: boolean
}

/** The list as the page shows it: the top open clusters, the picked ones by day, the recently fixed. */
export async function findClusters(ctx: Ctx): Promise<ClusterSnapshot> {
  const all = await computeClusters(ctx)
  return { ...all, open: all.open.slice(0, BUG_BASH_CONFIG.listSize), picked: all.picked.slice(0, BUG_BASH_CONFIG.storedListSize), fixed: all.fixed.slice(0, BUG_BASH_CONFIG.storedListSize) }
}

/** Every cluster, uncut. */
async function computeClusters(ctx: Ctx): Promise<ClusterSnapshot> {
  const now = ctx.now()
  const since = new Date(now.getTime() - BUG_BASH_CONFIG.windowDays * 24 * 3_600_000)
  const sinceText = since.toISOString()
  const [candidates, stored] = await Promise.all([
    queryRows<CandidateRow>(
      ctx.db,
      sql`
        with candidates as (
          select t.id from threads t
          where t.hidden_at is null and (
            exists (select 1 from queue_items i where i.thread_id = t.id and i.created_at >= ${sinceText}::timestamptz)
            or (t.duplicate_of_id is not null and t.created_at >= ${sinceText}::timestamptz)
            or exists (select 1 from threads d where d.duplicate_of_id = t.id and d.hidden_at is null and d.created_at >= ${sinceText}::timestamptz)
            or exists (select 1 from queue_items k join queue_items m on m.merged_into_item_id = k.id
                       where k.thread_id = t.id and m.created_at >= ${sinceText}::timestamptz)
            or exists (select 1 from bug_bash_cluster_threads ct join bug_bash_clusters c on c.id = ct.cluster_id
                       where ct.thread_id = t.id and (c.state <> 'fixed' or c.fixed_at >= ${sinceText}::timestamptz)))
          order by t.last_activity_at desc, t.id desc
          limit ${BUG_BASH_CONFIG.candidateLimit + 1})
        select t.id, t.slug, t.title, t.created_at::text, t.duplicate_of_id,
          coalesce((select json_agg(g.name order by g.name) from thread_tags tt join tags g on g.id = tt.tag_id where tt.thread_id = t.id), '[]'::json) as tags,
          coalesce((select json_agg(json_build_object('id', i.id, 'state', i.state, 'createdAt', i.created_at, 'mergedIntoThreadId', m.thread_id) order by i.id)
                    from queue_items i left join queue_items m on m.id = i.merged_into_item_id where i.thread_id = t.id), '[]'::json) as items,
          coalesce((select json_agg(distinct x.user_id) from (
              select t.author_id as user_id
              union select mt.user_id from me_toos mt where mt.thread_id = t.id
              union select c.user_id from queue_item_customers c join queue_items i on i.id = c.item_id where i.thread_id = t.id
            ) x join users u on u.id = x.user_id and u.role = 'member'), '[]'::json) as customers
        from threads t
        where t.id in (select id from candidates)
        order by t.last_activity_at desc, t.id desc`,
    ),
    queryRows<StoredRow>(
      ctx.db,
      sql`
        select c.id, c.anchor_thread_id, c.title, c.state, c.bug_bash_day::text, c.fixed_at::text, c.release,
          coalesce((select json_agg(ct.thread_id order by ct.thread_id) from bug_bash_cluster_threads ct where ct.cluster_id = c.id), '[]'::json) as thread_ids
        from bug_bash_clusters c
        where c.state <> 'fixed' or c.fixed_at >= ${sinceText}::timestamptz
        order by c.id`,
    ),
  ])
  const capped = candidates.length > BUG_BASH_CONFIG.candidateLimit
  const nodes = new Map(candidates.slice(0, BUG_BASH_CONFIG.candidateLimit).map((row) => [row.id, row]))
  // A fixed cluster's threads are done: they neither form nor join a cluster again.
  const fixedThreads = new Set(stored.filter((row) => row.state === 'fixed').flatMap((row) => row.thread_ids))
  const live = [...nodes.keys()].filter((id) => !fixedThreads.has(id))

  const links: ClusterLink[] = []
  for (const node of nodes.values()) {
    if (node.duplicate_of_id) links.push({ a: node.id, b: node.duplicate_of_id, reason: 'duplicate' })
    for (const item of node.items) if (item.mergedIntoThreadId) links.push({ a: node.id, b: item.mergedIntoThreadId, reason: 'duplicate' })
  }
  links.push(...sharedTagLinks(live.map((id) => ({ id, tags: nodes.get(id)!.tags })), BUG_BASH_CONFIG.minSharedTags))
  links.push(...(await similarLinks(ctx, live.map((id) => nodes.get(id)!))))
  const groups = groupThreads(live, links)

  // Match each group with the live stored cluster that holds one of its threads.
  const liveStored = stored.filter((row) => row.state !== 'fixed')
  const storedOfThread = new Map<number, StoredRow>()
  for (const row of liveStored) for (const threadId of row.thread_ids) if (!storedOfThread.has(threadId)) storedOfThread.set(threadId, row)
  const grown = new Map<number, { threadIds: Set<number>; reasons: Set<string> }>(
    liveStored.map((row) => [row.id, { threadIds: new Set(row.thread_ids), reasons: new Set<string>() }]),
  )
  const open: Cluster[] = []
  for (const group of groups) {
    const match = group.threadIds.map((id) => storedOfThread.get(id)).find(Boolean)
    if (match) {
      const entry = grown.get(match.id)!
      for (const id of group.threadIds) entry.threadIds.add(id)
      for (const reason of group.reasons) entry.reasons.add(reason)
    } else open.push(describe(group.threadIds, group.reasons, nodes, null))
  }
  const storedClusters = stored.map((row) =>
    describe(row.state === 'fixed' ? row.thread_ids : [...grown.get(row.id)!.threadIds], [...(grown.get(row.id)?.reasons ?? [])].sort(), nodes, row),
  )
  const byLoad = (a: Cluster, b: Cluster) =>
    b.affectedCustomers - a.affectedCustomers || b.threads.length - a.threads.length || b.newestAt.getTime() - a.newestAt.getTime() || a.anchorThreadId - b.anchorThreadId
  return {
    open: [...open, ...storedClusters.filter((cluster) => cluster.state === 'open')].sort(byLoad),
    picked: storedClusters
      .filter((cluster) => cluster.state === 'picked')
      .sort((a, b) => (a.day ?? '').localeCompare(b.day ?? '') || byLoad(a, b)),
    fixed: storedClusters
      .filter((cluster) => cluster.state === 'fixed')
      .sort((a, b) => (b.fixedAt?.getTime() ?? 0) - (a.fixedAt?.getTime() ?? 0)),
    since,
    candidates: nodes.size,
    capped,
  }
}

/** The live cluster (open or picked, listed or past the cut) that holds this thread now, or null. */
export async function findClusterOf(ctx: Ctx, threadId: number): Promise<Cluster | null> {
  const all = await computeClusters(ctx)
  return [...all.picked, ...all.open].find((cluster) => cluster.threads.some((thread) => thread.id === threadId)) ?? null
}

/**
 * Each thread's similar() answer, kept per search engine (so per app instance: two apps in one
 * process never share it) by thread and title. The threads not kept are looked up together
 * (similarMany: on PostgreSQL two statements for all of them, the same answers as one similar()
 * each); a thread's similar threads hardly move within minutes, and a new thread brings its own
 * lookup, which links it to the old ones (links go both ways). A title edit is a new key; an entry
 * is looked up again after `similarCacheMs`.
 */
type SearchIndex = NonNullable<Ctx['search']>
type SimilarHit = Awaited<ReturnType<SearchIndex['similar']>>[number]
const similarCaches = new WeakMap<SearchIndex, LRUCache<string, SimilarHit[]>>()

function similarCacheOf(search: SearchIndex): LRUCache<string, SimilarHit[]> {
  let cache = similarCaches.get(search)
  if (!cache) {
    cache = new LRUCache<string, SimilarHit[]>({ max: BUG_BASH_CONFIG.similarCacheEntries, ttl: BUG_BASH_CONFIG.similarCacheMs })
    similarCaches.set(search, cache)
  }
  return cache
}

/** Links from the search engine: each candidate's similar threads among the candidates. */
async function similarLinks(ctx: Ctx, nodes: CandidateRow[]): Promise<ClusterLink[]> {
  const search = ctx.search
  if (!search || nodes.length < 2) return []
  const ids = new Set(nodes.map((node) => node.id))
  const cache = similarCacheOf(search)
  const keyOf = (node: CandidateRow) => `${node.id}:${node.title}`
  const answers = new Map(nodes.flatMap((node) => {
    const kept = cache.get(keyOf(node))
    return kept ? [[node.id, kept] as const] : []
  }))
  const missing = nodes.filter((node) => !answers.has(node.id))
  const { similarBatchSize: size, similarBatches: inFlight } = BUG_BASH_CONFIG
  const batches = Array.from({ length: Math.ceil(missing.length / size) }, (_, index) => missing.slice(index * size, (index + 1) * size))
  for (let start = 0; start < batches.length; start += inFlight)
    await Promise.all(
      batches.slice(start, start + inFlight).map(async (batch) => {
        const found = await search.similarMany(batch.map((node) => ({ title: node.title, limit: BUG_BASH_CONFIG.similarLimit })))
        batch.forEach((node, index) => {
          answers.set(node.id, found[index]!)
          cache.set(keyOf(node), found[index]!)
        })
      }),
    )
  const links: ClusterLink[] = []
  for (const node of nodes) {
    const hits = answers.get(node.id) ?? []
    const reference = hits.find((hit) => hit.threadId === node.id)?.score ?? hits[0]?.score ?? 0
    if (reference <= 0) continue
    for (const hit of hits)
      if (hit.threadId !== node.id && ids.has(hit.threadId) && hit.score >= BUG_BASH_CONFIG.similarShare * reference)
        links.push({ a: node.id, b: hit.threadId, reason: 'similar' })
  }
  return links
}

function describe(threadIds: number[], reasons: string[], nodes: Map<number, CandidateRow>, stored: StoredRow | null): Cluster {
  const members = threadIds.map((id) => nodes.get(id)).filter((node): node is CandidateRow => !!node)
  const customers = new Set(members.flatMap((node) => node.customers))
  const items = new Set(members.flatMap((node) => node.items.map((item) => item.id)))
  const times = members.flatMap((node) => [new Date(node.created_at).getTime(), ...node.items.map((item) => new Date(item.createdAt).getTime())])
  const oldest = [...members].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.id - b.id)[0]
  // Headline: the thread most customers are on (the oldest among equals).
  const headline = [...members].sort((a, b) => b.customers.length - a.customers.length || new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.id - b.id)[0]
  return {
    storedId: stored?.id ?? null,
    anchorThreadId: stored?.anchor_thread_id ?? oldest?.id ?? threadIds[0]!,
    title: stored?.title ?? headline?.title ?? '',
    state: stored?.state ?? 'open',
    day: stored?.bug_bash_day ?? null,
    fixedAt: stored?.fixed_at ? new Date(stored.fixed_at) : null,
    release: stored?.release ?? null,
    threads: members
      .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime() || b.id - a.id)
      .map((node) => {
        const latest = node.items[node.items.length - 1]
        return {
          id: node.id,
          slug: node.slug,
          title: node.title,
          createdAt: new Date(node.created_at),
          itemId: latest?.id ?? null,
          itemState: latest?.state ?? null,
          duplicateOfId: node.duplicate_of_id,
        }
      }),
    itemCount: items.size,
    affectedCustomers: customers.size,
    newestAt: new Date(times.length ? Math.max(...times) : 0),
    reasons,
  }
}
