import type { SafetyAdminPage as SafetyData } from '../../src/safety'
import { Checkbox, CsrfField, FormMessage, Select, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'
import { AdminNav } from '../admin/admin'

const ACTIONS = [
  { value: 'block', label: 'Block: the post is refused with a message' },
  { value: 'require_approval', label: 'Require approval: held in /review' },
  { value: 'flag', label: 'Flag: published, and put in /review' },
]
const ACTION_WORDS: Record<string, string> = { block: 'Block', require_approval: 'Require approval', flag: 'Flag' }

/** /admin/safety: approval of new accounts, disposable mail, the flag threshold, and watched words. */
export function SafetyAdminPage(props: { chrome: Chrome; data: SafetyData; settingsForm: FormState; wordForm: FormState; notice?: string | null }) {
  const { chrome, data } = props
  return (
    <Layout chrome={chrome} meta={{ title: 'Trust and safety · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="safety" />
      {props.notice && <p role="status">{props.notice}</p>}
      <section>
        <h2>Trust and safety</h2>
        <p>
          New accounts may post fewer links, images and mentions, and fewer posts a day, until reading and taking part raises their trust level. Staff
          decide held and flagged posts in the <a href="/review">review queue</a>.
        </p>
        <form method="post" action="/admin/safety">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={props.settingsForm} />
          <Checkbox form={props.settingsForm} name="approveNewAccountPosts" label="Hold the first posts of new accounts for approval" />
          <TextField form={props.settingsForm} name="approveNewAccountPostCount" label="How many first posts to hold" type="number" attributes={{ min: '1', max: '20' }} />
          <TextField
            form={props.settingsForm}
            name="newAccountMaxLinkDomains"
            label="Sites a new account may link to in one post before it is held"
            type="number"
            attributes={{ min: '0', max: '20' }}
          />
          <TextField
            form={props.settingsForm}
            name="flagsToHide"
            label="Flags from trusted members that hide a post until reviewed"
            type="number"
            attributes={{ min: '1', max: '50' }}
          />
          <Checkbox form={props.settingsForm} name="blockDisposableEmail" label="Refuse sign-ups from disposable-mail addresses" />
          <button type="submit">Save settings</button>
        </form>
      </section>
      <section>
        <h2>Watched words</h2>
        <p>
          Whole words, any case; <code>*</code> matches any letters (<code>casino*</code> catches “casinos”). Staff posts are never held.
        </p>
        {data.words.length === 0 ? (
          <p class="empty">No words are watched.</p>
        ) : (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Word</th>
                <th scope="col">Action</th>
                <th scope="col">
                  <span class="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.words.map((word) => (
                <tr>
                  <td>
                    <code>{word.word}</code>
                  </td>
                  <td>{ACTION_WORDS[word.action]}</td>
                  <td>
                    <form method="post" action={`/admin/safety/words/${word.id}/delete`}>
                      <CsrfField token={chrome.csrfToken} />
                      <button type="submit" class="secondary outline" aria-label={`Stop watching ${word.word}`}>
                        Remove
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form method="post" action="/admin/safety/words">
          <CsrfField token={chrome.csrfToken} />
          <FormMessage form={props.wordForm} />
          <TextField form={props.wordForm} name="word" label="Word or phrase" required maxlength={100} />
          <Select form={props.wordForm} name="action" label="What happens to a post with it" options={ACTIONS} />
          <button type="submit">Watch this word</button>
        </form>
      </section>
    </Layout>
  )
}
