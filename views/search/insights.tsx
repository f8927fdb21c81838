import type { SearchInsights } from '../../src/search'
import { formatDate } from '../format'
import { Layout, type Chrome } from '../layout'
import { searchUrl } from '../../src/search/params'

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((100 * part) / whole)}%`)

export function SearchInsightsPage({ chrome, insights }: { chrome: Chrome; insights: SearchInsights }) {
  const link = (query: string) =>
    searchUrl({ text: query, categorySlug: '', tag: '', state: '', from: '', to: '', sort: 'relevance', page: 1 })
  return (
    <Layout chrome={chrome} meta={{ title: 'Search analytics', noindex: true }}>
      <hgroup>
        <h1>Search analytics</h1>
        <p>The last {insights.days} days. What people look for, what they do not find, and when finding an answer saved a question.</p>
      </hgroup>
      <section aria-labelledby="deflection-heading">
        <h2 id="deflection-heading">Deflection</h2>
        <div class="table-scroll" tabindex={0} role="region" aria-label="Searches (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Where</th>
                <th scope="col">Lookups</th>
                <th scope="col">Opened a solved thread</th>
                <th scope="col">… and did not ask (deflected)</th>
                <th scope="col">Deflection rate</th>
              </tr>
            </thead>
            <tbody>
              {insights.deflection.map((row) => (
                <tr>
                  <th scope="row">{row.kind === 'search' ? 'Search page' : 'Similar questions while asking'}</th>
                  <td>{row.lookups}</td>
                  <td>{row.solvedClicks}</td>
                  <td>{row.deflected}</td>
                  <td>{percent(row.deflected, row.lookups)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="muted">
          A lookup is deflected when the visitor opened a solved thread from it and posted no question in the next 24 hours.
        </p>
      </section>
      <div class="two-columns">
        <section aria-labelledby="top-heading">
          <h2 id="top-heading">Top searches</h2>
          {insights.topQueries.length === 0 ? (
            <p class="empty">No searches yet.</p>
          ) : (
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">Query</th>
                  <th scope="col">Searches</th>
                  <th scope="col">Results</th>
                  <th scope="col">Opened a result</th>
                </tr>
              </thead>
              <tbody>
                {insights.topQueries.map((row) => (
                  <tr>
                    <td>
                      <a href={link(row.query)}>{row.query}</a>
                    </td>
                    <td>{row.searches}</td>
                    <td>{row.averageResults}</td>
                    <td>{Math.round(row.clickRate * 100)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="gaps-heading">
          <h2 id="gaps-heading">Searches with no results (content gaps)</h2>
          {insights.noResults.length === 0 ? (
            <p class="empty">Every search found something.</p>
          ) : (
            <table class="striped">
              <thead>
                <tr>
                  <th scope="col">Query</th>
                  <th scope="col">Searches</th>
                  <th scope="col">Last</th>
                </tr>
              </thead>
              <tbody>
                {insights.noResults.map((row) => (
                  <tr>
                    <td>{row.query}</td>
                    <td>{row.searches}</td>
                    <td>{formatDate(row.lastSearchedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </Layout>
  )
}
