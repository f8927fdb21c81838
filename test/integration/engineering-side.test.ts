import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { handoffs, rotationShifts, type Category, type User } from '../../src/db/schema'
import { convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createRotation, createTeam, createThread, createUser } from '../support/factories'

// The engineer's side of the loop as its people use it: the handoff of the shift in progress,
// drafted before the shift ends, and the team pages opening on the viewer's own team.

const HOUR = 3_600_000

let t: TestApp
let category: Category
let admin: User
let lead: User
let ada: User
let bob: User
let sue: User
let customer: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  lead = await createUser(t.db, { displayName: 'Lee Lead', role: 'engineer' })
  ada = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer' })
  bob = await createUser(t.db, { displayName: 'Bob Engineer', role: 'engineer' })
  sue = await createUser(t.db, { displayName: 'Sue Support', role: 'support' })
  customer = await createUser(t.db, { displayName: 'Mo Customer' })
  // Two teams: "billing" comes first alphabetically; everyone here is on "platform".
  await createTeam(t, 'billing', [])
  await createTeam(t, 'platform', [{ user: sue }, { user: ada, onDuty: false }, { user: bob, onDuty: false }], lead)
  await createRotation(t, admin, 'billing', [lead], { name: 'Billing rotation' })
  await createRotation(t, admin, 'platform', [ada, bob], { name: 'Platform rotation' })
})
afterAll(() => t.close())

const draftButton = (page: Awaited<ReturnType<typeof html>>) => page.querySelector('form[action="/handoffs"][method="post"] button[type="submit"]')

