import { Layout, type Chrome } from '../layout'

// The pages a mail's links open. A GET shows what the button will do and changes nothing (mail
// scanners fetch links); the button POSTs.

/** The one-click unsubscribe link, opened in a browser. The POST needs no sign-in and no CSRF token. */
export function UnsubscribeConfirmPage(props: { chrome: Chrome; token: string; label: string }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Unsubscribe', noindex: true }}>
      <h1>Stop these mails?</h1>
      <p>
        You will no longer get mails about: <strong>{props.label}</strong>. The notices still appear on your notifications page when you sign in.
      </p>
      <form method="post" action={`/mail/unsubscribe/${props.token}`}>
        <button type="submit">Unsubscribe</button>
      </form>
      <p>
        Or <a href="/account/notifications">choose which mails you get</a> (after signing in).
      </p>
    </Layout>
  )
}

export function UnsubscribeDonePage(props: { chrome: Chrome; label: string }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Unsubscribed', noindex: true }}>
      <h1>You are unsubscribed</h1>
      <p>
        No more mails about: <strong>{props.label}</strong>. To change your mind, <a href="/account/notifications">choose which mails you get</a>.
      </p>
    </Layout>
  )
}

/** "This solved it" or "Still broken" from the fix mail. */
export function FixLinkPage(props: { chrome: Chrome; token: string; solved: boolean; thread: { id: number; slug: string; title: string } | null }) {
  const thread = props.thread
  return (
    <Layout chrome={props.chrome} meta={{ title: props.solved ? 'This solved it' : 'Still broken', noindex: true }}>
      <h1>{props.solved ? 'Did the fix solve it?' : 'Still broken after the fix?'}</h1>
      {thread && (
        <p>
          About your question <a href={`/t/${thread.id}/${thread.slug}`}>“{thread.title}”</a>.
        </p>
      )}
      <p>
        {props.solved
          ? 'Tell the team it solved it: the team’s reply becomes the accepted answer and the question is closed.'
          : 'Tell the team it is still broken: the question is reopened and the engineer hears of it.'}
      </p>
      <form method="post" action={`/mail/fix/${props.token}`}>
        <input type="hidden" name="_csrf" value={props.chrome.csrfToken} />
        <button type="submit" class={props.solved ? undefined : 'secondary'}>
          {props.solved ? 'Yes, this solved it' : 'Yes, it is still broken'}
        </button>
      </form>
    </Layout>
  )
}

/** A mail's link that cannot act: never issued, used already, or expired. */
export function MailLinkProblemPage(props: { chrome: Chrome; status: number; title: string; message: string; thread?: { id: number; slug: string } | null }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: props.title, noindex: true }}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>{props.thread ? <a href={`/t/${props.thread.id}/${props.thread.slug}`}>Go to the question</a> : <a href="/">Go to the latest questions</a>}</p>
    </Layout>
  )
}
