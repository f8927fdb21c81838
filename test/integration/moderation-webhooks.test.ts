import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { accountSanctions, reviewItems, type Category, type User } from '../../src/db/schema'
import { announceSanctionExpiry } from '../../src/moderation'
import { saveWatchedWord } from '../../src/safety'
import { createWebhookEndpoint } from '../../src/webhooks'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createThread, createUser } from '../support/factories'
import { startReceiver, type Receiver } from '../support/webhook-receiver'

// Moderation's webhooks, delivered to two real receivers: a customer-facing endpoint gets which
// post or person and what happened; staff's own words (reasons, the message to the person, flag
// notes, the watched word, who decided) reach only the endpoint marked internal.

const TYPES = ['post.held', 'post.hidden', 'post.approved', 'user.suspended', 'user.silenced', 'user.unsuspended', 'user.unsilenced', 'user.removed']
const STAFF_WORDS = ['Staff-only reason 7731', 'Message to the person 5521', 'Flag note 8842', 'jackpotz', 'Mo Derator']

let t: TestApp
let category: Category
let moderator: User
let admin: User
let asker: User
let outside: Receiver
let inside: Receiver

beforeAll(async () => {
  t = await createTestApp()
  ;[outside, inside] = await Promise.all([startReceiver(), startReceiver()])
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
  moderator = await createUser(t.db, { displayName: 'Mo Derator', role: 'support' })
  admin = await createUser(t.db, { displayName: 'Ada Admin', role: 'admin' })
  asker = await createUser(t.db, { displayName: 'Asker' })
  for (const [url, internal] of [
    [outside.url, '0'],
    [inside.url, '1'],
  ] as const)
    await createWebhookEndpoint({ ctx: t.ctx(admin), input: { url, description: 'moderation', eventTypes: TYPES, enabled: '1', internal, allowPrivateNetwork: '1' } })
  await saveWatchedWord({ ctx: t.ctx(admin), input: { word: 'jackpotz', action: 'require_approval' } })
})
afterAll(async () => {
  await Promise.all([outside?.close(), inside?.close()])
  await t?.close()
})

async function deliver() {
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
}
const ofType = (receiver: Receiver, type: string) => receiver.received.filter((hit) => (hit.json as { type: string }).type === type).map((hit) => hit.json as { data: Record<string, any> })

