import { eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webhookDeliveries, webhookEndpoints, type Category, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createThread, createUser } from '../support/factories'
import { startReceiver, type Receiver } from '../support/webhook-receiver'

let t: TestApp
let category: Category
let admin: User
let support: User
let member: User
let receiver: Receiver

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  member = await createUser(t.db, { displayName: 'Mo Member' })
  receiver = await startReceiver()
})
afterAll(async () => {
  await receiver.close()
  await t.close()
})

const endpointForm = (url: string, extra: Record<string, string | string[]> = {}) => ({
  url,
  description: 'CRM sync',
  eventTypes: ['thread.created', 'item.created'],
  enabled: ['0', '1'],
  internal: '0',
  allowPrivateNetwork: ['0', '1'],
  ...extra,
})

describe('/admin/webhooks', () => {
  it('refuses support and members (403), sends the anonymous to sign in, and changes nothing', async () => {
    for (const user of [support, member]) {
      const client = await t.client().signInAs(user)
      expect((await client.get('/admin/webhooks')).status).toBe(403)
      expect((await client.post('/admin/webhooks', endpointForm(receiver.url))).status).toBe(403)
    }
    const anonymous = await t.client().get('/admin/webhooks')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin%2Fwebhooks')
    expect(await t.db.select().from(webhookEndpoints)).toHaveLength(0)
  })

  it('refuses a bad URL and no event types, with a message by each field and the input kept', async () => {
    const client = await t.client().signInAs(admin)
    const response = await client.post('/admin/webhooks', endpointForm('ftp://example.com/hook', { eventTypes: [] }))
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-url-error')?.text).toMatch(/http:\/\/ or https:\/\//)
    expect(page.querySelector('.field-error')?.text).toBeTruthy()
    expect(page.text).toMatch(/Choose at least one event type/)
    expect(page.querySelector('#field-url')?.getAttribute('value')).toBe('ftp://example.com/hook')
    expect(await t.db.select().from(webhookEndpoints)).toHaveLength(0)
  })

  it('adds an endpoint showing its secret once, logs deliveries, sends one again, edits, disables and deletes', async () => {
    const client = await t.client().signInAs(admin)
    const created = await client.post('/admin/webhooks', endpointForm(receiver.url))
    expect(created.status).toBe(200)
    const secret = (await html(created)).querySelector('#webhook-secret')?.text ?? ''
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/)
    const [endpoint] = await t.db.select().from(webhookEndpoints)
    expect(endpoint).toMatchObject({ url: receiver.url, eventTypes: ['thread.created', 'item.created'], enabled: true, internal: false, allowPrivateNetwork: true })
    // Never shown again.
    expect(await (await client.get('/admin/webhooks')).text()).not.toContain(secret)
    expect(await (await client.get(`/admin/webhooks/${endpoint!.id}`)).text()).not.toContain(secret)

    await createThread(t, member, category, { title: 'A thread for the CRM' })
    await t.drain()
    expect(receiver.received).toHaveLength(1)
    new Webhook(secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>)
    const page = await html(await client.get(`/admin/webhooks/${endpoint!.id}`))
    const [delivery] = await t.db.select().from(webhookDeliveries)
    const row = page.querySelector(`#delivery-${delivery!.id}`)
    expect(row?.text).toContain('thread.created')
    expect(row?.text).toContain('delivered')
    expect(row?.text).toContain('200')
    expect(row?.querySelector('pre')?.text).toContain('A thread for the CRM')

    // Send again: a POST that re-enqueues it, with the same webhook-id.
    expect((await (await t.client().signInAs(support)).post(`/admin/webhooks/${endpoint!.id}/deliveries/${delivery!.id}/resend`)).status).toBe(403)
    const resend = await client.post(`/admin/webhooks/${endpoint!.id}/deliveries/${delivery!.id}/resend`)
    expect(resend.status).toBe(303)
    await t.drain()
    expect(receiver.received).toHaveLength(2)
    expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id'])
    new Webhook(secret).verify(receiver.received[1]!.body, receiver.received[1]!.headers as Record<string, string>)

    // Edit: events and the internal flag.
    const edited = await client.post(`/admin/webhooks/${endpoint!.id}`, endpointForm(receiver.url, { eventTypes: ['item.created'], internal: ['0', '1'], description: 'Internal CRM' }))
    expect(edited.status).toBe(303)
    expect((await t.db.select().from(webhookEndpoints))[0]).toMatchObject({ eventTypes: ['item.created'], internal: true, description: 'Internal CRM' })

    // Rotate: the new secret is shown once, on that answer.
    const rotated = await client.post(`/admin/webhooks/${endpoint!.id}/rotate`)
    const newSecret = (await html(rotated)).querySelector('#webhook-secret')?.text ?? ''
    expect(newSecret).toMatch(/^whsec_/)
    expect(newSecret).not.toBe(secret)

    // Disable, enable, delete.
    expect((await client.post(`/admin/webhooks/${endpoint!.id}/enabled`, { enabled: '0' })).status).toBe(303)
    expect((await t.db.select().from(webhookEndpoints))[0]!.enabled).toBe(false)
    expect((await client.post(`/admin/webhooks/${endpoint!.id}/enabled`, { enabled: '1' })).status).toBe(303)
    expect((await t.db.select().from(webhookEndpoints))[0]!.enabled).toBe(true)
    expect((await (await t.client().signInAs(member)).post(`/admin/webhooks/${endpoint!.id}/delete`)).status).toBe(403)
    expect((await client.post(`/admin/webhooks/${endpoint!.id}/delete`)).status).toBe(303)
    expect(await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint!.id))).toHaveLength(0)
    expect(await t.db.select().from(webhookDeliveries)).toHaveLength(0)
    expect((await client.get(`/admin/webhooks/${endpoint!.id}`)).status).toBe(404)
  })
})
