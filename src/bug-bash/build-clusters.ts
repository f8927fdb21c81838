// Pure clustering of candidate threads by their links: no database, so it is tested alone.

export type LinkReason = 'duplicate' | 'tags' | 'similar'

export interface ClusterLink {
  a: number
  b: number
  reason: LinkReason
  /** For tags: the shared tags. */
  detail?: string
}

export interface ThreadGroup {
  threadIds: number[]
  /** Why its threads belong together, in words ("marked duplicates", "tags csv, export", "similar titles"). */
  reasons: string[]
}

/** Pairs of threads sharing at least `minShared` tags, one link per pair. */
export function sharedTagLinks(threads: { id: number; tags: string[] }[], minShared: number): ClusterLink[] {
  const byTag = new Map<string, number[]>()
  for (const thread of threads) for (const tag of new Set(thread.tags)) byTag.set(tag, [...(byTag.get(tag) ?? []), thread.id])
  const shared = new Map<string, string[]>()
  for (const [tag, ids] of byTag)
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = ids[i]! < ids[j]! ? [ids[i]!, ids[j]!] : [ids[j]!, ids[i]!]
        const key = `${a}:${b}`
        shared.set(key, [...(shared.get(key) ?? []), tag])
      }
  return [...shared].flatMap(([key, tags]) => {
    if (tags.length < minShared) return []
    const [a, b] = key.split(':').map(Number) as [number, number]
    return [{ a, b, reason: 'tags' as const, detail: tags.sort().join(', ') }]
  })
}

/** Connected groups of two or more threads (union-find over the links); links to unknown threads are ignored. */
export function groupThreads(threadIds: number[], links: ClusterLink[]): ThreadGroup[] {
  const known = new Set(threadIds)
  const parent = new Map(threadIds.map((id) => [id, id]))
  const find = (id: number): number => {
    let root = id
    while (parent.get(root) !== root) root = parent.get(root)!
    // Path compression: the next find from here is one step.
    for (let node = id; node !== root; ) {
      const next = parent.get(node)!
      parent.set(node, root)
      node = next
    }
    return root
  }
  const usable = links.filter((link) => link.a !== link.b && known.has(link.a) && known.has(link.b))
  for (const link of usable) {
    const [ra, rb] = [find(link.a), find(link.b)]
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb))
  }
  const members = new Map<number, number[]>()
  for (const id of threadIds) members.set(find(id), [...(members.get(find(id)) ?? []), id])
  const reasons = new Map<number, Set<string>>()
  for (const link of usable) {
    const root = find(link.a)
    const words = link.reason === 'duplicate' ? 'marked duplicates' : link.reason === 'similar' ? 'similar titles' : `tags ${link.detail}`
    reasons.set(root, (reasons.get(root) ?? new Set()).add(words))
  }
  return [...members]
    .filter(([, ids]) => ids.length >= 2)
    .map(([root, ids]) => ({ threadIds: ids.sort((a, b) => a - b), reasons: [...(reasons.get(root) ?? [])].sort() }))
}
