import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { businessCalendars, macros, slaPolicies, teamMembers, teams, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createUser } from '../support/factories'

let t: TestApp
let admin: User
let support: User
let member: User

beforeAll(async () => {
  t = await createTestApp()
  admin = await createUser(t.db, { role: 'admin' })
  support = await createUser(t.db, { role: 'support', displayName: 'Sue Support' })
  member = await createUser(t.db, { displayName: 'Mo Member' })
})
afterAll(() => t.close())

describe('business-hours calendars', () => {
  it('saves opening hours written as text, with holidays', async () => {
    const client = await t.client().signInAs(admin)
    const response = await client.post('/queue/settings/sla/calendars', {
      name: 'Berlin office',
      timezone: 'Europe/Berlin',
      windows: 'Mon-Fri 09:00-12:00, 13:00-17:00\nSat 10:00-14:00',
      holidays: '2026-12-25 2026-12-26',
    })
    expect(response.status).toBe(303)
    const [calendar] = await t.db.select().from(businessCalendars).where(eq(businessCalendars.name, 'Berlin office'))
    expect(calendar!.windows).toHaveLength(11)
    expect(calendar!.holidays).toEqual(['2026-12-25', '2026-12-26'])
    const page = await html(await client.get('/queue/settings/sla'))
    expect(page.text).toMatch(/Berlin office \(Europe\/Berlin\): Mon 09:00-12:00; Mon 13:00-17:00/)
  })

  it('refuses overlapping windows, unknown timezones and bad dates, keeping the input', async () => {
    const client = await t.client().signInAs(admin)
    const before = await t.db.select().from(businessCalendars)
    const response = await client.post('/queue/settings/sla/calendars', {
      name: 'Broken',
      timezone: 'Mars/Olympus',
      windows: 'Mon 09:00-13:00, 12:00-17:00',
      holidays: 'christmas',
    })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-windows-error')?.text).toMatch(/Monday: windows 09:00–13:00 and 12:00–17:00 overlap/)
    expect(page.querySelector('#field-timezone-error')?.text).toMatch(/not a known timezone/)
    expect(page.querySelector('#field-holidays-error')?.text).toMatch(/“christmas” is not a date/)
    expect(page.querySelector('#field-windows')?.text).toBe('Mon 09:00-13:00, 12:00-17:00')
    const unreadable = await client.post('/queue/settings/sla/calendars', { name: 'Typo', timezone: 'UTC', windows: 'Weekdays 9 to 5', holidays: '' })
    expect((await html(unreadable)).querySelector('#field-windows-error')?.text).toMatch(/start with days like “Mon-Fri”/)
    expect(await t.db.select().from(businessCalendars)).toEqual(before)
  })
})

describe('SLA policies', () => {
  it('creates and edits a policy (a new version), and refuses negative or inconsistent targets', async () => {
    const client = await t.client().signInAs(admin)
    const created = await client.post('/queue/settings/sla/policies', {
      name: 'Enterprise critical',
      position: '1',
      matchPlan: 'enterprise',
      matchSeverity: 'critical',
      matchKind: '',
      firstResponseMinutes: '30',
      nextResponseMinutes: '60',
      resolutionMinutes: '480',
      calendarId: '',
    })
    expect(created.status).toBe(303)
    const [policy] = await t.db.select().from(slaPolicies).where(eq(slaPolicies.name, 'Enterprise critical'))
    expect(policy).toMatchObject({ matchPlan: 'enterprise', matchSeverity: 'critical', matchKind: null, version: 1 })
    const negative = await client.post('/queue/settings/sla/policies', {
      policyId: String(policy!.id),
      name: 'Enterprise critical',
      position: '1',
      firstResponseMinutes: '-30',
      nextResponseMinutes: '60',
      resolutionMinutes: '480',
    })
    expect(negative.status).toBe(422)
    expect((await html(negative)).querySelector('#field-firstResponseMinutes-error')?.text).toMatch(/at least 1 minute/)
    const backwards = await client.post('/queue/settings/sla/policies', {
      name: 'Backwards',
      position: '2',
      firstResponseMinutes: '600',
      nextResponseMinutes: '60',
      resolutionMinutes: '120',
    })
    expect(backwards.status).toBe(422)
    const [unchanged] = await t.db.select().from(slaPolicies).where(eq(slaPolicies.id, policy!.id))
    expect(unchanged).toEqual(policy)
    await client.post('/queue/settings/sla/policies', {
      policyId: String(policy!.id),
      name: 'Enterprise critical',
      position: '1',
      matchPlan: 'enterprise',
      firstResponseMinutes: '15',
      nextResponseMinutes: '60',
      resolutionMinutes: '480',
    })
    const [edited] = await t.db.select().from(slaPolicies).where(eq(slaPolicies.id, policy!.id))
    expect(edited).toMatchObject({ firstResponseMinutes: 15, version: 2 })
  })

  it('lets support staff read policies but only admins change them', async () => {
    const client = await t.client().signInAs(support)
    const page = await html(await client.get('/queue/settings/sla'))
    expect(page.querySelector('form[action="/queue/settings/sla/policies"]')).toBeNull()
    const refused = await client.post('/queue/settings/sla/policies', { name: 'Sneaky', position: '0', firstResponseMinutes: '1', nextResponseMinutes: '1', resolutionMinutes: '1' })
    expect(refused.status).toBe(403)
    expect((await (await t.client().signInAs(member)).get('/queue/settings/sla')).status).toBe(403)
  })
})

describe('teams and canned replies', () => {
  it('saves a team with a lead and members, refusing people who are not staff', async () => {
    const client = await t.client().signInAs(admin)
    const body = new URLSearchParams({ slug: 'billing', name: 'Billing', leadId: String(support.id), _csrf: await client.csrfToken() })
    body.append('memberIds', String(support.id))
    body.append('memberIds', String(admin.id))
    const saved = await client.request('/queue/settings/teams', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(saved.status).toBe(303)
    expect((await t.db.select().from(teams).where(eq(teams.slug, 'billing')))[0]).toMatchObject({ name: 'Billing', leadId: support.id })
    expect((await t.db.select().from(teamMembers).where(eq(teamMembers.teamSlug, 'billing'))).map((row) => row.userId).sort()).toEqual([support.id, admin.id].sort())
    const bad = new URLSearchParams({ slug: 'billing', name: 'Billing', _csrf: await client.csrfToken() })
    bad.append('memberIds', String(member.id))
    const refused = await client.request('/queue/settings/teams', { method: 'POST', body: bad, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(refused.status).toBe(422)
    expect((await html(refused)).text).toMatch(/Mo Member is not support staff/)
  })

  it('saves canned replies and names unknown placeholders', async () => {
    const client = await t.client().signInAs(support)
    expect((await client.post('/queue/macros', { title: 'Thanks', body: 'Thanks {{customer.name}}!', teamSlug: '' })).status).toBe(303)
    const bad = await client.post('/queue/macros', { title: 'Oops', body: 'Hello {{customer.nmae}}', teamSlug: '' })
    expect(bad.status).toBe(422)
    expect((await html(bad)).querySelector('#field-body-error')?.text).toMatch(/Unknown placeholder: \{\{customer\.nmae\}\}/)
    expect(await t.db.select().from(macros).where(eq(macros.title, 'Oops'))).toHaveLength(0)
  })
})
