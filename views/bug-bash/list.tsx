import type { BugBashList, Cluster } from '../../src/bug-bash'
import { CsrfField, FormMessage, RelativeTime, TextArea, TextField, type FormState } from '../components'
import { formatDate, plural } from '../format'
import { Layout, type Chrome } from '../layout'
import { STATE_LABEL } from '../queue/labels'

// The bug-bash list: recurring papercuts, the ones picked for a bug-bash day, the ones fixed.
// Every action is a plain form (works without JavaScript); a refused one comes back here with
// its input and a message by its field.

/** Refused forms by name: `pick-<anchor thread>`, `fix-<cluster>`, `unpick-<cluster>`. */
export type BugBashForms = Record<string, FormState>

const empty: FormState = { values: {}, errors: {} }

export function BugBashPage({ chrome, list, forms }: { chrome: Chrome; list: BugBashList; forms: BugBashForms }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Bug-bash list', noindex: true }} wide>
      <h1>Bug-bash list</h1>
      <p>
        Recurring papercuts of the last {list.windowDays} days: questions that became queue items, were marked duplicates or were closed into each other, grouped
        by duplicate marks, shared tags (two or more) and similar titles. Most affected customers first. Fixing a cluster answers every one of its questions the
        way an engineer’s fix does.
      </p>
      {list.capped && <p class="notice">Only the {list.candidates} most recently active questions were compared.</p>}

      <section aria-labelledby="picked-heading">
        <h2 id="picked-heading">Picked for a bug-bash day ({list.picked.length})</h2>
        {list.picked.length === 0 && <p class="muted">Nothing picked yet: pick a cluster below for the next bug-bash day.</p>}
        {list.picked.map((cluster) => (
          <ClusterCard chrome={chrome} cluster={cluster} forms={forms} today={list.today} />
        ))}
      </section>

      <section aria-labelledby="open-heading">
        <h2 id="open-heading">Open ({list.open.length})</h2>
        {list.open.length === 0 && <p class="muted">No recurring papercuts right now: no two questions of the period are about the same problem.</p>}
        {list.open.map((cluster) => (
          <ClusterCard chrome={chrome} cluster={cluster} forms={forms} today={list.today} />
        ))}
      </section>

      <section aria-labelledby="fixed-heading">
        <h2 id="fixed-heading">Fixed ({list.fixed.length})</h2>
        {list.fixed.length === 0 && <p class="muted">No cluster fixed in the period yet.</p>}
        {list.fixed.map((cluster) => (
          <ClusterCard chrome={chrome} cluster={cluster} forms={forms} today={list.today} />
        ))}
      </section>
    </Layout>
  )
}

const STATE_WORDS: Record<Cluster['state'], string> = { open: 'Open', picked: 'Picked', fixed: 'Fixed' }

