import { Hono, type Context } from 'hono'
import {
  CategoriesAdminPage,
  CategoryEditPage,
  OrganisationEditPage,
  OrganisationsPage,
  UserEditPage,
  UsersPage,
} from '../../../views/admin/admin'
import { MailListPage, MailPage } from '../../../views/admin/mail'
import { OutboxPage } from '../../../views/admin/outbox'
import { WebhookEndpointPage, WebhooksPage } from '../../../views/admin/webhooks'
import { emptyForm, type FormState } from '../../../views/components'
import { formatWindowHours } from '../../../views/format'
import {
  createOrganisation,
  getOrganisation,
  getUserForAdmin,
  listOrganisationChoices,
  listOrganisations,
  listUsers,
  updateOrganisation,
  updateUserAccess,
} from '../../auth'
import { getFailingAddresses, getMail, getPersonMail, listMail, mailCursorParam, parseMailCursor } from '../../mail'
import { getOutboxOverview, retryOutboxRow } from '../../outbox'
import { createCategory, deleteCategory, getCategoryForAdmin, listCategoriesForAdmin, updateCategory } from '../../forum'
import { QUEUE_CONFIG } from '../../queue'
import { getSetupChecklist } from '../../setup'
import { parseId } from '../../validation'
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  resendWebhookDelivery,
  rotateWebhookSecret,
  setWebhookEndpointEnabled,
  updateWebhookEndpoint,
  WEBHOOK_EVENT_TYPES,
} from '../../webhooks'
import { chrome } from '../chrome'
import { readForm, readListField, submitForm, type FormStatus } from '../forms'
import { idParam } from '../params'
import type { AppEnv } from '../types'

export const adminRoutes = new Hono<AppEnv>()

adminRoutes.get('/', (c) => c.redirect('/admin/users'))

// --- People -----------------------------------------------------------------

adminRoutes.get('/users', async (c) => {
  const search = (c.req.query('q') ?? '').trim().slice(0, 200)
  const [result, checklist] = await Promise.all([
    listUsers(c.var.ctx, { search, afterId: parseId(c.req.query('after')) ?? 0 }),
    getSetupChecklist(c.var.ctx),
  ])
  const mailFailing = await getFailingAddresses(c.var.ctx, result.users.map((user) => user.id))
  return c.html(<UsersPage chrome={chrome(c)} users={result.users} search={search} nextAfterId={result.nextAfterId} checklist={checklist} mailFailing={mailFailing} />)
})

async function userEditPage(c: Context<AppEnv>, userId: number, form: FormState | null, status: FormStatus = 200) {
  const ctx = c.var.ctx
  const [user, organisations, mail] = await Promise.all([getUserForAdmin(ctx, userId), listOrganisationChoices(ctx), getPersonMail(ctx, userId)])
  const state = form ?? emptyForm({ role: user.role, organisationId: user.organisationId ? String(user.organisationId) : '' })
  return c.html(<UserEditPage chrome={chrome(c)} user={user} organisations={organisations} form={state} mail={mail} />, status)
}

adminRoutes.get('/users/:id', (c) => userEditPage(c, idParam(c, 'id', 'That person'), null))

adminRoutes.post('/users/:id', async (c) => {
  const userId = idParam(c, 'id', 'That person')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => updateUserAccess({ ctx: c.var.ctx, input: { ...values, userId } }),
    () => c.redirect('/admin/users', 303),
    (failure) => userEditPage(c, userId, failure.state, failure.status),
  )
})

// --- Organisations ----------------------------------------------------------------

async function organisationsPage(c: Context<AppEnv>, form: FormState, status: FormStatus = 200) {
  const organisations = await listOrganisations(c.var.ctx)
  return c.html(<OrganisationsPage chrome={chrome(c)} organisations={organisations} form={form} />, status)
}

adminRoutes.get('/organisations', (c) => organisationsPage(c, emptyForm({ plan: 'free', mrr: '0', isPriority: '0', isTrial: '0' })))

adminRoutes.post('/organisations', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => createOrganisation({ ctx: c.var.ctx, input: values }),
    () => c.redirect('/admin/organisations', 303),
    (failure) => organisationsPage(c, failure.state, failure.status),
  )
})

