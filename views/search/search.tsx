import type { Category } from '../../src/db/schema'
import type { Highlighted, SearchPage, SearchResultItem } from '../../src/search'
import { PAGE_SIZE, searchUrl } from '../../src/search/params'
import { RelativeTime } from '../components'
import { plural, tagPath, threadPath } from '../format'
import { Layout, type Chrome } from '../layout'

/** Highlighted engine text: matches in <mark>, everything escaped by JSX. */
export function Marked({ segments }: { segments: Highlighted }) {
  return <>{segments.map((segment) => (segment.match ? <mark>{segment.text}</mark> : segment.text))}</>
}

export function resultHref(thread: { id: number; slug: string }, eventId: number | null): string {
  return eventId ? `${threadPath(thread)}?from=${eventId}` : threadPath(thread)
}

function SearchForm({ page }: { page: SearchPage }) {
  const { params } = page
  const hasFilters = !!(params.categorySlug || params.tag || params.state || params.from || params.to || params.sort !== 'relevance')
  return (
    <form
      method="get"
      action="/search"
      role="search"
      aria-label="Search with filters"
      class="search-form"
      hx-get="/search"
      hx-trigger="input changed delay:300ms from:#search-q, search from:#search-q, change from:.search-filters"
      hx-target="#search-results"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-sync="this:replace"
    >
      <div class="search-box">
        <label for="search-q" class="visually-hidden">
          Search the forum
        </label>
        <input
          id="search-q"
          type="search"
          name="q"
          value={params.text}
          placeholder="Search questions and answers"
          autocomplete="off"
          maxlength={400}
          autofocus={!params.text}
        />
        <button type="submit">Search</button>
      </div>
      <details class="search-filters" open={hasFilters}>
        <summary>Filters and sorting</summary>
        <div class="filter-grid">
          <div>
            <label for="search-category">Category</label>
            <select id="search-category" name="category">
              <option value="" selected={!params.categorySlug}>
                All categories
              </option>
              {page.categories.map((category: Category) => (
                <option value={category.slug} selected={category.slug === params.categorySlug}>
                  {category.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="search-tag">Tag</label>
            <input id="search-tag" name="tag" value={params.tag} placeholder="e.g. sso" />
          </div>
          <div>
            <label for="search-state">Show</label>
            <select id="search-state" name="state">
              <option value="" selected={!params.state}>
                All threads
              </option>
              <option value="solved" selected={params.state === 'solved'}>
                Solved only
              </option>
              <option value="unanswered" selected={params.state === 'unanswered'}>
                Unanswered only
              </option>
            </select>
          </div>
          <div>
            <label for="search-from">Asked from</label>
            <input id="search-from" type="date" name="from" value={params.from} />
          </div>
          <div>
            <label for="search-to">Asked until</label>
            <input id="search-to" type="date" name="to" value={params.to} />
          </div>
          <div>
            <label for="search-sort">Sort by</label>
            <select id="search-sort" name="sort">
              <option value="relevance" selected={params.sort === 'relevance'}>
                Relevance
              </option>
              <option value="newest" selected={params.sort === 'newest'}>
                Newest
              </option>
              <option value="votes" selected={params.sort === 'votes'}>
                Votes
              </option>
            </select>
          </div>
        </div>
      </details>
    </form>
  )
}

export function SearchPageView({ chrome, page }: { chrome: Chrome; page: SearchPage }) {
  return (
    <Layout chrome={chrome} meta={{ title: page.params.text ? `Search: ${page.params.text}` : 'Search', noindex: true }}>
      <section class="search-page" aria-labelledby="search-heading">
        <h1 id="search-heading">Search</h1>
        <SearchForm page={page} />
        <SearchResults page={page} now={chrome.now} />
      </section>
    </Layout>
  )
}

/** The region as-you-type updates swap. */
export function SearchResults({ page, now }: { page: SearchPage; now: Date }) {
  const { params } = page
  return (
    <div id="search-results" aria-live="polite">
      {params.notices.length > 0 && (
        <ul class="notices" role="status">
          {params.notices.map((notice) => (
            <li>{notice}</li>
          ))}
        </ul>
      )}
      {!params.text ? (
        <p class="empty">Type what you are looking for: words, "an exact phrase", this OR that, -without.</p>
      ) : !page.searchable ? (
        <p class="empty">
          Your search “{params.text}” has no words to look for (only operators or very common words). Try the words you would
          expect in an answer.
        </p>
      ) : (
        <>
          {page.correctedText && (
            <p class="corrected" role="status">
              Few results for “{params.text}”. Showing results for <strong>“{page.correctedText}”</strong>.
            </p>
          )}
          <p class="result-count">
            {page.total === 0
              ? `No results for “${params.text}”.`
              : `${page.capped ? `More than ${page.total}` : page.total} ${page.total === 1 ? 'result' : 'results'} for “${page.correctedText ?? params.text}”`}
            {page.capped && ` — the newest ${page.total} are ranked here; add a word or a filter to reach older ones.`}
          </p>
          {page.total === 0 && (
            <p class="empty">
              Nobody has asked that yet. <a href="/ask">Ask the community</a>, or try fewer or different words.
            </p>
          )}
          <ol class="search-results" start={(params.page - 1) * PAGE_SIZE + 1}>
            {page.results.map((item) => (
              <li>
                <SearchResultRow item={item} eventId={page.eventId} now={now} />
              </li>
            ))}
          </ol>
          {page.pageCount > 1 && <Pagination page={page} />}
        </>
      )}
    </div>
  )
}

function SearchResultRow({ item, eventId, now }: { item: SearchResultItem; eventId: number | null; now: Date }) {
  const { thread } = item
  return (
    <article class={`search-result${thread.solved ? ' is-solved' : ''}`}>
      <h2>
        <a href={resultHref(thread, eventId)}>
          <Marked segments={item.title} />
        </a>
        {thread.solved && <span class="solved-badge"> ✓ Solved</span>}
      </h2>
      <p class="snippet">
        <Marked segments={item.snippet} />
      </p>
      {thread.acceptedExcerpt && (
        <blockquote class="accepted-excerpt">
          <strong>Accepted answer:</strong> {thread.acceptedExcerpt}
        </blockquote>
      )}
      <footer>
        <a href={`/c/${thread.category.slug}`} class="category-chip">
          {thread.category.name}
        </a>
        {thread.tags.map((tag) => (
          <a href={tagPath(tag)} class="tag">
            {tag}
          </a>
        ))}
        <span class="byline">
          {plural(thread.upvoteCount, 'vote')} · {plural(thread.replyCount, 'reply', 'replies')} · asked{' '}
          <RelativeTime at={thread.createdAt} now={now} />
        </span>
      </footer>
    </article>
  )
}

function Pagination({ page }: { page: SearchPage }) {
  const current = page.params.page
  const last = Math.min(page.pageCount, 100)
  const pages = [...new Set([1, current - 2, current - 1, current, current + 1, current + 2, last])].filter((n) => n >= 1 && n <= last).sort((a, b) => a - b)
  return (
    <nav class="pagination" aria-label="Result pages">
      <ul>
        {current > 1 && (
          <li>
            <a href={searchUrl(page.params, current - 1)} rel="prev">
              ← Previous
            </a>
          </li>
        )}
        {pages.map((n) => (
          <li>
            {n === current ? (
              <span aria-current="page">{n}</span>
            ) : (
              <a href={searchUrl(page.params, n)}>{n}</a>
            )}
          </li>
        ))}
        {current < last && (
          <li>
            <a href={searchUrl(page.params, current + 1)} rel="next">
              Next →
            </a>
          </li>
        )}
      </ul>
    </nav>
  )
}
