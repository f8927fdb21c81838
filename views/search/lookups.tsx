import type { LookupList } from '../../src/search'
import { periodText } from '../../src/period-text'
import { CursorPager, FilterErrors } from '../components'
import { formatDateTime, threadPath } from '../format'
import { Layout, type Chrome } from '../layout'

const OUTCOME_WORDS = { solved: 'after which a solved thread was opened', deflected: 'after which a solved thread was opened and no question asked within 24 hours (deflected)' }

/** The lookups behind the scoreboard's search deflection figure, said in words, counted and paged. */
export function LookupListPage({ chrome, list, query }: { chrome: Chrome; list: LookupList; query: Record<string, string | undefined> }) {
  const errors = Object.entries(list.errors)
  const link = (change: Record<string, string | undefined>) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries({ ...query, before: undefined, ...change })) if (value) params.set(key, value)
    return `/staff/search/lookups?${params.toString()}`
  }
  const { input } = list
  return (
    <Layout chrome={chrome} meta={{ title: 'Lookups behind a figure', noindex: true }}>
      <hgroup>
        <h1>{input.kind === 'similar' ? 'Similar-question lookups' : 'Searches'}</h1>
        <p>
          <a href="/scoreboard#deflection">Back to the scoreboard</a> · <a href="/staff/search">Search analytics</a>
        </p>
      </hgroup>
      {errors.length > 0 ? (
        <FilterErrors prefix="lookups" errors={errors} />
      ) : (
        <>
          <p class="figure-summary">
            {input.kind === 'similar' ? 'Similar-question lookups' : 'Searches'} {periodText(input.from, input.to)}
            {input.outcome ? ` ${OUTCOME_WORDS[input.outcome]}` : ''}: <strong data-count="items">{list.total}</strong>.
          </p>
          {input.outcome && (
            <ul class="filter-chips" aria-label="Filters">
              <li>
                {OUTCOME_WORDS[input.outcome]}{' '}
                <a href={link({ outcome: undefined })} aria-label={`Remove the filter: ${OUTCOME_WORDS[input.outcome]}`} title="Remove this filter">
                  ×
                </a>
              </li>
            </ul>
          )}
          {list.rows.length === 0 ? (
            <p class="empty">No lookups.</p>
          ) : (
            <div class="table-scroll" tabindex={0} role="region" aria-label="Lookups (scrolls sideways)">
              <table class="lookups">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Looked for</th>
                    <th scope="col">Results</th>
                    <th scope="col">Solved thread opened</th>
                    <th scope="col">Deflected</th>
                  </tr>
                </thead>
                <tbody>
                  {list.rows.map((row) => (
                    <tr data-lookup={String(row.id)}>
                      <td>{formatDateTime(row.at)}</td>
                      <td>{row.query ?? '—'}</td>
                      <td>{row.resultCount ?? '—'}</td>
                      <td>{row.opened ? <a href={threadPath(row.opened)}>{row.opened.title}</a> : '—'}</td>
                      <td>{row.deflected ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <CursorPager label="Pages" firstHref={query.before ? link({}) : null} nextHref={list.next ? link({ before: list.next }) : null} />
        </>
      )}
    </Layout>
  )
}
