import { gunzipSync } from 'node:zlib'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Category, User } from '../../src/db/schema'
import { createSession, sessionColumn, sessionIdOf } from '../../src/auth'
import { readStaffEpoch } from '../../src/db/staff-epoch'
import { readInboxStamp } from '../../src/escalations'
import { readItemPageStamp } from '../../src/queue'
import { convertThread, fileItem } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createReply, createRotation, createTeam, createThread, createUser } from '../support/factories'

// Staff pages are kept until their stamp moves (src/web/staff-pages.ts): the staff page epoch
// (migration 0032), plus the revisions of the forum threads a page shows. The test clock stands
// still, so only the database can make a kept page stale here: every change must still show at
// once, and a kept page must never reach anyone but the person it was rendered for.

let t: TestApp
let sam: User
let kim: User
let member: User
let engineer: User
let category: Category
let itemId: number

beforeAll(async () => {
  t = await createTestApp()
  sam = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  kim = await createUser(t.db, { displayName: 'Kim Keeper', role: 'support' })
  member = await createUser(t.db, { displayName: 'Mo Member' })
  engineer = await createUser(t.db, { displayName: 'Eve Engineer', role: 'engineer' })
  const admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  await createTeam(t, 'platform', [{ user: sam, onDuty: false }, { user: kim, onDuty: false }])
  await createRotation(t, admin, 'platform', [engineer])
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  const item = await fileItem({
    ctx: t.ctx(sam),
    input: { source: 'email', title: 'Exports fail for the whole team', description: 'Every export ends with an error.', requesterEmail: '', kind: 'bug', severity: 'normal', teamSlug: 'platform' },
  })
  itemId = item.id
})
afterAll(() => t.close())

const epochNow = async () => (await readStaffEpoch(t.db)).stamp
const boardIds = (page: Awaited<ReturnType<typeof html>>) => page.querySelectorAll('table.board tbody tr').map((row) => Number(row.getAttribute('data-item')))

describe('kept staff pages', () => {
  it('show a change at once: a new item, an assignment, a note', async () => {
    const client = await t.client().signInAs(sam)
    const before = await html(await client.get('/queue'))
    expect(boardIds(before)).toEqual([itemId])
    expect(boardIds(await html(await client.get('/queue')))).toEqual([itemId])

    const second = await fileItem({
      ctx: t.ctx(kim),
      input: { source: 'chat', title: 'Invoices show the wrong currency', description: 'Totals are in dollars, not euros.', requesterEmail: '', kind: 'billing', severity: 'normal', teamSlug: 'platform' },
    })
    expect(boardIds(await html(await client.get('/queue')))).toContain(second.id)

    // Taken by Sam through the board's own form: the row says so on the very next load.
    expect((await client.post(`/queue/items/${itemId}/assign`, { assigneeId: 'me', back: 'board' })).status).toBe(303)
    const row = (await html(await client.get('/queue'))).querySelector(`tr[data-item="${itemId}"]`)!
    expect(row.text).toContain('Sam Support')

    await client.get(`/queue/items/${itemId}`)
    expect((await client.post(`/queue/items/${itemId}/notes`, { body: 'Customer sent a HAR file; looking now.' })).status).toBeLessThan(400)
    expect(await (await client.get(`/queue/items/${itemId}`)).text()).toContain('Customer sent a HAR file; looking now.')

    const htmxRegion = await client.get('/queue', { htmx: true })
    expect(await htmxRegion.text()).not.toContain('<html')
    expect(await (await client.get('/queue')).text()).toContain('<html')
  })

  it('never serves one person’s page to another, nor any page to someone who may not see it', async () => {
    const samClient = await t.client().signInAs(sam)
    const kimClient = await t.client().signInAs(kim)
    const samPage = await (await samClient.get(`/queue/items/${itemId}`)).text()
    const kimPage = await (await kimClient.get(`/queue/items/${itemId}`)).text()
    const samToken = await samClient.csrfToken()
    const kimToken = await kimClient.csrfToken()
    expect(samToken).not.toBe(kimToken)
    expect(samPage).toContain(samToken)
    expect(kimPage).toContain(kimToken)
    expect(kimPage).not.toContain(samToken)
    expect(samPage).toContain('Sam Support')
    expect(kimPage).toMatch(/Kim Keeper/)

    for (const path of ['/queue', `/queue/items/${itemId}`, '/escalations/mine', '/rotations']) {
      await samClient.get(path)
      const asMember = await (await t.client().signInAs(member)).get(path)
      expect(asMember.status, path).toBe(403)
      expect(await asMember.text()).not.toContain('Exports fail for the whole team')
      const anonymous = await t.client().get(path)
      expect(anonymous.status, path).not.toBe(200)
    }
  })
})

const REPRODUCTION = {
  customerDid: 'Opened Settings → Webhooks and pressed “Send test event” for the orders endpoint.',
  whatHappened: 'The delivery log shows HTTP 502 Bad Gateway for every attempt since 2.4.0.',
  expected: 'A 200 from their endpoint, as before the upgrade.',
  logs: 'request id 7f3a-22; webhook.deliver status=502 upstream=proxy-3',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time, since Friday',
  customersAffected: '3',
}

