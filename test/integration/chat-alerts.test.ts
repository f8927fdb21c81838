import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chatAlerts, handoffs, teams, type Category, type User } from '../../src/db/schema'
import { escalateItem, publishHandoff } from '../../src/escalations'
import { convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createPolicy, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { startReceiver, type Receiver } from '../support/webhook-receiver'

const REPRODUCTION = {
  customerDid: 'Opened the dashboard for an EU account.',
  whatHappened: 'Every chart is empty since this morning.',
  expected: 'The charts with data.',
  logs: 'GET /api/charts 200 []',
  account: 'Acme Corp',
  frequency: 'Every time',
  customersAffected: '12',
}

interface SlackMessage {
  text: string
  blocks: { type: string; text?: { type: string; text: string }; elements?: { type: string; url: string; text: { text: string } }[] }[]
}

let t: TestApp
let category: Category
let admin: User
let support: User
let ada: User
let bob: User
let asker: User
let chat: Receiver

const messages = () => chat.received.map((request) => request.json as unknown as SlackMessage)

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Dashboards', slug: 'dashboards', team: 'platform' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  ada = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer' })
  bob = await createUser(t.db, { displayName: 'Bob Engineer', role: 'engineer' })
  asker = await createUser(t.db, { displayName: 'Mo Customer' })
  await createPolicy(t.db, { name: 'Fast', first: 60, next: 120, resolution: 600 })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }])
  await createRotation(t, admin, 'platform', [ada, bob])
  chat = await startReceiver('/services/T000/B000/XXXX')
})
afterAll(async () => {
  await chat.close()
  await t.close()
})

describe('team chat alerts', () => {
  it('takes a chat webhook URL on the team settings page, refusing one that is not http(s), and only from admins', async () => {
    const teamForm = (url: string) => ({ slug: 'platform', name: 'Platform', leadId: '', memberIds: [String(support.id)], chatWebhookUrl: url, chatAllowPrivateNetwork: ['0', '1'] })
    expect((await (await t.client().signInAs(support)).post('/queue/settings/teams', teamForm(chat.url))).status).toBe(403)
    const client = await t.client().signInAs(admin)
    const bad = await client.post('/queue/settings/teams', teamForm('javascript:alert(1)'))
    expect(bad.status).toBe(422)
    expect((await html(bad)).querySelector('#field-chatWebhookUrl-error')?.text).toMatch(/http:\/\/ or https:\/\//)
    expect((await client.post('/queue/settings/teams', teamForm(chat.url))).status).toBe(303)
    expect((await t.db.select().from(teams).where(eq(teams.slug, 'platform')))[0]).toMatchObject({ chatWebhookUrl: chat.url, chatAllowPrivateNetwork: true })
    const page = await html(await client.get('/queue/settings/teams?team=platform'))
    expect(page.querySelector('#field-chatWebhookUrl')?.getAttribute('value')).toBe(chat.url)
  })

  it('posts an escalation (who, the item, the response target, a link), its breach with who is called in, and an SLA breach', async () => {
    const thread = await createThread(t, asker, category, { title: 'Dashboard charts are empty for EU accounts' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    const engineer = escalation.engineerId === ada.id ? ada : bob
    const other = engineer === ada ? bob : ada
    await t.drain()
    const [escalated] = messages()
    expect(escalated!.text).toContain(`Escalated to ${engineer.displayName}`)
    expect(escalated!.text).toContain('Dashboard charts are empty for EU accounts')
    expect(escalated!.text).toContain(escalation.responseDueAt.toISOString().slice(0, 16).replace('T', ' '))
    expect(escalated!.blocks[0]!.text!.type).toBe('mrkdwn')
    expect(escalated!.blocks[1]!.elements![0]!.url).toBe(`http://localhost/queue/items/${item.id}`)

    t.clock.set(new Date(escalation.responseDueAt.getTime() + 60_000))
    await t.escalationTick()
    await t.tick()
    await t.drain()
    const breach = messages().find((message) => message.text.startsWith('Response target missed'))
    expect(breach?.text).toContain(`${other.displayName} is called in next.`)
    const sla = messages().find((message) => message.text.startsWith('SLA breached'))
    expect(sla?.text).toMatch(/target of “Dashboard charts are empty for EU accounts” was missed/)
    expect((await t.db.select().from(chatAlerts)).every((alert) => alert.state === 'delivered')).toBe(true)
  })

  it('posts a shift handover with the published handoff, and retries a chat server that failed', async () => {
    chat.answer(500, 200)
    const first = await whoIsOnRotation(t.db, 'platform', t.clock.now())
    const next = await whoIsOnRotation(t.db, 'platform', new Date(first!.until!.getTime() + 60_000))
    t.clock.set(new Date(next!.until!.getTime() + 5 * 60_000))
    await t.escalationTick()
    const [draft] = (await t.db.select().from(handoffs)).filter((handoff) => handoff.periodEnd.getTime() === next!.until!.getTime())
    const outgoing = next!.userId === ada.id ? ada : bob
    const before = chat.received.length
    await publishHandoff({ ctx: t.ctx(outgoing), input: { handoffId: draft!.id, priorities: 'Keep an eye on the EU chart cache.', publish: '1' } })
    await t.drain()
    expect(chat.received).toHaveLength(before + 1)
    const [alert] = await t.db.select().from(chatAlerts).where(eq(chatAlerts.kind, 'handoff_published'))
    expect(alert).toMatchObject({ state: 'pending', attempts: 1, responseStatus: 500 })
    t.clock.advance(30_000)
    await t.drain()
    expect(chat.received).toHaveLength(before + 2)
    const handover = messages().at(-1)!
    expect(handover.text).toContain(`Shift handover on Platform rotation: ${outgoing.displayName} hands over`)
    expect(handover.blocks[0]!.text!.text).toContain('Priorities: Keep an eye on the EU chart cache.')
    expect(handover.blocks[1]!.elements![0]!.url).toBe(`http://localhost/handoffs/${draft!.id}`)
    expect((await t.db.select().from(chatAlerts).where(eq(chatAlerts.id, alert!.id)))[0]).toMatchObject({ state: 'delivered', attempts: 2 })
  })

  it('does not post to a private address unless the team allows it', async () => {
    await t.db.update(teams).set({ chatAllowPrivateNetwork: false }).where(eq(teams.slug, 'platform'))
    const before = chat.received.length
    const thread = await createThread(t, asker, category, { title: 'Exports are slow' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
    await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await t.drain()
    expect(chat.received).toHaveLength(before)
    const [alert] = (await t.db.select().from(chatAlerts)).filter((row) => row.state === 'pending')
    expect(alert!.error).toMatch(/private or reserved address/)
  })
})