async function organisationEditPage(c: Context<AppEnv>, organisationId: number, form: FormState | null, status: FormStatus = 200) {
  const organisation = await getOrganisation(c.var.ctx, organisationId)
  const state =
    form ??
    emptyForm({
      name: organisation.name,
      plan: organisation.plan,
      mrr: (organisation.mrrCents / 100).toFixed(2).replace(/\.00$/, ''),
      isPriority: organisation.isPriority ? '1' : '0',
      isTrial: organisation.isTrial ? '1' : '0',
    })
  return c.html(<OrganisationEditPage chrome={chrome(c)} organisation={organisation} form={state} />, status)
}

adminRoutes.get('/organisations/:id', (c) => organisationEditPage(c, idParam(c, 'id', 'That organisation'), null))

adminRoutes.post('/organisations/:id', async (c) => {
  const organisationId = idParam(c, 'id', 'That organisation')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => updateOrganisation({ ctx: c.var.ctx, input: { ...values, organisationId } }),
    () => c.redirect('/admin/organisations', 303),
    (failure) => organisationEditPage(c, organisationId, failure.state, failure.status),
  )
})

// --- Categories ---------------------------------------------------------------------

async function categoriesPage(c: Context<AppEnv>, form: FormState, status: FormStatus = 200) {
  const categories = await listCategoriesForAdmin(c.var.ctx)
  return c.html(
    <CategoriesAdminPage chrome={chrome(c)} categories={categories} form={form} defaultWindowMinutes={QUEUE_CONFIG.unansweredWindowMinutes} />,
    status,
  )
}

adminRoutes.get('/categories', (c) => categoriesPage(c, emptyForm({ position: '0' })))

adminRoutes.post('/categories', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => createCategory({ ctx: c.var.ctx, input: values }),
    () => c.redirect('/admin/categories', 303),
    (failure) => categoriesPage(c, failure.state, failure.status),
  )
})

async function categoryEditPage(
  c: Context<AppEnv>,
  categoryId: number,
  forms: { edit?: FormState; remove?: FormState },
  status: FormStatus = 200,
) {
  const category = await getCategoryForAdmin(c.var.ctx, categoryId)
  const edit =
    forms.edit ??
    emptyForm({
      name: category.name,
      slug: category.slug,
      description: category.description,
      team: category.team,
      position: String(category.position),
      unansweredWindowHours: category.unansweredWindowMinutes === null ? '' : formatWindowHours(category.unansweredWindowMinutes),
    })
  return c.html(
    <CategoryEditPage
      chrome={chrome(c)}
      category={category}
      form={edit}
      deleteForm={forms.remove ?? emptyForm()}
      defaultWindowMinutes={QUEUE_CONFIG.unansweredWindowMinutes}
    />,
    status,
  )
}

adminRoutes.get('/categories/:id', (c) => categoryEditPage(c, idParam(c, 'id', 'That category'), {}))

adminRoutes.post('/categories/:id', async (c) => {
  const categoryId = idParam(c, 'id', 'That category')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => updateCategory({ ctx: c.var.ctx, input: { ...values, categoryId } }),
    () => c.redirect('/admin/categories', 303),
    (failure) => categoryEditPage(c, categoryId, { edit: failure.state }, failure.status),
  )
})

adminRoutes.post('/categories/:id/delete', async (c) => {
  const categoryId = idParam(c, 'id', 'That category')
  return submitForm(
    c,
    {},
    () => deleteCategory({ ctx: c.var.ctx, input: { categoryId } }),
    () => c.redirect('/admin/categories', 303),
    (failure) => categoryEditPage(c, categoryId, { remove: failure.state }, failure.status),
  )
})

// --- Background jobs ----------------------------------------------------------------

adminRoutes.get('/outbox', async (c) => {
  const overview = await getOutboxOverview(c.var.ctx)
  return c.html(<OutboxPage chrome={chrome(c)} topics={overview.topics} parked={overview.parked} />)
})

adminRoutes.post('/outbox/:id/retry', async (c) => {
  await retryOutboxRow({ ctx: c.var.ctx, input: { rowId: c.req.param('id') } })
  return c.redirect('/admin/outbox', 303)
})

// --- Mail ---------------------------------------------------------------------------

adminRoutes.get('/mail', async (c) => {
  const before = parseMailCursor(c.req.query('before'))
  const page = await listMail(c.var.ctx, { before })
  const nextHref = page.next ? `/admin/mail?before=${mailCursorParam(page.next)}` : null
  return c.html(<MailListPage chrome={chrome(c)} mails={page.mails} nextHref={nextHref} smtpConfigured={Boolean(c.var.deps.env.smtpUrl)} firstPage={!before} />)
})

