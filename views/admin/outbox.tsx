import type { OutboxTopicStat, ParkedRow } from '../../src/outbox'
import { CsrfField, RelativeTime } from '../components'
import { Layout, type Chrome } from '../layout'
import { AdminNav } from './admin'

export function OutboxPage(props: { chrome: Chrome; topics: OutboxTopicStat[]; parked: ParkedRow[] }) {
  const { chrome } = props
  return (
    <Layout chrome={chrome} meta={{ title: 'Background jobs · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="outbox" />
      <p>Side effects (search indexing, notifications, timers) wait here until a worker delivers them.</p>
      <h2>Waiting</h2>
      {props.topics.length === 0 ? (
        <p class="empty">Nothing is waiting: every side effect has been delivered.</p>
      ) : (
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Topic</th>
              <th scope="col">Pending</th>
              <th scope="col">Parked</th>
              <th scope="col">Oldest due</th>
            </tr>
          </thead>
          <tbody>
            {props.topics.map((topic) => (
              <tr>
                <td>
                  <code>{topic.topic}</code>
                </td>
                <td>{topic.pending}</td>
                <td>{topic.parked}</td>
                <td>{topic.oldestDueAt ? <RelativeTime at={topic.oldestDueAt} now={chrome.now} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Parked after repeated failures</h2>
      {props.parked.length === 0 ? (
        <p class="empty">No parked jobs.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Background jobs (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Topic and key</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Parked</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.parked.map((row) => (
                <tr id={`job-${row.id}`}>
                  <td>
                    <code>{row.topic}</code>
                    <br />
                    <small>{row.key}</small>
                  </td>
                  <td>{row.attempts}</td>
                  <td>
                    <code class="error-text">{row.lastError ?? ''}</code>
                  </td>
                  <td>
                    <RelativeTime at={row.parkedAt} now={chrome.now} />
                  </td>
                  <td>
                    <form method="post" action={`/admin/outbox/${row.id}/retry`} class="inline-form">
                      <CsrfField token={chrome.csrfToken} />
                      <button type="submit" class="small" aria-label={`Retry ${row.key}`}>
                        Retry
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  )
}
