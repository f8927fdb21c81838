import type { Category } from '../../src/db/schema'
import type { ThreadFilter, ThreadListItem, ThreadListPage } from '../../src/forum/queries'
import type { SetupChecklist } from '../../src/setup/queries'
import { raw } from 'hono/html'
import { RelativeTime, UserLink } from '../components'
import { plural, tagPath, threadPath } from '../format'
import { Layout, type Chrome } from '../layout'
import { SetupChecklistPanel } from '../setup/checklist'

/** What the list region is rendered from; a cache of it is keyed by all of it. */
export interface ThreadListRegionProps {
  heading: string
  intro?: string
  /** Base path of this list ("/", "/c/billing", "/tags/sso"); tabs and pages link from it. */
  basePath: string
  filter: ThreadFilter
  page: ThreadListPage
  categories: Pick<Category, 'slug' | 'name' | 'description'>[]
  /** True when this page is further down the list (a cursor was given). */
  isLaterPage: boolean
  /** When the region is rendered (relative times). */
  now: Date
}

export interface ThreadListPageProps {
  chrome: Chrome
  heading: string
  intro?: string
  canonical: string
  feed?: { title: string; href: string }
  /** ThreadListRegion, rendered (and usually cached) by the route. */
  regionHtml: string
  /** The first-run checklist, for an admin of a forum not yet set up (home page only). */
  checklist?: SetupChecklist | null
}

const TAB_LABELS: Record<ThreadFilter, string> = { latest: 'Latest', unanswered: 'Unanswered', solved: 'Solved' }

export function filterPath(basePath: string, filter: ThreadFilter): string {
  if (basePath === '/') return filter === 'latest' ? '/' : `/${filter}`
  return filter === 'latest' ? basePath : `${basePath}?filter=${filter}`
}

function nextPagePath(basePath: string, filter: ThreadFilter, cursor: string): string {
  const path = filterPath(basePath, filter)
  return `${path}${path.includes('?') ? '&' : '?'}before=${encodeURIComponent(cursor)}`
}

/**
 * A list page: the layout (personal: the viewer, CSRF token) around the list region, which is
 * the same for every viewer and comes already rendered (see ThreadListRegion), so that a cached
 * region serves anonymous visitors and members alike.
 */
export function ThreadListPageView(props: ThreadListPageProps) {
  return (
    <Layout
      chrome={props.chrome}
      meta={{
        title: props.heading,
        description: props.intro,
        canonical: props.canonical,
        head: props.feed && <link rel="alternate" type="application/atom+xml" title={props.feed.title} href={props.feed.href} />,
      }}
    >
      <SetupChecklistPanel checklist={props.checklist} />
      {raw(props.regionHtml)}
    </Layout>
  )
}

/** The list, its tabs, pager and the categories beside it: nothing in it depends on who looks. */
export function ThreadListRegion(props: ThreadListRegionProps) {
  const { page } = props
  return (
    <div class="with-sidebar">
      <section aria-labelledby="list-heading">
        <hgroup>
          <h1 id="list-heading">{props.heading}</h1>
          {props.intro && <p>{props.intro}</p>}
        </hgroup>
        <nav aria-label="Filter threads" class="tabs">
          <ul>
            {(Object.keys(TAB_LABELS) as ThreadFilter[]).map((filter) => (
              <li>
                <a href={filterPath(props.basePath, filter)} aria-current={filter === props.filter ? 'page' : undefined}>
                  {TAB_LABELS[filter]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {page.items.length === 0 ? (
          <p class="empty">
            {props.isLaterPage
              ? 'There are no more threads here. '
              : props.filter === 'unanswered'
                ? 'Every question here has an answer. '
                : 'No threads here yet. '}
            {props.isLaterPage ? <a href={filterPath(props.basePath, props.filter)}>Back to the first page</a> : <a href="/ask">Ask a question</a>}
          </p>
        ) : (
          <ol class="thread-list">
            {page.items.map((item) => (
              <li>
                <ThreadRow item={item} now={props.now} headingLevel={2} />
              </li>
            ))}
          </ol>
        )}
        {page.nextCursor && (
          <nav aria-label="Pages" class="pager">
            <a href={nextPagePath(props.basePath, props.filter, page.nextCursor)} rel="next">
              Older threads →
            </a>
          </nav>
        )}
      </section>
      <aside aria-label="Categories">
        <h2 class="aside-heading">Categories</h2>
        <ul class="category-list">
          {props.categories.map((category) => (
            <li>
              <a href={`/c/${category.slug}`}>{category.name}</a>
              {category.description && <small>{category.description}</small>}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  )
}

/** One thread in a list; its title is a heading one level under the list's own (h2 under a page's h1, h3 under an h2). */
export function ThreadRow({ item, now, headingLevel = 3 }: { item: ThreadListItem; now: Date; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3'
  return (
    <article class={`thread-row${item.solved ? ' is-solved' : ''}`}>
      <div class="thread-stats" aria-label="Thread statistics">
        <span class="stat">
          <strong>{item.upvoteCount}</strong> {item.upvoteCount === 1 ? 'vote' : 'votes'}
        </span>
        <span class={`stat replies${item.solved ? ' solved' : item.replyCount === 0 ? ' unanswered' : ''}`}>
          <strong>{item.replyCount}</strong> {item.replyCount === 1 ? 'reply' : 'replies'}
        </span>
        {item.solved && (
          <span class="stat solved-mark" title="Has an accepted solution">
            ✓ solved
          </span>
        )}
        {item.meTooCount > 0 && <span class="stat">{plural(item.meTooCount, 'me too', 'me too')}</span>}
      </div>
      <div class="thread-summary">
        <Heading class="thread-title">
          <a href={threadPath(item)}>{item.title}</a>
        </Heading>
        {item.excerpt && <p class="excerpt">{item.excerpt}</p>}
        <footer>
          <a href={`/c/${item.category.slug}`} class="category-chip">
            {item.category.name}
          </a>
          {item.tags.map((tag) => (
            <a href={tagPath(tag)} class="tag">
              {tag}
            </a>
          ))}
          <span class="byline">
            asked by <UserLink user={item.author} /> · active <RelativeTime at={item.lastActivityAt} now={now} />
          </span>
        </footer>
      </div>
    </article>
  )
}
