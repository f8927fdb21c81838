import type { QuestionFigureList } from '../../src/forum'
import { periodText } from '../../src/period-text'
import { CursorPager, FilterErrors } from '../components'
import { formatDateTime, threadPath } from '../format'
import { Layout, type Chrome } from '../layout'

const OUTCOME_WORDS = { answered: 'answered', accepted: 'with an accepted solution' }

/** The forum questions behind the scoreboard's accepted-solution figure, said in words, counted and paged. */
export function QuestionFigurePage({ chrome, list, query }: { chrome: Chrome; list: QuestionFigureList; query: Record<string, string | undefined> }) {
  const errors = Object.entries(list.errors)
  const link = (change: Record<string, string | undefined>) => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries({ ...query, before: undefined, ...change })) if (value) params.set(key, value)
    return `/staff/questions?${params.toString()}`
  }
  const { input } = list
  const chips: [string, string][] = []
  if (input.team) chips.push([`team ${input.team}`, 'team'])
  if (input.outcome) chips.push([OUTCOME_WORDS[input.outcome], 'outcome'])
  return (
    <Layout chrome={chrome} meta={{ title: 'Questions behind a figure', noindex: true }}>
      <hgroup>
        <h1>Questions asked</h1>
        <p>
          <a href="/scoreboard#accepted-solutions">Back to the scoreboard</a>
        </p>
      </hgroup>
      {errors.length > 0 ? (
        <FilterErrors prefix="questions" errors={errors} />
      ) : (
        <>
          <p class="figure-summary">
            Visible questions asked {periodText(input.from, input.to)}
            {chips.map(([text]) => `, ${text}`).join('')}: <strong data-count="items">{list.total}</strong>.
          </p>
          {chips.length > 0 && (
            <ul class="filter-chips" aria-label="Filters">
              {chips.map(([text, key]) => (
                <li>
                  {text}{' '}
                  <a href={link({ [key]: undefined })} aria-label={`Remove the filter: ${text}`} title="Remove this filter">
                    ×
                  </a>
                </li>
              ))}
            </ul>
          )}
          {list.rows.length === 0 ? (
            <p class="empty">No questions.</p>
          ) : (
            <div class="table-scroll" tabindex={0} role="region" aria-label="Questions (scrolls sideways)">
              <table class="questions">
                <thead>
                  <tr>
                    <th scope="col">Question</th>
                    <th scope="col">Category</th>
                    <th scope="col">Team</th>
                    <th scope="col">Asked</th>
                    <th scope="col">Answered</th>
                    <th scope="col">Accepted solution</th>
                  </tr>
                </thead>
                <tbody>
                  {list.rows.map((row) => (
                    <tr data-thread={String(row.id)}>
                      <td>
                        <a href={threadPath(row)}>{row.title}</a>
                      </td>
                      <td>{row.categoryName}</td>
                      <td>{row.team}</td>
                      <td>{formatDateTime(row.createdAt)}</td>
                      <td>{row.answered ? 'yes' : 'no'}</td>
                      <td>{row.accepted ? 'yes' : 'no'}</td>
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