function ClusterCard({ chrome, cluster, forms, today }: { chrome: Chrome; cluster: Cluster; forms: BugBashForms; today: string }) {
  const id = cluster.storedId ? `cluster-${cluster.storedId}` : `cluster-t${cluster.anchorThreadId}`
  return (
    <article class={`bug-bash-cluster state-${cluster.state}`} id={id} aria-labelledby={`${id}-title`}>
      <header>
        <h3 id={`${id}-title`}>{cluster.title}</h3>
        <p class="chips">
          <span class="state">
            {STATE_WORDS[cluster.state]}
            {cluster.state === 'picked' && cluster.day ? ` for ${cluster.day}` : ''}
            {cluster.state === 'fixed' && cluster.fixedAt ? ` on ${formatDate(cluster.fixedAt)}` : ''}
            {cluster.release ? ` in ${cluster.release}` : ''}
          </span>
          <span class="count">{plural(cluster.threads.length, 'question')}</span>
          <span class="count">{plural(cluster.itemCount, 'item')}</span>
          <span class="count">{plural(cluster.affectedCustomers, 'affected customer')}</span>
          <span>
            newest <RelativeTime at={cluster.newestAt} now={chrome.now} />
          </span>
        </p>
        {cluster.reasons.length > 0 && <p class="muted">Grouped by: {cluster.reasons.join('; ')}.</p>}
        {/* A refused fix or unpick of a cluster that shows neither form (no longer picked) still says why. */}
        {cluster.state !== 'picked' && cluster.storedId && (
          <>
            <FormMessage form={forms[`fix-${cluster.storedId}`] ?? empty} />
            <FormMessage form={forms[`unpick-${cluster.storedId}`] ?? empty} />
          </>
        )}
      </header>
      <ul class="cluster-threads">
        {cluster.threads.map((thread) => (
          <li>
            <a href={`/t/${thread.id}/${thread.slug}`}>{thread.title}</a>{' '}
            <span class="muted">
              asked <RelativeTime at={thread.createdAt} now={chrome.now} />
              {thread.duplicateOfId ? ' · marked duplicate' : ''}
            </span>
            {thread.itemId && (
              <>
                {' '}
                · <a href={`/queue/items/${thread.itemId}`}>item #{thread.itemId}</a> <span class="muted">({thread.itemState ? STATE_LABEL[thread.itemState] : ''})</span>
              </>
            )}
          </li>
        ))}
      </ul>
      {cluster.state !== 'fixed' && <PickForm chrome={chrome} cluster={cluster} form={forms[`pick-${cluster.anchorThreadId}`] ?? empty} today={today} />}
      {cluster.state === 'picked' && cluster.storedId && (
        <>
          <FixForm chrome={chrome} clusterId={cluster.storedId} form={forms[`fix-${cluster.storedId}`] ?? empty} />
          <form method="post" action={`/bug-bash/${cluster.storedId}/unpick`} class="inline-form">
            <CsrfField token={chrome.csrfToken} />
            <FormMessage form={forms[`unpick-${cluster.storedId}`] ?? empty} />
            <button type="submit" class="secondary outline small">
              Take off the bug-bash day
            </button>
          </form>
        </>
      )}
    </article>
  )
}

function PickForm({ chrome, cluster, form, today }: { chrome: Chrome; cluster: Cluster; form: FormState; today: string }) {
  const fieldId = `day-${cluster.anchorThreadId}`
  const error = form.errors.day
  return (
    <form method="post" action="/bug-bash/pick" class="pick-form">
      <CsrfField token={chrome.csrfToken} />
      <input type="hidden" name="threadId" value={String(cluster.anchorThreadId)} />
      <FormMessage form={form} />
      <label for={fieldId}>{cluster.state === 'picked' ? 'Move to another bug-bash day' : 'Pick for the bug-bash day of'}</label>
      <input
        type="date"
        id={fieldId}
        name="day"
        min={today}
        required
        value={form.values.day ?? cluster.day ?? ''}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${fieldId}-error` : undefined}
      />
      {error && (
        <small id={`${fieldId}-error`} class="field-error">
          {error}
        </small>
      )}
      <button type="submit" class="small">
        {cluster.state === 'picked' ? 'Move' : 'Pick'}
      </button>
    </form>
  )
}

function FixForm({ chrome, clusterId, form }: { chrome: Chrome; clusterId: number; form: FormState }) {
  return (
    <details open={Object.keys(form.errors).length > 0 || !!form.message} class="fix-form">
      <summary>Mark fixed and tell every asker</summary>
      <form method="post" action={`/bug-bash/${clusterId}/fix`}>
        <CsrfField token={chrome.csrfToken} />
        <FormMessage form={form} />
        <TextArea
          form={form}
          name="note"
          id={`note-${clusterId}`}
          label="What was fixed (posted as a public reply on every question)"
          rows={4}
          maxlength={5000}
          hint="Plain words for customers; Markdown works. Each asker can answer “This solved it” or “Still broken”."
        />
        <TextField form={form} name="release" id={`release-${clusterId}`} label="Release (optional)" maxlength={60} />
        <button type="submit">Mark fixed and reply on every question</button>
      </form>
    </details>
  )
}
