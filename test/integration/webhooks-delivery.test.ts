import { eq } from 'drizzle-orm'
import { pino } from 'pino'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { handoffs, notifications, webhookDeliveries, webhookEndpoints, WEBHOOK_EVENT_TYPES, type Category, type User } from '../../src/db/schema'
import { answerEscalation, escalateItem, publishHandoff, sendLoopReplies } from '../../src/escalations'
import { setAcceptedReply } from '../../src/forum'
import { outboxHandlers } from '../../src/jobs'
import { mailSettingsOf } from '../../src/mail'
import { drainOutbox } from '../../src/outbox'
import { addInternalNote, assignItem, convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { createWebhookEndpoint, DISABLE_AFTER_MS, rotateWebhookSecret, WEBHOOK_RETRY_DELAYS_MS, webhookHandlers } from '../../src/webhooks'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createPolicy, createReply, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { startReceiver, type Receiver, type Received } from '../support/webhook-receiver'

const NOTE = 'Customer is on the legacy billing plan; do not mention the refund.'
const REPRODUCTION = {
  customerDid: 'Pressed “Send test event” on the orders endpoint.',
  whatHappened: 'Every attempt shows HTTP 502 Bad Gateway since 2.4.0.',
  expected: 'A 200 from their endpoint.',
  logs: 'request id 7f3a-22 status=502 upstream=proxy-3',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time',
  customersAffected: '3',
}

let t: TestApp
let category: Category
let admin: User
let support: User
let support2: User
let ada: User
let bob: User
let lead: User
let asker: User
const receivers: Receiver[] = []
const logger = pino({ level: 'silent' })

/** Delivers due outbox rows with a short request timeout (the timeout test does not wait 5 s). */
const drain = () => {
  const settings = mailSettingsOf({ mailFrom: 'Test <test@example.com>', publicUrl: 'http://localhost', siteName: 'Test' })
  const handlers = { ...outboxHandlers({ search: t.search, mail: { settings, mailer: t.mailer } }), ...webhookHandlers({ publicUrl: 'http://localhost', timeoutMs: 400 }) }
  return drainOutbox({ db: t.db, handlers, clock: t.clock, logger, workerId: 'test' })
}

async function receiver(): Promise<Receiver> {
  const started = await startReceiver()
  receivers.push(started)
  return started
}

async function endpoint(url: string, eventTypes: readonly string[], options: { internal?: boolean; allowPrivateNetwork?: boolean } = {}) {
  return createWebhookEndpoint({
    ctx: t.ctx(admin),
    input: { url, description: 'test receiver', eventTypes: [...eventTypes], enabled: '1', internal: options.internal ? '1' : '0', allowPrivateNetwork: options.allowPrivateNetwork === false ? '0' : '1' },
  })
}

/** Every request verifies with the secret (Standard Webhooks, the library's own check). */
function verifyAll(received: Received[], secret: string) {
  for (const request of received) expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow()
}

const deliveriesOf = (endpointId: number) => t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(webhookDeliveries.id)

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  support2 = await createUser(t.db, { displayName: 'Sue Support', role: 'support' })
  ada = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer' })
  bob = await createUser(t.db, { displayName: 'Bob Engineer', role: 'engineer' })
  lead = await createUser(t.db, { displayName: 'Lee Lead', role: 'engineer' })
  asker = await createUser(t.db, { displayName: 'Mo Customer' })
  await createPolicy(t.db, { name: 'Fast', first: 60, next: 120, resolution: 600 })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }, { user: support2, onDuty: false }], lead)
  await createRotation(t, admin, 'platform', [ada, bob])
})
afterAll(async () => {
  for (const started of receivers) await started.close()
  await t.close()
})

