import { CsrfField } from '../components'
import { Layout, type Chrome } from '../layout'

/**
 * The page a mailed link opens: it says what the link will do and asks for one click, because
 * opening a link must change nothing (mail scanners fetch every link they see).
 */
export function LinkConfirmPage(props: { chrome: Chrome; title: string; text: string; action: string; button: string }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: props.title, noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="link-heading">
        <h1 id="link-heading">{props.title}</h1>
        <p>{props.text}</p>
        <form method="post" action={props.action}>
          <CsrfField token={props.chrome.csrfToken} />
          <button type="submit">{props.button}</button>
        </form>
      </section>
    </Layout>
  )
}

export function LinkDonePage({ chrome, title, text, next }: { chrome: Chrome; title: string; text: string; next: { href: string; label: string } }) {
  return (
    <Layout chrome={chrome} meta={{ title, noindex: true }}>
      <section class="narrow auth-form" aria-labelledby="done-heading">
        <h1 id="done-heading">{title}</h1>
        <p class="notice" role="status">
          {text}
        </p>
        <p>
          <a href={next.href}>{next.label}</a>
        </p>
      </section>
    </Layout>
  )
}

/** A used, expired or unknown link: what happened, and where to get a fresh one. */
export function UnusableLinkPage(props: { chrome: Chrome; status: number; title: string; message: string; next: { href: string; label: string } }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: props.title, noindex: true }}>
      <section class="narrow error-page" aria-labelledby="error-heading">
        <p class="error-status">{props.status}</p>
        <h1 id="error-heading">{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href={props.next.href}>{props.next.label}</a>
        </p>
      </section>
    </Layout>
  )
}
