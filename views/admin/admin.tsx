import type { OrganisationRow, UserRow } from '../../src/auth/queries'
import { plans, roles, type Category, type Organisation } from '../../src/db/schema'
import { Checkbox, CsrfField, FormMessage, Select, Tabs, TextArea, TextField, type FormState } from '../components'
import type { SetupChecklist } from '../../src/setup/queries'
import type { PersonMail } from '../../src/mail/queries'
import { formatDate, formatDateTime, formatMoney, formatWindowHours } from '../format'
import { Layout, type Chrome } from '../layout'
import { MailTable } from './mail'
import { SetupChecklistPanel } from '../setup/checklist'

export function AdminNav({ current }: { current: 'users' | 'organisations' | 'categories' | 'outbox' | 'mail' | 'webhooks' | 'audit' | 'sso' | 'safety' }) {
  return (
    <Tabs
      label="Admin sections"
      current={current}
      links={[
        ['users', '/admin/users', 'People'],
        ['organisations', '/admin/organisations', 'Organisations'],
        ['categories', '/admin/categories', 'Categories'],
        ['outbox', '/admin/outbox', 'Background jobs'],
        ['mail', '/admin/mail', 'Mail'],
        ['webhooks', '/admin/webhooks', 'Webhooks'],
        ['sso', '/admin/sso', 'Sign-in'],
        ['audit', '/admin/audit', 'Audit log'],
        ['safety', '/admin/safety', 'Trust and safety'],
      ]}
    />
  )
}

export function UsersPage(props: {
  chrome: Chrome
  users: UserRow[]
  search: string
  nextAfterId: number | null
  checklist?: SetupChecklist | null
  /** People whose address bounces, since when. */
  mailFailing?: Map<number, Date>
}) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'People · Admin', noindex: true }}>
      <h1>Admin</h1>
      <SetupChecklistPanel checklist={props.checklist} />
      <AdminNav current="users" />
      <form method="get" action="/admin/users" role="search" aria-label="Find people" class="inline-search">
        <input type="search" name="q" value={props.search} placeholder="Search by email or name" aria-label="Search people" />
        <button type="submit">Search</button>
      </form>
      <div class="table-scroll">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Organisation</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((user) => (
              <tr>
                <td>{user.displayName}</td>
                <td>
                  {user.email}
                  {props.mailFailing?.has(user.id) ? (
                    <>
                      <br />
                      <small class="error-text mail-failing">Mail failing since {formatDate(props.mailFailing.get(user.id)!)}</small>
                    </>
                  ) : (
                    ''
                  )}
                </td>
                <td>{user.role}</td>
                <td>{user.organisationName ?? '—'}</td>
                <td>{formatDate(user.createdAt)}</td>
                <td>
                  <a href={`/admin/users/${user.id}`} aria-label={`Edit ${user.displayName}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.users.length === 0 && <p class="empty">Nobody matches “{props.search}”.</p>}
      {props.nextAfterId !== null && (
        <nav class="pager" aria-label="Pages">
          <a href={`/admin/users?q=${encodeURIComponent(props.search)}&after=${props.nextAfterId}`} rel="next">
            More people →
          </a>
        </nav>
      )}
    </Layout>
  )
}

export function UserEditPage(props: {
  chrome: Chrome
  user: { id: number; displayName: string; email: string }
  organisations: { id: number; name: string }[]
  form: FormState
  mail?: PersonMail
}) {
  return (
    <Layout chrome={props.chrome} meta={{ title: `${props.user.displayName} · Admin`, noindex: true }}>
      <section class="narrow">
        <hgroup>
          <h1>{props.user.displayName}</h1>
          <p>{props.user.email}</p>
        </hgroup>
        <p>
          <a href={`/moderation/users/${props.user.id}`}>Trust level, suspensions and spam removal</a>
        </p>
        {props.mail?.failingSince ? (
          <p class="form-message error mail-failing" role="status">
            Mail failing since {formatDateTime(props.mail.failingSince)}: mail to {props.user.email} bounced, so this person may not hear from us.
          </p>
        ) : (
          ''
        )}
        <form method="post" action={`/admin/users/${props.user.id}`}>
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <Select form={props.form} name="role" label="Role" options={roles.map((role) => ({ value: role, label: role }))} />
          <Select
            form={props.form}
            name="organisationId"
            label="Organisation"
            placeholder="No organisation"
            options={props.organisations.map((organisation) => ({ value: String(organisation.id), label: organisation.name }))}
            hint="The organisation's plan decides this person's support expectations."
          />
          <div class="form-buttons">
            <button type="submit">Save</button>
            <a href="/admin/users" class="secondary">
              Cancel
            </a>
          </div>
        </form>
      </section>
      {props.mail && props.mail.recent.length > 0 ? (
        <section>
          <h2>Latest mail to {props.user.displayName}</h2>
          <MailTable mails={props.mail.recent} now={props.chrome.now} label={`Latest mail to ${props.user.displayName}`} />
        </section>
      ) : (
        ''
      )}
    </Layout>
  )
}

function OrganisationFields({ form }: { form: FormState }) {
  return (
    <>
      <TextField form={form} name="name" label="Name" required maxlength={100} />
      <Select form={form} name="plan" label="Plan" options={plans.map((plan) => ({ value: plan, label: plan }))} />
      <TextField form={form} name="mrr" label="MRR (USD per month)" hint="Monthly recurring revenue, e.g. 1200 or 1200.50." />
      <Checkbox form={form} name="isPriority" label="Priority organisation" />
      <Checkbox form={form} name="isTrial" label="On a trial" />
    </>
  )
}

export function OrganisationsPage(props: { chrome: Chrome; organisations: OrganisationRow[]; form: FormState }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Organisations · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="organisations" />
      <div class="table-scroll">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Plan</th>
              <th scope="col">MRR</th>
              <th scope="col">Flags</th>
              <th scope="col">People</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.organisations.map((organisation) => (
              <tr>
                <td>{organisation.name}</td>
                <td>{organisation.plan}</td>
                <td>{formatMoney(organisation.mrrCents)}</td>
                <td>{[organisation.isPriority ? 'priority' : '', organisation.isTrial ? 'trial' : ''].filter(Boolean).join(', ') || '—'}</td>
                <td>{organisation.memberCount}</td>
                <td>
                  <a href={`/admin/organisations/${organisation.id}`} aria-label={`Edit ${organisation.name}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section class="narrow" aria-labelledby="new-organisation">
        <h2 id="new-organisation">New organisation</h2>
        <form method="post" action="/admin/organisations">
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <OrganisationFields form={props.form} />
          <button type="submit">Create organisation</button>
        </form>
      </section>
    </Layout>
  )
}

export function OrganisationEditPage(props: { chrome: Chrome; organisation: Organisation; form: FormState }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: `${props.organisation.name} · Admin`, noindex: true }}>
      <section class="narrow">
        <h1>{props.organisation.name}</h1>
        <form method="post" action={`/admin/organisations/${props.organisation.id}`}>
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <OrganisationFields form={props.form} />
          <div class="form-buttons">
            <button type="submit">Save</button>
            <a href="/admin/organisations" class="secondary">
              Cancel
            </a>
          </div>
        </form>
      </section>
    </Layout>
  )
}

