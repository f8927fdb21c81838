import { Layout, type Chrome } from './layout'

export function ErrorPage({ chrome, status, title, message }: { chrome: Chrome; status: number; title: string; message: string }) {
  return (
    <Layout chrome={chrome} meta={{ title, noindex: true }}>
      <section class="narrow error-page" aria-labelledby="error-heading">
        <p class="error-status">{status}</p>
        <h1 id="error-heading">{title}</h1>
        <p>{message}</p>
        <p>
          <a href="/">Go to the latest questions</a>
        </p>
      </section>
    </Layout>
  )
}

/** What htmx swaps in when an action fails outside a form: a short message in place. */
export function ErrorFragment({ message }: { message: string }) {
  return (
    <p class="inline-error" role="alert">
      {message}
    </p>
  )
}
