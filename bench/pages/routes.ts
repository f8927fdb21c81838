import type { SeedTargets } from './seed'

// The pages the benchmark loads, who loads them, and the goal of each group (issue 20).

export type As = 'anonymous' | 'member' | 'support' | 'engineer'
/** Each role's cookie; `members` many members' sessions for pages measured with many visitors. */
export type Cookies = Record<As, string> & { members: string[] }
export type Group = 'anonymous' | 'member' | 'search' | 'staff' | 'reference'

export interface PageRoute {
  key: string
  label: string
  group: Group
  as: As
  path: string
  /** Text the page must contain, so a page that answers 200 with the wrong content fails. */
  expect?: string
  /**
   * Measured as many visitors (an address each, members' sessions in turn) rather than one:
   * for pages limited per visitor (search), where one visitor at full speed meets only 429s.
   */
  manyVisitors?: boolean
}

export interface GroupGoal {
  title: string
  minRatio: number
  maxP99Ms: number
}

export const GROUPS: Record<Exclude<Group, 'reference'>, GroupGoal> = {
  anonymous: { title: 'Anonymous pages (goal: ratio ≥ 0.5, p99 < 50 ms)', minRatio: 0.5, maxP99Ms: 50 },
  member: { title: 'Signed-in member (goal: ratio ≥ 0.3, p99 < 80 ms)', minRatio: 0.3, maxP99Ms: 80 },
  search: { title: 'Search and similar questions (goal: ratio ≥ 0.1 at 100k, p99 < 100 ms)', minRatio: 0.1, maxP99Ms: 100 },
  staff: { title: 'Support and engineering (goal: ratio ≥ 0.2, p99 < 100 ms)', minRatio: 0.2, maxP99Ms: 100 },
}

const LISTS = (t: SeedTargets) => [
  { key: 'home', label: 'Home (latest)', path: '/', expect: 'Latest questions' },
  { key: 'unanswered', label: 'Unanswered', path: '/unanswered', expect: 'Unanswered questions' },
  { key: 'solved', label: 'Solved', path: '/solved', expect: 'Solved questions' },
  { key: 'category', label: 'Category', path: `/c/${t.categorySlug}`, expect: 'thread-list' },
  { key: 'tag', label: 'Tag', path: `/tags/${t.tag}`, expect: 'thread-list' },
  { key: 'thread', label: 'Thread, 10 replies', path: t.measuredThreadPath, expect: 'reply-' },
]

export function pageRoutes(t: SeedTargets): PageRoute[] {
  return [
    ...LISTS(t).map((page) => ({ ...page, key: `anon-${page.key}`, group: 'anonymous' as const, as: 'anonymous' as const })),
    { key: 'anon-feed', label: 'Atom feed', group: 'anonymous', as: 'anonymous', path: '/feed.atom', expect: '<feed' },
    { key: 'anon-category-feed', label: 'Category Atom feed', group: 'anonymous', as: 'anonymous', path: `/c/${t.categorySlug}/feed.atom`, expect: '<feed' },
    { key: 'anon-sitemap', label: 'Sitemap index', group: 'anonymous', as: 'anonymous', path: '/sitemap.xml', expect: '<sitemapindex' },
    { key: 'anon-sitemap-threads', label: 'Sitemap of threads (page 1, up to 10,000 URLs, gzip)', group: 'anonymous', as: 'anonymous', path: '/sitemaps/threads-1.xml', expect: '<urlset' },
    ...LISTS(t).map((page) => ({ ...page, key: `member-${page.key}`, group: 'member' as const, as: 'member' as const })),
    { key: 'member-ask', label: 'Ask page', group: 'member', as: 'member', path: '/ask', expect: 'name="title"' },
    { key: 'search', label: 'Search “webhook retry” (many visitors)', group: 'search', as: 'anonymous', path: '/search?q=webhook+retry', expect: 'result', manyVisitors: true },
    {
      key: 'similar',
      label: 'Similar questions (as typed on the ask page; many members)',
      group: 'search',
      as: 'member',
      manyVisitors: true,
      path: '/ask/similar?title=sync+is+stuck+after+the+latest+update&body=',
    },
    { key: 'queue-board', label: 'Queue board, default filters (support)', group: 'staff', as: 'support', path: '/queue', expect: 'Customer item' },
    { key: 'queue-item', label: 'Queue item page (support)', group: 'staff', as: 'support', path: `/queue/items/${t.itemId}`, expect: 'Customer item' },
    { key: 'escalation-inbox', label: 'Escalation inbox (engineer)', group: 'staff', as: 'engineer', path: '/escalations/mine' },
    { key: 'rotation', label: 'Rotation page (engineer)', group: 'staff', as: 'engineer', path: `/rotations/${t.rotationId}` },
    { key: 'rotations', label: 'Rotations overview, 30 rotations (engineer)', group: 'staff', as: 'engineer', path: '/rotations' },
  ]
}
