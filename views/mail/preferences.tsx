import type { MailMode } from '../../src/db/schema'
import type { MailPreferencesView } from '../../src/mail-preferences'
import { CsrfField, FormMessage, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'

const MODE_LABELS: Record<MailMode, string> = { immediately: 'Immediately', digest: 'In a digest', never: 'Never' }
/** The staff summary offers on or off: "immediately" reads as "daily" there. */
const SUMMARY_LABELS: Record<MailMode, string> = { immediately: 'Daily', digest: 'In a digest', never: 'Never' }

/** Which mails a person gets, per topic; the in-app notices are the same whatever they choose. */
export function MailPreferencesPage(props: { chrome: Chrome; view: MailPreferencesView; form: FormState; saved?: boolean }) {
  const { view, form } = props
  const valueOf = (key: string, mode: MailMode) => form.values[`mode.${key}`] ?? mode
  const groups = [
    { title: 'About your questions and the threads you follow', topics: view.topics.filter((topic) => topic.audience === 'everyone') },
    { title: 'Your work on the staff', topics: view.topics.filter((topic) => topic.audience === 'staff') },
  ].filter((group) => group.topics.length > 0)
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Email notifications', noindex: true }}>
      <h1>Email notifications</h1>
      <p>
        Choose which mails you get. Whatever you choose, every notice still appears on your <a href="/notifications">notifications page</a>. “In a
        digest” collects them into one mail a day or a week.
      </p>
      {props.saved && (
        <p class="notice" role="status">
          Your choices are saved.
        </p>
      )}
      <form method="post" action="/account/notifications" class="mail-preferences">
        <CsrfField token={props.chrome.csrfToken} />
        <FormMessage form={form} />
        {groups.map((group) => (
          <section>
            <h2>{group.title}</h2>
            {group.topics.map((topic) => {
              const error = form.errors[`mode.${topic.key}`]
              const labels = topic.key === 'staff_summary' ? SUMMARY_LABELS : MODE_LABELS
              if (topic.fixed)
                return (
                  <fieldset class="mail-topic" id={`topic-${topic.key}`}>
                    <legend>{topic.label}</legend>
                    <p>
                      <strong>Always immediately.</strong> <small>{topic.fixed}</small>
                    </p>
                  </fieldset>
                )
              return (
                <fieldset class="mail-topic" id={`topic-${topic.key}`} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `topic-${topic.key}-error` : undefined}>
                  <legend>{topic.label}</legend>
                  {topic.modes.map((mode) => (
                    <label>
                      <input type="radio" name={`mode.${topic.key}`} value={mode} checked={valueOf(topic.key, topic.mode) === mode} /> {labels[mode]}
                    </label>
                  ))}
                  {topic.hint && <small>{topic.hint}</small>}
                  {error && (
                    <small id={`topic-${topic.key}-error`} class="field-error">
                      {error}
                    </small>
                  )}
                </fieldset>
              )
            })}
          </section>
        ))}
        <fieldset class="mail-topic" id="digest-frequency">
          <legend>How often your digest comes</legend>
          {(['daily', 'weekly'] as const).map((frequency) => (
            <label>
              <input type="radio" name="frequency" value={frequency} checked={(form.values.frequency ?? view.frequency) === frequency} />{' '}
              {frequency === 'daily' ? 'Daily, at 06:00 UTC' : 'Weekly, on Monday at 06:00 UTC'}
            </label>
          ))}
          {form.errors.frequency && <small class="field-error">{form.errors.frequency}</small>}
        </fieldset>
        <button type="submit">Save my choices</button>
      </form>
    </Layout>
  )
}