function CategoryFields({ form, defaultWindowMinutes }: { form: FormState; defaultWindowMinutes: number }) {
  return (
    <>
      <TextField form={form} name="name" label="Name" required maxlength={60} />
      <TextField form={form} name="slug" label="Slug" required maxlength={40} hint="Used in the URL: /c/slug" />
      <TextArea form={form} name="description" label="Description" rows={2} maxlength={300} />
      <TextField form={form} name="team" label="Team" required maxlength={40} hint="The support team whose queue receives these threads." />
      <TextField form={form} name="position" type="number" label="Position" hint="Lower numbers are listed first." />
      <TextField
        form={form}
        name="unansweredWindowHours"
        label="Unanswered window (business hours)"
        placeholder={formatWindowHours(defaultWindowMinutes)}
        attributes={{ inputmode: 'decimal' }}
        hint={`A question nobody but its asker has answered for this long becomes a queue item. Leave it empty for the default, ${formatWindowHours(defaultWindowMinutes)} business hours.`}
      />
    </>
  )
}

/** The category's unanswered window in hours, or the queue's default. */
function WindowCell({ minutes, defaultMinutes }: { minutes: number | null; defaultMinutes: number }) {
  return minutes === null ? <span class="muted">{formatWindowHours(defaultMinutes)} h (default)</span> : <>{formatWindowHours(minutes)} h</>
}

export function CategoriesAdminPage(props: { chrome: Chrome; categories: Category[]; form: FormState; defaultWindowMinutes: number }) {
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Categories · Admin', noindex: true }}>
      <h1>Admin</h1>
      <AdminNav current="categories" />
      <div class="table-scroll">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">Name</th>
              <th scope="col">Slug</th>
              <th scope="col">Team</th>
              <th scope="col">Unanswered after</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.categories.map((category) => (
              <tr>
                <td>{category.position}</td>
                <td>{category.name}</td>
                <td>{category.slug}</td>
                <td>{category.team}</td>
                <td>
                  <WindowCell minutes={category.unansweredWindowMinutes} defaultMinutes={props.defaultWindowMinutes} />
                </td>
                <td>
                  <a href={`/admin/categories/${category.id}`} aria-label={`Edit ${category.name}`}>
                    Edit
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section class="narrow" aria-labelledby="new-category">
        <h2 id="new-category">New category</h2>
        <form method="post" action="/admin/categories">
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <CategoryFields form={props.form} defaultWindowMinutes={props.defaultWindowMinutes} />
          <button type="submit">Create category</button>
        </form>
      </section>
    </Layout>
  )
}

export function CategoryEditPage(props: {
  chrome: Chrome
  category: Category
  form: FormState
  deleteForm: FormState
  defaultWindowMinutes: number
}) {
  return (
    <Layout chrome={props.chrome} meta={{ title: `${props.category.name} · Admin`, noindex: true }}>
      <section class="narrow">
        <h1>{props.category.name}</h1>
        <form method="post" action={`/admin/categories/${props.category.id}`}>
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.form} />
          <CategoryFields form={props.form} defaultWindowMinutes={props.defaultWindowMinutes} />
          <div class="form-buttons">
            <button type="submit">Save</button>
            <a href="/admin/categories" class="secondary">
              Cancel
            </a>
          </div>
        </form>
        <form method="post" action={`/admin/categories/${props.category.id}/delete`} class="danger-zone">
          <CsrfField token={props.chrome.csrfToken} />
          <FormMessage form={props.deleteForm} />
          <button type="submit" class="secondary outline">
            Delete this category
          </button>
          <small>Only possible while it has no threads.</small>
        </form>
      </section>
    </Layout>
  )
}
