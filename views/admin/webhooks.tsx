import type { WebhookDeliveryView, WebhookEndpointView } from '../../src/webhooks'
import { Checkbox, CsrfField, FormMessage, RelativeTime, TextField, type FormState } from '../components'
import { Layout, type Chrome } from '../layout'
import { AdminNav } from './admin'

/** A secret is shown once, at creation or rotation; the page says so. */
function SecretOnce({ secret, rotated }: { secret: string; rotated: boolean }) {
  return (
    <article class="secret-once" aria-labelledby="secret-heading">
      <h2 id="secret-heading">{rotated ? 'The new signing secret' : 'The signing secret'}</h2>
      <p>
        Copy it now: it is not shown again. Receivers verify each delivery with it (Standard Webhooks).
        {rotated && ' The previous secret keeps signing beside it for 24 hours, so the receiver can switch without losing a delivery.'}
      </p>
      <p>
        <code id="webhook-secret">{secret}</code>
      </p>
    </article>
  )
}

function EndpointFields(props: { form: FormState; eventTypes: readonly string[]; selected: string[] }) {
  return (
    <>
      <FormMessage form={props.form} />
      <TextField form={props.form} name="url" label="URL" type="url" required maxlength={2000} hint="Where events are POSTed (https:// recommended)." />
      <TextField form={props.form} name="description" label="Description" maxlength={200} />
      <fieldset>
        <legend>Events</legend>
        {props.eventTypes.map((type) => (
          <label>
            <input type="checkbox" name="eventTypes" value={type} checked={props.selected.includes(type)} /> <code>{type}</code>
          </label>
        ))}
        {props.form.errors.eventTypes && <small class="field-error">{props.form.errors.eventTypes}</small>}
      </fieldset>
      <Checkbox form={props.form} name="enabled" label="Enabled" />
      <Checkbox form={props.form} name="internal" label="Internal: may receive internal notes, an escalation's reproduction and the engineer's answer" />
      <Checkbox form={props.form} name="allowPrivateNetwork" label="Allow a private-network address (a self-hosted receiver); otherwise only public addresses are reached" />
    </>
  )
}