describe('the staff page stamp', () => {
  it('stays put through forum posts on threads without an item and a rolled-back change, and moves with a committed queue change', async () => {
    await t.drain()
    const before = await epochNow()
    const elsewhere = await createThread(t, member, category, { title: 'Dark mode for the editor, anyone?' })
    await createReply(t, member, elsewhere.id, 'Same question here, the white editor hurts at night.')
    // The queue's rules read every post (through the outbox) and leave a thread that needs no item alone.
    await t.drain()
    expect(await epochNow()).toBe(before)
    await t.db
      .transaction(async (tx) => {
        await tx.execute(sql`update queue_items set title = 'Renamed and rolled back' where id = ${itemId}`)
        throw new Error('roll back')
      })
      .catch(() => {})
    expect(await epochNow()).toBe(before)
    await fileItem({
      ctx: t.ctx(kim),
      input: { source: 'email', title: 'Password reset mail never arrives', description: 'Nothing in spam either.', requesterEmail: '', kind: 'question', severity: 'normal', teamSlug: 'platform' },
    })
    expect(Number(await epochNow())).toBeGreaterThan(Number(before))
  })

  it('shows a forum change on a thread a staff page shows at once: item page, the customer’s threads, the escalation inbox', async () => {
    const thread = await createThread(t, member, category, { title: 'Webhook test events fail with 502' })
    const item = await convertThread({ ctx: t.ctx(sam), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
    const samClient = await t.client().signInAs(sam)
    const itemPage = async () => (await samClient.get(`/queue/items/${item.id}`)).text()
    expect(await itemPage()).toContain('Webhook test events fail with 502')
    await itemPage()

    const epoch = await epochNow()
    await createReply(t, member, thread.id, 'Still failing with HTTP 502 this morning.')
    expect(await itemPage()).toContain('Still failing with HTTP 502 this morning.')
    await createThread(t, member, category, { title: 'Exported CSV has no header row' })
    expect(await itemPage()).toContain('Exported CSV has no header row')
    // Neither moved the epoch: the thread revisions in the item page's stamp did the work.
    expect(await epochNow()).toBe(epoch)

    expect((await samClient.post(`/queue/items/${item.id}/escalate`, REPRODUCTION)).status).toBe(303)
    const engineerClient = await t.client().signInAs(engineer)
    const inbox = async () => (await engineerClient.get('/escalations/mine')).text()
    expect(await inbox()).toContain('Still failing with HTTP 502 this morning.')
    await createReply(t, member, thread.id, 'Attached the delivery log from 09:58.')
    expect(await inbox()).toContain('Attached the delivery log from 09:58.')
    // Internal notes stay on staff pages; the customer's thread never shows them.
    expect((await samClient.post(`/queue/items/${item.id}/notes`, { body: 'Proxy 3 is the suspect, do not tell the customer yet.' })).status).toBeLessThan(400)
    expect(await inbox()).toContain('Proxy 3 is the suspect')
    const asCustomer = await (await t.client().signInAs(member)).get(`/t/${thread.id}/${thread.slug}`)
    expect(await asCustomer.text()).not.toContain('Proxy 3 is the suspect')
  })

  it('is read in the session’s own statement: the same stamp, and the session beside it', async () => {
    const { token } = await createSession(t.db, sam.id, t.clock.now())
    const alongside = { column: sessionColumn, params: { sessionId: sessionIdOf(token), now: t.clock.now().toISOString() } }
    for (const read of [(a?: typeof alongside) => readStaffEpoch(t.db, a), (a?: typeof alongside) => readItemPageStamp(t.db, itemId, a), (a?: typeof alongside) => readInboxStamp(t.db, a)]) {
      const alone = await read()
      const withSession = await read(alongside)
      expect(withSession.stamp).toBe(alone.stamp)
      const session = (typeof withSession.alongside === 'string' ? JSON.parse(withSession.alongside) : withSession.alongside) as { id: number; role: string }
      expect(session).toMatchObject({ id: sam.id, role: 'support' })
    }
  })

  it('sends a kept page gzipped to a client that takes gzip, and a revalidation gets 304 until the page changes', async () => {
    const client = await t.client().signInAs(sam)
    const plain = await client.get('/queue')
    const etag = plain.headers.get('etag')!
    expect(etag).toBeTruthy()
    const plainText = await plain.text()
    const zipped = await client.get('/queue', { headers: { 'accept-encoding': 'gzip' } })
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(plainText)
    expect((await client.get('/queue', { headers: { 'if-none-match': etag } })).status).toBe(304)

    const added = await fileItem({
      ctx: t.ctx(kim),
      input: { source: 'chat', title: 'Dashboard charts are blank', description: 'Since this morning.', requesterEmail: '', kind: 'bug', severity: 'normal', teamSlug: 'platform' },
    })
    const changed = await client.get('/queue', { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(boardIds(await html(changed))).toContain(added.id)
  })
})