describe('moderation webhooks', () => {
  it('tell a customer-facing endpoint what happened to which post or person, and keep staff’s words for the internal one', async () => {
    const staff = await t.client().signInAs(moderator)
    // Held by a watched word, then approved.
    const held = await createThread(t, asker, category, { title: 'Where do I claim the jackpotz prize?', body: 'Is the jackpotz promotion still on?' })
    // A reply hidden by three members' flags.
    const flagged = await createThread(t, asker, category, { title: 'A thread that gets flagged' })
    const flaggers = await Promise.all([1, 2, 3].map(() => createUser(t.db)))
    for (const flagger of flaggers) await (await t.client().signInAs(flagger)).post(`/t/${flagged.id}/flag`, { reason: 'other', note: 'Flag note 8842' })
    const sanctioned = await createUser(t.db, { displayName: 'Sanctioned Sue' })
    for (const kind of ['silence', 'suspend'])
      expect((await staff.post(`/moderation/users/${sanctioned.id}/sanctions`, { kind, reason: 'Staff-only reason 7731', message: 'Message to the person 5521', duration: '3' })).status).toBe(303)
    const spammer = await createUser(t.db, { displayName: 'Spam Stan', email: 'stan@spam.example', trustLevel: 0 })
    await createThread(t, spammer, category)
    expect((await staff.post(`/moderation/users/${spammer.id}/remove`, { reason: 'Staff-only reason 7731', confirmName: 'Spam Stan' })).status).toBe(303)
    const [entry] = await t.db.select().from(reviewItems).where(and(eq(reviewItems.threadId, held.id), eq(reviewItems.status, 'pending')))
    expect((await staff.post(`/review/${entry!.id}`, { decision: 'approve' })).status).toBe(303)
    await deliver()

    const heldEvent = ofType(outside, 'post.held')[0]!
    expect(heldEvent.data).toMatchObject({ post: { kind: 'question', threadId: held.id, replyId: null }, filter: 'watched_word', thread: { id: held.id, title: 'Where do I claim the jackpotz prize?' } })
    const hidden = ofType(outside, 'post.hidden')
    expect(hidden.map((event) => [event.data.post.threadId, event.data.reason])).toEqual(expect.arrayContaining([[flagged.id, 'flagged']]))
    expect(ofType(outside, 'user.silenced')[0]!.data).toMatchObject({ user: { id: sanctioned.id, name: 'Sanctioned Sue' }, sanction: { endsAt: expect.any(String) } })
    expect(ofType(outside, 'user.suspended')[0]!.data).toMatchObject({ user: { id: sanctioned.id } })
    expect(ofType(outside, 'user.removed')[0]!.data).toMatchObject({ user: { id: spammer.id, name: 'Spam Stan' }, threadsRemoved: 1, repliesRemoved: 0 })

    expect(ofType(outside, 'post.approved')[0]!.data).toMatchObject({ post: { threadId: held.id }, filter: 'watched_word', previousReason: 'held', shown: true })
    for (const received of outside.received) {
      const body = JSON.stringify((received.json as { data: unknown }).data)
      expect(body).not.toContain('"internal"')
      for (const words of STAFF_WORDS.filter((word) => word !== 'jackpotz')) expect(body, (received.json as { type: string }).type).not.toContain(words)
    }
    // The watched word is in the held post's own title, so it is checked on the filter's detail instead.
    expect(JSON.stringify(heldEvent.data)).not.toContain('Contains the watched word')
    const inner = (type: string) => ofType(inside, type)[0]!.data.internal
    expect(inner('post.held')).toEqual({ detail: 'Contains the watched word “jackpotz”.' })
    expect(inner('user.suspended')).toMatchObject({ reason: 'Staff-only reason 7731', message: 'Message to the person 5521', by: { name: 'Mo Derator' } })
    expect(inner('post.approved')).toMatchObject({ detail: 'Contains the watched word “jackpotz”.', reviewedBy: { name: 'Mo Derator' } })
    expect(inner('post.hidden')).toMatchObject({ hiddenBy: null })
    expect(inner('user.removed')).toMatchObject({ email: 'stan@spam.example', reason: 'Staff-only reason 7731' })
  })

  it('say when a sanction ends, lifted by staff or run out, once per sanction, and not while another of its kind still holds', async () => {
    const staff = await t.client().signInAs(moderator)
    const sanction = async (person: User, kind: 'suspend' | 'silence', duration: string) => {
      expect((await staff.post(`/moderation/users/${person.id}/sanctions`, { kind, reason: 'Staff-only reason 7731', message: 'Message to the person 5521', duration })).status).toBe(303)
      const rows = await t.db.select().from(accountSanctions).where(eq(accountSanctions.userId, person.id))
      return rows.sort((a, b) => b.id - a.id)[0]!
    }
    const endedFor = (receiver: Receiver, type: string, person: User) => ofType(receiver, type).filter((event) => event.data.user.id === person.id)
    const lifted = await createUser(t.db, { displayName: 'Lifted Lee' })
    const timed = await createUser(t.db, { displayName: 'Timed Tia' })
    const doubled = await createUser(t.db, { displayName: 'Double Dan' })
    const liftedSanction = await sanction(lifted, 'suspend', '3')
    const timedSanction = await sanction(timed, 'silence', '1')
    await sanction(doubled, 'suspend', '1')
    const longer = await sanction(doubled, 'suspend', '3')

    expect((await staff.post(`/moderation/sanctions/${liftedSanction.id}/lift`, {})).status).toBe(303)
    await deliver()
    const [liftedEvent] = endedFor(outside, 'user.unsuspended', lifted)
    expect(liftedEvent!.data).toEqual({
      user: { id: lifted.id, name: 'Lifted Lee' },
      sanction: { id: liftedSanction.id, startsAt: liftedSanction.startsAt.toISOString(), endsAt: liftedSanction.endsAt!.toISOString(), endedAt: t.clock.now().toISOString(), ended: 'lifted' },
    })
    expect(endedFor(inside, 'user.unsuspended', lifted)[0]!.data.internal).toEqual({ by: { id: moderator.id, name: 'Mo Derator' } })
    const liftedHit = outside.received.find((hit) => hit.json.type === 'user.unsuspended' && (hit.json.data as any).user.id === lifted.id)!
    expect(liftedHit.headers['webhook-id']).toBe(`msg_sanction_${liftedSanction.id}_ended`)

    // A day on: Tia's silence ran out; Dan's first suspension did too, but his longer one holds.
    t.clock.advance(24 * 3600 * 1000 + 60_000)
    await deliver()
    const [expired] = endedFor(outside, 'user.unsilenced', timed)
    expect(expired!.data.sanction).toMatchObject({ id: timedSanction.id, endedAt: timedSanction.endsAt!.toISOString(), ended: 'expired' })
    expect(endedFor(inside, 'user.unsilenced', timed)[0]!.data.internal).toBeUndefined()
    expect(endedFor(outside, 'user.unsuspended', doubled)).toHaveLength(0)
    // Noticed again (a redelivered timer) or lifted after it ran out: nothing more is sent.
    await t.db.transaction((tx) => announceSanctionExpiry(tx as never, timedSanction.id, t.clock.now()))
    expect((await staff.post(`/moderation/sanctions/${timedSanction.id}/lift`, {})).status).toBe(303)
    // The lifted suspension's own timer comes due and says nothing: the lift said it.
    t.clock.advance(2 * 24 * 3600 * 1000)
    await deliver()
    expect(endedFor(outside, 'user.unsilenced', timed)).toHaveLength(1)
    expect(endedFor(inside, 'user.unsilenced', timed)).toHaveLength(1)
    expect(endedFor(outside, 'user.unsuspended', lifted)).toHaveLength(1)
    const [free] = endedFor(outside, 'user.unsuspended', doubled)
    expect(free!.data.sanction).toMatchObject({ id: longer.id, ended: 'expired' })
    expect(endedFor(outside, 'user.unsuspended', doubled)).toHaveLength(1)
    for (const received of outside.received) expect(JSON.stringify(received.json.data)).not.toMatch(/Staff-only reason 7731|Message to the person 5521|Mo Derator/)
  })
})