describe('webhook delivery', () => {
  it('sends every event type once to a subscribed endpoint and not to others, signed, with internal notes only to internal endpoints', async () => {
    const all = await receiver()
    const some = await receiver()
    const internal = await receiver()
    const allEndpoint = await endpoint(all.url, WEBHOOK_EVENT_TYPES)
    const someEndpoint = await endpoint(some.url, ['thread.created'])
    const internalEndpoint = await endpoint(internal.url, ['item.assigned', 'escalation.created'], { internal: true })

    // The forum and the queue.
    const thread = await createThread(t, asker, category, { title: 'Webhook test events fail with 502' })
    const answer = await createReply(t, support, thread.id, 'We are looking into it: which endpoint URL do you use?')
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
    await addInternalNote({ ctx: t.ctx(support), input: { itemId: item.id, body: NOTE } })
    await assignItem({ ctx: t.ctx(support), input: { itemId: item.id, assigneeId: support2.id } })
    // Engineering: escalated, answered, the fix announced.
    const escalation = await escalateItem({ ctx: t.ctx(support2), input: { itemId: item.id, ...REPRODUCTION } })
    const engineer = escalation.engineerId === ada.id ? ada : bob
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'fixed', answer: 'Chunked bodies were hashed twice.', release: '2.4.1' } })
    await sendLoopReplies({ ctx: t.ctx(support2), input: { itemId: item.id } })
    await setAcceptedReply({ ctx: t.ctx(asker), input: { replyId: answer.id, on: '1' } })
    // SLA: a second item warned, then breached.
    const late = await createThread(t, asker, category, { title: 'Exports time out for large accounts' })
    await convertThread({ ctx: t.ctx(support), input: { threadId: late.id, kind: 'question', severity: 'normal', note: '' } })
    t.clock.advance(50 * 60_000)
    await t.tick()
    t.clock.advance(12 * 3_600_000)
    await t.tick()
    // The rotation: the next shift starts, the last one's handoff is published.
    const running = await whoIsOnRotation(t.db, 'platform', t.clock.now())
    t.clock.set(new Date(running!.until!.getTime() + 5 * 60_000))
    expect((await t.rotationTick()).shiftsStarted).toBe(1)
    expect((await t.rotationTick()).shiftsStarted).toBe(0)
    // The first shift began before the rotation existed, so it has no handoff: the next one does.
    const next = await whoIsOnRotation(t.db, 'platform', t.clock.now())
    t.clock.set(new Date(next!.until!.getTime() + 5 * 60_000))
    await t.escalationTick()
    const [draft] = (await t.db.select().from(handoffs)).filter((handoff) => handoff.periodEnd.getTime() === next!.until!.getTime())
    await publishHandoff({ ctx: t.ctx(next!.userId === ada.id ? ada : bob), input: { handoffId: draft!.id, priorities: 'Watch the webhook retry queue after 2.4.1.', publish: '1' } })

    await drain()
    await drain()

    // Every event of the forum, the queue, engineering and the rotation: moderation's events
    // (moderation-webhooks.test.ts) and CSAT's (csat.test.ts) are proven in their own files.
    const ownFiles = /^(post|user|csat)\./
    const types = new Set(all.received.map((request) => request.json.type))
    expect([...types].sort()).toEqual(WEBHOOK_EVENT_TYPES.filter((type) => !ownFiles.test(type)).sort())
    // Once each: no event id twice.
    const ids = all.received.map((request) => request.headers['webhook-id'])
    expect(new Set(ids).size).toBe(ids.length)
    expect(all.received.every((request) => request.json.version === 1 && typeof request.json.timestamp === 'string')).toBe(true)
    verifyAll(all.received, allEndpoint.secret)
    expect(some.received.map((request) => request.json.type)).toEqual(['thread.created', 'thread.created'])
    verifyAll(some.received, someEndpoint.secret)
    verifyAll(internal.received, internalEndpoint.secret)

    const changed = all.received.find((request) => request.json.type === 'item.state_changed' && (request.json.data as { to?: string }).to === 'escalated')!
    expect(changed.json.data).toMatchObject({ from: expect.any(String), to: 'escalated', item: { id: item.id, title: 'Webhook test events fail with 502', url: `http://localhost/queue/items/${item.id}` } })
    const created = all.received.find((request) => request.json.type === 'thread.created')!
    expect((created.json.data.thread as { url: string }).url).toBe(`http://localhost/t/${thread.id}/${thread.slug}`)

    // Internal notes and the reproduction: only to the internal endpoint.
    for (const request of [...all.received, ...some.received]) {
      expect(request.body).not.toContain(NOTE)
      expect(request.body).not.toContain('upstream=proxy-3')
      expect(request.json.data.internal).toBeUndefined()
    }
    const assigned = internal.received.find((request) => request.json.type === 'item.assigned' && (request.json.data as { by: string }).by === 'hand')!
    expect((assigned.json.data.internal as { internalNotes: { body: string }[] }).internalNotes[0]!.body).toBe(NOTE)
    const escalated = internal.received.find((request) => request.json.type === 'escalation.created')!
    expect(escalated.body).toContain('upstream=proxy-3')

    // The delivery log records each attempt.
    const log = await deliveriesOf(allEndpoint.id)
    expect(log.every((delivery) => delivery.state === 'delivered' && delivery.attempts === 1 && delivery.responseStatus === 200)).toBe(true)
    await t.db.update(webhookEndpoints).set({ enabled: false })
  })

  it('retries after a 500 and after a timeout with the same webhook-id, on its own schedule, until delivered', async () => {
    const flaky = await receiver()
    flaky.answer(500, 'hang', 200)
    const { id, secret } = await endpoint(flaky.url, ['thread.created'])
    await createThread(t, asker, category, { title: 'Retries keep the same id' })
    await drain()
    expect(flaky.received).toHaveLength(1)
    let [delivery] = await deliveriesOf(id)
    expect(delivery).toMatchObject({ state: 'pending', attempts: 1, responseStatus: 500, error: 'Answered 500.' })
    expect(delivery!.nextAttemptAt!.getTime() - t.clock.now().getTime()).toBe(WEBHOOK_RETRY_DELAYS_MS[0])
    await drain()
    expect(flaky.received).toHaveLength(1)
    t.clock.advance(WEBHOOK_RETRY_DELAYS_MS[0]!)
    await drain()
    expect(flaky.received).toHaveLength(2)
    ;[delivery] = await deliveriesOf(id)
    expect(delivery).toMatchObject({ state: 'pending', attempts: 2, responseStatus: null })
    expect(delivery!.error).toMatch(/No answer within/)
    t.clock.advance(WEBHOOK_RETRY_DELAYS_MS[1]!)
    await drain()
    ;[delivery] = await deliveriesOf(id)
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 3, responseStatus: 200, error: null })
    expect(flaky.received).toHaveLength(3)
    expect(new Set(flaky.received.map((request) => request.headers['webhook-id'])).size).toBe(1)
    expect(flaky.received[0]!.headers['webhook-id']).toBe(delivery!.eventId)
    verifyAll(flaky.received, secret)
    await t.db.update(webhookEndpoints).set({ enabled: false })
  })

  it('gives up after a day of retries, disables an endpoint that failed throughout, and tells the admins', async () => {
    const broken = await receiver()
    broken.answer({ status: 503, body: 'maintenance' })
    const { id } = await endpoint(broken.url, ['thread.created'])
    await createThread(t, asker, category, { title: 'Nobody is listening' })
    const started = t.clock.now().getTime()
    await drain()
    for (const delay of WEBHOOK_RETRY_DELAYS_MS) {
      t.clock.advance(delay)
      await drain()
    }
    expect(t.clock.now().getTime() - started).toBeLessThan(DISABLE_AFTER_MS + 3_600_000)
    expect(broken.received).toHaveLength(WEBHOOK_RETRY_DELAYS_MS.length + 1)
    const [delivery] = await deliveriesOf(id)
    expect(delivery).toMatchObject({ state: 'failed', attempts: WEBHOOK_RETRY_DELAYS_MS.length + 1, responseStatus: 503, responseExcerpt: 'maintenance' })
    const [row] = await t.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id))
    expect(row!.enabled).toBe(false)
    expect(row!.disabledReason).toMatch(/failed/)
    const told = await t.db.select().from(notifications).where(eq(notifications.kind, 'webhook_disabled'))
    expect(told.map((notice) => notice.userId)).toEqual([admin.id])
    expect(told[0]!.message).toContain(broken.url)
    // Disabled: later events do not go to it.
    await createThread(t, asker, category, { title: 'Still nobody listening' })
    await drain()
    expect(await deliveriesOf(id)).toHaveLength(1)
  })

  it('refuses loopback addresses, and names resolving to them, unless the endpoint allows the private network', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    const direct = await endpoint(target.url, ['thread.created'], { allowPrivateNetwork: false })
    const named = await endpoint(`http://localhost:${port}/hook`, ['thread.created'], { allowPrivateNetwork: false })
    const mapped = await endpoint(`http://[::ffff:127.0.0.1]:${port}/hook`, ['thread.created'], { allowPrivateNetwork: false })
    const allowed = await endpoint(target.url, ['thread.created'])
    await createThread(t, asker, category, { title: 'Guarded delivery' })
    await drain()
    for (const refused of [direct, named, mapped]) {
      const [delivery] = await deliveriesOf(refused.id)
      expect(delivery!.error).toMatch(/private or reserved address/)
      expect(delivery!.responseStatus).toBeNull()
    }
    // Only the endpoint with the flag reached the receiver.
    expect(target.received).toHaveLength(1)
    expect(target.received[0]!.headers['webhook-id']).toBe((await deliveriesOf(allowed.id))[0]!.eventId)
    await t.db.update(webhookEndpoints).set({ enabled: false })
  })

  it('signs with both secrets for a day after a rotation, then with the new one only', async () => {
    const target = await receiver()
    const { id, secret: old } = await endpoint(target.url, ['thread.created'])
    const { secret: rotated } = await rotateWebhookSecret({ ctx: t.ctx(admin), input: { endpointId: id } })
    expect(rotated).toMatch(/^whsec_/)
    await createThread(t, asker, category, { title: 'Signed twice during the overlap' })
    await drain()
    const during = target.received[0]!
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2)
    verifyAll([during], old)
    verifyAll([during], rotated)
    t.clock.advance(24 * 3_600_000 + 60_000)
    await createThread(t, asker, category, { title: 'Signed once after the overlap' })
    await drain()
    const after = target.received[1]!
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1)
    verifyAll([after], rotated)
    expect(() => new Webhook(old).verify(after.body, after.headers as Record<string, string>)).toThrow()
    await t.db.update(webhookEndpoints).set({ enabled: false })
  })

  it('sends an endpoint’s deliveries over a kept connection, and one the receiver closed meanwhile is opened afresh', async () => {
    const kept = await receiver()
    const { id, secret } = await endpoint(kept.url, ['thread.created'])
    const handlers = { ...outboxHandlers({ search: t.search, mail: { settings: mailSettingsOf({ mailFrom: 'Test <test@example.com>', publicUrl: 'http://localhost', siteName: 'Test' }), mailer: t.mailer } }) }
    const deliverAll = () => drainOutbox({ db: t.db, handlers, clock: t.clock, logger, workerId: 'test' })
    for (const title of ['Kept connection, first delivery', 'Kept connection, second delivery', 'Kept connection, third delivery']) {
      await createThread(t, asker, category, { title })
      await deliverAll()
    }
    expect(kept.received.map((request) => request.json.data)).toHaveLength(3)
    // One connection carried the three (the guard without kept connections opened one each).
    expect(kept.connections).toBe(1)
    // The receiver drops its idle connections (a restart, a keep-alive timeout): the next delivery still arrives, once.
    kept.dropConnections()
    await createThread(t, asker, category, { title: 'After the receiver dropped it' })
    await deliverAll()
    expect(kept.received).toHaveLength(4)
    expect((await deliveriesOf(id)).every((delivery) => delivery.state === 'delivered' && delivery.attempts === 1)).toBe(true)
    verifyAll(kept.received, secret)
    await t.db.update(webhookEndpoints).set({ enabled: false })
  })
})