describe('drafting the handoff of the shift in progress', () => {
  it('lets the engineer on the shift draft and publish it before the shift ends; the tick then drafts no second one', async () => {
    // The second shift, which began after the rotation was set up: the tick would draft it at its end.
    const first = await whoIsOnRotation(t.db, 'platform', t.clock.now())
    t.clock.set(new Date(first!.until!.getTime() + 2 * HOUR))
    const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
    const engineer = on!.userId === ada.id ? ada : bob
    const other = engineer === ada ? bob : ada
    const thread = await createThread(t, customer, category, { title: 'Exports time out for large workspaces' })
    await convertThread({ ctx: t.ctx(sue), input: { threadId: thread.id, kind: 'bug', severity: 'normal', note: '' } })
    t.clock.advance(HOUR)

    const client = await t.client().signInAs(engineer)
    const list = await html(await client.get('/handoffs'))
    const button = draftButton(list)
    expect(button?.text).toBe('Draft my handoff now')
    const form = button!.closest('form')!
    expect(form.querySelector('input[name="_csrf"]')?.getAttribute('value')).toBeTruthy()
    expect(form.querySelector('input[name="teamSlug"]')?.getAttribute('value')).toBe('platform')
    // Someone not on the shift sees no button; the lead may draft it for the engineer.
    expect(draftButton(await html(await (await t.client().signInAs(other)).get('/handoffs')))).toBeNull()
    expect(draftButton(await html(await (await t.client().signInAs(lead)).get('/handoffs?team=platform')))?.text).toBe(`Draft ${engineer.displayName}’s handoff now`)

    const draftedAt = t.clock.now()
    const drafted = await client.post('/handoffs', { teamSlug: 'platform' })
    expect(drafted.status).toBe(303)
    const location = drafted.headers.get('location')!
    expect(location).toMatch(/^\/handoffs\/\d+#handoff-form$/)
    const page = await html(await client.get(location.replace(/#.*/, '')))
    expect(page.querySelector('h1')?.text).toContain('Platform rotation handoff')
    expect(page.text).toContain(`Shift of ${engineer.displayName}`)
    expect(page.querySelector('.handoff-summary')?.text).toMatch(/1 items opened/)
    expect(page.querySelector('#handoff-form')).not.toBeNull()
    const [row] = await t.db.select().from(handoffs).where(eq(handoffs.id, Number(location.match(/\d+/)![0])))
    const [shift] = await t.db.select().from(rotationShifts).where(eq(rotationShifts.id, row!.shiftId!))
    expect(row).toMatchObject({ engineerId: engineer.id, periodStart: shift!.startsAt, periodEnd: draftedAt, publishedAt: null })
    expect(shift!.endsAt.getTime()).toBeGreaterThan(draftedAt.getTime())

    // Drafted once: the button is gone, the draft is listed, and a second click lands on it.
    const after = await html(await client.get('/handoffs'))
    expect(draftButton(after)).toBeNull()
    expect(texts(after, 'main a').some((text) => text.includes(`(${engineer.displayName})`))).toBe(true)
    expect((await client.post('/handoffs', { teamSlug: 'platform' })).headers.get('location')).toBe(location)

    const published = await client.post(location.replace(/#.*/, ''), { priorities: 'Exports keep timing out: move them to the job queue.', publish: '1' })
    expect(published.status).toBe(303)
    expect((await html(await client.get('/handoffs'))).querySelector('.handoff .plain-text')?.text).toContain('Exports keep timing out')

    // The shift ends: the tick leaves this shift alone.
    t.clock.set(new Date(shift!.endsAt.getTime() + 5 * 60_000))
    await t.escalationTick()
    const ofShift = await t.db.select().from(handoffs).where(eq(handoffs.shiftId, shift!.id))
    expect(ofShift).toHaveLength(1)
    expect(ofShift[0]!.periodEnd).toEqual(draftedAt)
  })

  it('refuses someone not on the shift, a customer and an anonymous visitor, and an unknown team', async () => {
    const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
    const other = on!.userId === ada.id ? bob : ada
    const before = (await t.db.select().from(handoffs)).length
    const notOn = await (await t.client().signInAs(other)).post('/handoffs', { teamSlug: 'platform' })
    expect(notOn.status).toBe(403)
    expect((await html(notOn)).querySelector('#draft-handoff .form-message')?.text).toMatch(/You are not on a shift of the Platform rotation now/)
    const bySupport = await (await t.client().signInAs(sue)).post('/handoffs', { teamSlug: 'platform' })
    expect(bySupport.status).toBe(403)
    const byCustomer = await (await t.client().signInAs(customer)).post('/handoffs', { teamSlug: 'platform' })
    expect(byCustomer.status).toBe(403)
    expect(await byCustomer.text()).not.toContain('Draft my handoff now')
    const anonymous = await t.client().post('/handoffs', { teamSlug: 'platform' })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    const unknown = await (await t.client().signInAs(lead)).post('/handoffs', { teamSlug: 'no-such-team' })
    expect(unknown.status).toBe(422)
    expect((await html(unknown)).querySelector('#draft-handoff-team-error')?.text).toMatch(/no-such-team/)
    expect(await t.db.select().from(handoffs)).toHaveLength(before)
  })
})

describe('team pages open on the viewer’s own team', () => {
  it('shows a member of the second team their team on /handoffs, /sync and /fairness, unless ?team= says otherwise', async () => {
    const client = await t.client().signInAs(sue)
    const selected = (page: Awaited<ReturnType<typeof html>>) => page.querySelector('#team-picker option[selected]')?.text.trim()
    for (const [path, heading] of [
      ['/handoffs', 'Handoffs: Platform rotation'],
      ['/sync', 'Daily sync: platform'],
      ['/fairness', 'Load & fairness: Platform rotation'],
    ] as const) {
      const page = await html(await client.get(path))
      expect(page.querySelector('h1')?.text, path).toBe(heading)
      expect(selected(page), path).toBe('platform')
      const asked = await html(await client.get(`${path}?team=billing`))
      expect(selected(asked), path).toBe('billing')
      expect(asked.querySelector('h1')?.text, path).toMatch(/billing|Billing rotation/)
    }
    // Someone on no team sees the first team, as before.
    const page = await html(await (await t.client().signInAs(admin)).get('/sync'))
    expect(page.querySelector('h1')?.text).toBe('Daily sync: billing')
  })
})