adminRoutes.get('/mail/:id', async (c) => c.html(<MailPage chrome={chrome(c)} mail={await getMail(c.var.ctx, idParam(c, 'id', 'That mail'))} />))

// --- Webhooks ------------------------------------------------------------------------

async function webhooksPage(c: Context<AppEnv>, form: FormState, selected: string[], created: { id: number; secret: string } | null, status: FormStatus = 200) {
  const endpoints = await listWebhookEndpoints(c.var.ctx)
  return c.html(<WebhooksPage chrome={chrome(c)} endpoints={endpoints} eventTypes={WEBHOOK_EVENT_TYPES} form={form} selected={selected} created={created} />, status)
}

adminRoutes.get('/webhooks', (c) => webhooksPage(c, emptyForm({ enabled: '1' }), [], null))

adminRoutes.post('/webhooks', async (c) => {
  const values = await readForm(c)
  const eventTypes = await readListField(c, 'eventTypes')
  return submitForm(
    c,
    values,
    () => createWebhookEndpoint({ ctx: c.var.ctx, input: { ...values, eventTypes } }),
    // The secret is shown on this answer only: no redirect, nothing stored to show it again.
    (created) => webhooksPage(c, emptyForm({ enabled: '1' }), [], created),
    (failure) => webhooksPage(c, failure.state, eventTypes, null, failure.status),
  )
})

async function webhookEndpointPage(c: Context<AppEnv>, endpointId: number, form: FormState | null, selected: string[] | null, rotatedSecret: string | null = null, status: FormStatus = 200) {
  const { endpoint, deliveries } = await getWebhookEndpoint(c.var.ctx, endpointId)
  const state =
    form ??
    emptyForm({
      url: endpoint.url,
      description: endpoint.description,
      enabled: endpoint.enabled ? '1' : '0',
      internal: endpoint.internal ? '1' : '0',
      allowPrivateNetwork: endpoint.allowPrivateNetwork ? '1' : '0',
    })
  return c.html(
    <WebhookEndpointPage
      chrome={chrome(c)}
      endpoint={endpoint}
      deliveries={deliveries}
      eventTypes={WEBHOOK_EVENT_TYPES}
      form={state}
      selected={selected ?? endpoint.eventTypes}
      rotatedSecret={rotatedSecret}
    />,
    status,
  )
}

adminRoutes.get('/webhooks/:id', (c) => webhookEndpointPage(c, idParam(c, 'id', 'That webhook endpoint'), null, null))

adminRoutes.post('/webhooks/:id', async (c) => {
  const endpointId = idParam(c, 'id', 'That webhook endpoint')
  const values = await readForm(c)
  const eventTypes = await readListField(c, 'eventTypes')
  return submitForm(
    c,
    values,
    () => updateWebhookEndpoint({ ctx: c.var.ctx, input: { ...values, eventTypes, endpointId } }),
    () => c.redirect(`/admin/webhooks/${endpointId}`, 303),
    (failure) => webhookEndpointPage(c, endpointId, failure.state, eventTypes, null, failure.status),
  )
})

adminRoutes.post('/webhooks/:id/enabled', async (c) => {
  const endpointId = idParam(c, 'id', 'That webhook endpoint')
  const values = await readForm(c)
  await setWebhookEndpointEnabled({ ctx: c.var.ctx, input: { endpointId, enabled: values.enabled ?? '' } })
  return c.redirect(`/admin/webhooks/${endpointId}`, 303)
})

adminRoutes.post('/webhooks/:id/rotate', async (c) => {
  const endpointId = idParam(c, 'id', 'That webhook endpoint')
  const { secret } = await rotateWebhookSecret({ ctx: c.var.ctx, input: { endpointId } })
  return webhookEndpointPage(c, endpointId, null, null, secret)
})

adminRoutes.post('/webhooks/:id/delete', async (c) => {
  await deleteWebhookEndpoint({ ctx: c.var.ctx, input: { endpointId: idParam(c, 'id', 'That webhook endpoint') } })
  return c.redirect('/admin/webhooks', 303)
})

adminRoutes.post('/webhooks/:id/deliveries/:deliveryId/resend', async (c) => {
  const endpointId = idParam(c, 'id', 'That webhook endpoint')
  await resendWebhookDelivery({ ctx: c.var.ctx, input: { endpointId, deliveryId: idParam(c, 'deliveryId', 'That delivery') } })
  return c.redirect(`/admin/webhooks/${endpointId}#delivery-${c.req.param('deliveryId')}`, 303)
})