export function WebhooksPage(props: {
  chrome: Chrome
  endpoints: (WebhookEndpointView & { failed: number; pending: number })[]
  eventTypes: readonly string[]
  form: FormState
  selected: string[]
  created: { id: number; secret: string } | null
}) {
  const { chrome } = props
  return (
    <Layout chrome={chrome} meta={{ title: 'Webhooks · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="webhooks" />
      {props.created && (
        <>
          <p role="status">
            Endpoint added. <a href={`/admin/webhooks/${props.created.id}`}>Open its delivery log</a>.
          </p>
          <SecretOnce secret={props.created.secret} rotated={false} />
        </>
      )}
      <h2>Endpoints</h2>
      {props.endpoints.length === 0 ? (
        <p class="empty">No endpoints yet: nothing is sent.</p>
      ) : (
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Pending / failed</th>
            </tr>
          </thead>
          <tbody>
            {props.endpoints.map((endpoint) => (
              <tr id={`endpoint-${endpoint.id}`}>
                <td>
                  <a href={`/admin/webhooks/${endpoint.id}`}>{endpoint.url}</a>
                  {endpoint.description && <small class="muted"> {endpoint.description}</small>}
                </td>
                <td>{endpoint.eventTypes.length === props.eventTypes.length ? 'all' : endpoint.eventTypes.join(', ')}</td>
                <td>
                  {endpoint.enabled ? 'enabled' : <strong>disabled</strong>}
                  {endpoint.internal && ' · internal'}
                  {endpoint.allowPrivateNetwork && ' · private network'}
                </td>
                <td>
                  {endpoint.pending} / {endpoint.failed}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="narrow" aria-labelledby="add-endpoint">
        <h2 id="add-endpoint">Add an endpoint</h2>
        <form method="post" action="/admin/webhooks">
          <CsrfField token={chrome.csrfToken} />
          <EndpointFields form={props.form} eventTypes={props.eventTypes} selected={props.selected} />
          <button type="submit">Add endpoint</button>
        </form>
      </section>
    </Layout>
  )
}

function DeliveryRow({ delivery, endpointId, chrome }: { delivery: WebhookDeliveryView; endpointId: number; chrome: Chrome }) {
  return (
    <tr id={`delivery-${delivery.id}`}>
      <td>
        <code>{delivery.type}</code>
        <br />
        <small class="muted">{delivery.eventId}</small>
        <br />
        <RelativeTime at={delivery.createdAt} now={chrome.now} />
      </td>
      <td>
        {delivery.state}
        {delivery.state === 'pending' && delivery.nextAttemptAt && (
          <>
            {' '}
            (next <RelativeTime at={delivery.nextAttemptAt} now={chrome.now} />)
          </>
        )}
        <br />
        <small>attempt {delivery.attempts}</small>
      </td>
      <td>
        {delivery.responseStatus ?? '—'}
        {delivery.durationMs !== null && <small class="muted"> {delivery.durationMs} ms</small>}
        {delivery.error && (
          <>
            <br />
            <small class="field-error">{delivery.error}</small>
          </>
        )}
      </td>
      <td>
        {delivery.requestBody && (
          <details>
            <summary>Request</summary>
            <pre>{delivery.requestBody}</pre>
          </details>
        )}
        {delivery.responseExcerpt && (
          <details>
            <summary>Response</summary>
            <pre>{delivery.responseExcerpt}</pre>
          </details>
        )}
      </td>
      <td>
        <form method="post" action={`/admin/webhooks/${endpointId}/deliveries/${delivery.id}/resend`} class="inline-form">
          <CsrfField token={chrome.csrfToken} />
          <button type="submit" class="small outline">
            Send again
          </button>
        </form>
      </td>
    </tr>
  )
}

export function WebhookEndpointPage(props: {
  chrome: Chrome
  endpoint: WebhookEndpointView
  deliveries: WebhookDeliveryView[]
  eventTypes: readonly string[]
  form: FormState
  selected: string[]
  rotatedSecret: string | null
}) {
  const { chrome, endpoint } = props
  return (
    <Layout chrome={chrome} meta={{ title: `Webhook ${endpoint.url} · Admin`, noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="webhooks" />
      <p>
        <a href="/admin/webhooks">All endpoints</a>
      </p>
      <h2>{endpoint.url}</h2>
      {!endpoint.enabled && endpoint.disabledReason && <p class="field-error">{endpoint.disabledReason}</p>}
      {props.rotatedSecret && <SecretOnce secret={props.rotatedSecret} rotated />}
      {endpoint.rotating && endpoint.previousSecretUntil && !props.rotatedSecret && (
        <p>
          The previous secret still signs until <RelativeTime at={endpoint.previousSecretUntil} now={chrome.now} />.
        </p>
      )}
      <div class="button-row">
        <form method="post" action={`/admin/webhooks/${endpoint.id}/enabled`} class="inline-form">
          <CsrfField token={chrome.csrfToken} />
          <input type="hidden" name="enabled" value={endpoint.enabled ? '0' : '1'} />
          <button type="submit" class="outline">
            {endpoint.enabled ? 'Disable' : 'Enable'}
          </button>
        </form>
        <form method="post" action={`/admin/webhooks/${endpoint.id}/rotate`} class="inline-form">
          <CsrfField token={chrome.csrfToken} />
          <button type="submit" class="outline">
            Rotate the secret
          </button>
        </form>
        <form method="post" action={`/admin/webhooks/${endpoint.id}/delete`} class="inline-form">
          <CsrfField token={chrome.csrfToken} />
          <button type="submit" class="outline secondary">
            Delete
          </button>
        </form>
      </div>
      <h3>Deliveries</h3>
      {props.deliveries.length === 0 ? (
        <p class="empty">Nothing sent yet.</p>
      ) : (
        <div class="table-scroll" tabindex={0} role="region" aria-label="Deliveries (scrolls sideways)">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Response</th>
                <th scope="col">Bodies</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.deliveries.map((delivery) => (
                <DeliveryRow delivery={delivery} endpointId={endpoint.id} chrome={chrome} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section class="narrow" aria-labelledby="edit-endpoint">
        <h3 id="edit-endpoint">Edit</h3>
        <form method="post" action={`/admin/webhooks/${endpoint.id}`}>
          <CsrfField token={chrome.csrfToken} />
          <EndpointFields form={props.form} eventTypes={props.eventTypes} selected={props.selected} />
          <button type="submit">Save</button>
        </form>
      </section>
    </Layout>
  )
}
