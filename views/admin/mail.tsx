import type { MailListRow, MailView } from '../../src/mail/queries'
import { RelativeTime } from '../components'
import { formatDateTime } from '../format'
import { Layout, type Chrome } from '../layout'
import { AdminNav } from './admin'

const STATUS_LABELS: Record<MailListRow['status'], string> = {
  queued: 'Queued',
  sent: 'Sent',
  kept: 'Kept (no SMTP server)',
  failed: 'Failed',
}

export function MailStatus({ mail }: { mail: Pick<MailListRow, 'status' | 'attempts' | 'lastError'> }) {
  return (
    <span class={`mail-status mail-${mail.status}`}>
      {STATUS_LABELS[mail.status]}
      {mail.attempts > 1 || mail.lastError ? <small> · {mail.attempts} attempts</small> : ''}
      {mail.lastError ? (
        <>
          <br />
          <code class="error-text">{mail.lastError}</code>
        </>
      ) : (
        ''
      )}
    </span>
  )
}

export function MailTable({ mails, now, label }: { mails: MailListRow[]; now: Date; label: string }) {
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label={`${label} (scrolls sideways)`}>
      <table class="striped mail-list">
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">To</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {mails.map((mail) => (
            <tr id={`mail-${mail.id}`}>
              <td>
                <a href={`/admin/mail/${mail.id}`}>{mail.subject}</a>
              </td>
              <td>{mail.toAddress}</td>
              <td>
                <code>{mail.kind}</code>
              </td>
              <td>
                <MailStatus mail={mail} />
              </td>
              <td>
                <RelativeTime at={mail.createdAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function MailListPage(props: { chrome: Chrome; mails: MailListRow[]; nextHref: string | null; smtpConfigured: boolean; firstPage: boolean }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Mail · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="mail" />
      <p>
        Every mail the forum sends, newest first.{' '}
        {props.smtpConfigured
          ? 'Mail goes out through the SMTP server in SMTP_URL.'
          : 'No SMTP server is configured (SMTP_URL), so mail is kept here instead of sent: this is what would have gone out.'}
      </p>
      {props.mails.length === 0 ? (
        <p class="empty">{props.firstPage ? 'No mail yet.' : 'No older mail.'}</p>
      ) : (
        <MailTable mails={props.mails} now={props.chrome.now} label="Mail" />
      )}
      {props.nextHref && (
        <nav class="pager" aria-label="Pages">
          <a href={props.nextHref} rel="next">
            Older mail →
          </a>
        </nav>
      )}
    </Layout>
  )
}

/**
 * One mail: its headers, the plain-text part, and the HTML part twice: rendered in a sandboxed
 * srcdoc frame (no allow-scripts, no allow-same-origin: nothing in it runs, and it cannot reach
 * this page or its cookies; the frame also inherits this page's CSP, which drops the mail's inline
 * styles, so it shows the structure and words, not the colours) and as escaped source.
 */
export function MailPage(props: { chrome: Chrome; mail: MailView }) {
  const { mail } = props
  const headers: [string, string][] = [
    ['From', mail.fromAddress],
    ['To', mail.toAddress],
    ...(mail.replyTo ? ([['Reply-To', mail.replyTo]] as [string, string][]) : []),
    ['Subject', mail.subject],
    ['Date', formatDateTime(mail.createdAt)],
    ...Object.entries(mail.headers),
  ]
  return (
    <Layout chrome={props.chrome} meta={{ title: `${mail.subject} · Mail · Admin`, noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="mail" />
      <p>
        <a href="/admin/mail">← All mail</a>
      </p>
      <h2>{mail.subject}</h2>
      <p>
        <MailStatus mail={mail} /> · <code>{mail.kind}</code> · queued <RelativeTime at={mail.createdAt} now={props.chrome.now} />
        {mail.sentAt ? (
          <>
            {' '}
            · {mail.status === 'kept' ? 'kept' : 'sent'} <RelativeTime at={mail.sentAt} now={props.chrome.now} />
          </>
        ) : (
          ''
        )}
        {mail.userId ? (
          <>
            {' '}
            · to <a href={`/admin/users/${mail.userId}`}>{mail.userName ?? `person #${mail.userId}`}</a>
          </>
        ) : (
          ''
        )}
      </p>
      <h3>Headers</h3>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Headers (scrolls sideways)">
        <table class="mail-headers">
          <tbody>
            {headers.map(([name, value]) => (
              <tr>
                <th scope="row">{name}</th>
                <td>
                  <code>{value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Plain text</h3>
      <pre class="mail-text">{mail.textBody}</pre>
      <h3>HTML</h3>
      <iframe class="mail-html" title={`The HTML part of “${mail.subject}”`} sandbox="" srcdoc={mail.htmlBody} referrerpolicy="no-referrer" loading="lazy" />
      <details>
        <summary>HTML source</summary>
        <pre class="mail-source">{mail.htmlBody}</pre>
      </details>
    </Layout>
  )
}
