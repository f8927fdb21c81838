import type { DemoAccount } from '../../src/web/types'
import { Layout, type Chrome } from '../layout'

/** The demo accounts and their passwords of this start (served only by `npm run demo`). */
export function DemoPage(props: { chrome: Chrome; accounts: readonly DemoAccount[] }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Demo accounts', noindex: true }}>
      <section>
        <hgroup>
          <h1>Demo accounts</h1>
          <p>
            <a href="/login">Sign in</a> as any of them to see the forum from their side. The passwords are new at every start of the demo; earlier ones
            no longer work.
          </p>
        </hgroup>
        {props.accounts.length === 0 ? (
          <p class="empty">
            This database held people or threads that are not demo data, so the demo left it as it was and has no demo accounts to offer.
          </p>
        ) : (
          <div class="table-scroll">
            <table class="striped demo-accounts">
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">Email</th>
                  <th scope="col">Password</th>
                </tr>
              </thead>
              <tbody>
                {props.accounts.map((account) => (
                  <tr>
                    <td>
                      {account.name}
                      <br />
                      <small class="muted">{account.label}</small>
                    </td>
                    <td>
                      <code>{account.email}</code>
                    </td>
                    <td>
                      <code>{account.password}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  )
}
