import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries, recordStaffAction } from '../../src/audit'
import { inTransaction } from '../../src/ctx'
import { auditEntries, type User } from '../../src/db/schema'
import { deleteSlaPolicy, saveSlaPolicy, saveTeam } from '../../src/queue'
import { createWebhookEndpoint, deleteWebhookEndpoint, rotateWebhookSecret, setWebhookEndpointEnabled } from '../../src/webhooks'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createOrganisation, createUser } from '../support/factories'

// The staff audit log: entries written in the transaction of the change (a rolled-back change
// leaves none), read by admins only at /admin/audit, filtered by who, what and when, paged by keyset.

let t: TestApp
let admin: User
let otherAdmin: User
let member: User

beforeAll(async () => {
  t = await createTestApp()
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  otherAdmin = await createUser(t.db, { displayName: 'Otto <script>alert(1)</script>', role: 'admin' })
  member = await createUser(t.db, { displayName: 'Mia Member', email: 'mia@customer.example' })
})
afterAll(() => t.close())

describe('recordStaffAction', () => {
  it('writes in the caller transaction: a change that rolls back leaves no entry', async () => {
    const before = await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'test.rolled_back'))
    await expect(
      inTransaction(t.ctx(admin), async (ctx) => {
        await recordStaffAction({ ctx, input: { action: 'test.rolled_back', subjectType: 'user', subjectId: member.id } })
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    const after = await t.db.select().from(auditEntries).where(eq(auditEntries.action, 'test.rolled_back'))
    expect(after.length).toBe(before.length)
  })

  it('refuses an action name that is not a dotted lower-case verb', async () => {
    await expect(recordStaffAction({ ctx: t.ctx(admin), input: { action: 'Drop Table' } })).rejects.toMatchObject({ code: 'validation' })
  })
})

describe('role and organisation changes are recorded', () => {
  it('records who changed whose role, from what to what, and the organisation move', async () => {
    const organisation = await createOrganisation(t.db, { name: 'Acme' })
    const client = await t.client().signInAs(admin)
    const response = await client.post(`/admin/users/${member.id}`, { role: 'support', organisationId: String(organisation.id) })
    expect(response.status).toBe(303)
    const entries = await t.db.select().from(auditEntries).where(eq(auditEntries.subjectId, String(member.id)))
    const role = entries.find((entry) => entry.action === 'user.role_changed')
    expect(role).toMatchObject({ actorId: admin.id, actorName: 'Ann Admin', subjectType: 'user', details: { from: 'member', to: 'support' } })
    expect(role!.subjectLabel).toContain('Mia Member')
    expect(entries.find((entry) => entry.action === 'user.organisation_changed')?.details).toEqual({ from: null, to: organisation.id })

    const page = await html(await client.get('/admin/audit?action=user.role_changed'))
    const row = page.querySelector(`#audit-${role!.id}`)!
    expect(row.text).toContain('Ann Admin')
    expect(row.text).toContain('user.role_changed')
    expect(row.querySelector(`a[href="/admin/users/${member.id}"]`)?.text).toContain('Mia Member')
    expect(row.text).toContain('support')
  })

  it('a save that changes nothing records nothing', async () => {
    const client = await t.client().signInAs(admin)
    const count = async () => (await t.db.select().from(auditEntries).where(eq(auditEntries.subjectId, String(member.id)))).length
    const before = await count()
    const current = await html(await client.get(`/admin/users/${member.id}`))
    const organisationId = current.querySelector('select[name="organisationId"] option[selected]')?.getAttribute('value') ?? ''
    await client.post(`/admin/users/${member.id}`, { role: 'support', organisationId })
    expect(await count()).toBe(before)
  })
})

describe('settings changes are recorded', () => {
  it('webhooks, SLA policies, teams, categories: each change one entry, and no secret in it', async () => {
    const ctx = t.ctx(admin)
    const { id: endpointId, secret } = await createWebhookEndpoint({ ctx, input: { url: 'https://hooks.example/in', eventTypes: ['thread.created'] } })
    await rotateWebhookSecret({ ctx, input: { endpointId } })
    await setWebhookEndpointEnabled({ ctx, input: { endpointId, enabled: false } })
    await deleteWebhookEndpoint({ ctx, input: { endpointId } })
    const policy = await saveSlaPolicy({ ctx, input: { name: 'Enterprise', position: '1', matchPlan: 'enterprise', firstResponseMinutes: '60', nextResponseMinutes: '120', resolutionMinutes: '480' } })
    await deleteSlaPolicy({ ctx, input: { policyId: String(policy.id) } })
    await saveTeam({ ctx, input: { slug: 'platform', name: 'Platform', memberIds: [String(admin.id)], chatWebhookUrl: 'https://chat.example/hooks/SECRET-PATH' } })
    const rows = await t.db.select().from(auditEntries).where(eq(auditEntries.actorId, admin.id))
    const actions = rows.map((row) => row.action)
    for (const action of ['webhook.endpoint_created', 'webhook.secret_rotated', 'webhook.endpoint_disabled', 'webhook.endpoint_deleted', 'sla_policy.created', 'sla_policy.deleted', 'team.saved'])
      expect(actions, action).toContain(action)
    const all = JSON.stringify(rows)
    expect(all).not.toContain(secret)
    expect(all).not.toContain('SECRET-PATH')
    expect(rows.find((row) => row.action === 'team.saved')?.details).toMatchObject({ chatAlerts: true })
  })
})

describe('/admin/audit', () => {
  it('filters by who, by action and by date, and pages by keyset without repeating an entry', async () => {
    const start = t.clock.now()
    for (let i = 0; i < 55; i++) {
      t.clock.advance(60_000)
      await recordStaffAction({ ctx: t.ctx(otherAdmin), input: { action: 'test.bulk', subjectType: 'thread', subjectId: i + 1, subjectLabel: `Thread ${i}` } })
    }
    t.clock.advance(86_400_000 * 3)
    await recordStaffAction({ ctx: t.ctx(admin), input: { action: 'test.later', details: { reason: 'later' } } })
    const client = await t.client().signInAs(admin)

    const first = await html(await client.get(`/admin/audit?actor=${otherAdmin.id}`))
    const firstIds = first.querySelectorAll('tbody tr').map((row) => row.id)
    expect(firstIds.length).toBe(50)
    const next = first.querySelector('a[rel="next"]')!.getAttribute('href')!
    expect(next).toContain(`actor=${otherAdmin.id}`)
    const second = await html(await client.get(next))
    const secondIds = second.querySelectorAll('tbody tr').map((row) => row.id)
    expect(secondIds.length).toBe(5)
    expect(new Set([...firstIds, ...secondIds]).size).toBe(55)
    expect(second.querySelector('a[rel="next"]')).toBeNull()

    const byAction = await listAuditEntries(t.ctx(admin), { filter: { action: 'test.later' } })
    expect(byAction.entries.map((entry) => entry.details)).toEqual([{ reason: 'later' }])

    const day = start.toISOString().slice(0, 10)
    const sameDay = await listAuditEntries(t.ctx(admin), { filter: { from: day, to: day, actorId: String(otherAdmin.id) } })
    expect(sameDay.entries.length).toBe(50)
    const laterDay = t.clock.now().toISOString().slice(0, 10)
    const onlyLater = await html(await client.get(`/admin/audit?from=${laterDay}`))
    expect(texts(onlyLater, 'tbody tr td:nth-child(3)')).toEqual(['test.later'])
  })

  it('escapes names and details a person typed', async () => {
    await recordStaffAction({ ctx: t.ctx(otherAdmin), input: { action: 'test.hostile', subjectLabel: '<img src=x onerror=alert(1)>', details: { note: '<b>bold</b>' } } })
    const response = await (await t.client().signInAs(admin)).get('/admin/audit?action=test.hostile')
    const body = await response.text()
    expect(body).not.toContain('<img src=x')
    expect(body).not.toContain('<script>alert(1)')
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(body).toContain('&lt;b&gt;bold&lt;/b&gt;')
  })

  it('answers a bad filter with a message by the field and the input kept, not a 500', async () => {
    const response = await (await t.client().signInAs(admin)).get('/admin/audit?from=2026-13-45&action=DROP%20TABLE&actor=abc')
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-from-error')?.text).toBeTruthy()
    expect(page.querySelector('#field-from')?.getAttribute('value')).toBe('2026-13-45')
    // A cursor it did not give out is ignored (the first page), never an error.
    expect((await (await t.client().signInAs(admin)).get('/admin/audit?before=garbage')).status).toBe(200)
  })

  it('refuses support, engineers and members (403), and sends the anonymous to sign in', async () => {
    for (const role of ['support', 'engineer', 'member'] as const) {
      const client = await t.client().signInAs(await createUser(t.db, { role }))
      expect((await client.get('/admin/audit')).status, role).toBe(403)
    }
    const anonymous = await t.client().get('/admin/audit')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin%2Faudit')
    await expect(listAuditEntries(t.ctx(member), { filter: {} })).rejects.toMatchObject({ code: 'forbidden' })
  })
})
