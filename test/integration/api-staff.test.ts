import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../../src/auth'
import { apiTokens, type ApiScope, type Category, type QueueItem, type User } from '../../src/db/schema'
import { notifyStaff } from '../../src/notify'
import { addInternalNote, convertThread, fileItem } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { newApiToken } from '../../src/queue/api-tokens'
import { apiRouteDefinitions } from '../../src/web/api'
import { createTestApp, type TestApp } from '../support/app'
import { callApi } from '../support/api'
import { createCategory, createRotation, createTeam, createThread, createUser } from '../support/factories'

// The staff resources of the JSON API: queue items, rotations, notifications.

let t: TestApp
let member: User
let support: User
let memberItems: string
let memberThreads: string
let staffRead: string
let staffNotes: string
let items: QueueItem[]
let category: Category
let engineer: User
let staffWrite: string

async function makeToken(owner: User, scopes: ApiScope[]): Promise<string> {
  const token = newApiToken()
  await t.db.insert(apiTokens).values({ name: `test ${scopes.join(' ')}`, tokenHash: hashToken(token), scopes, createdById: owner.id, createdAt: t.clock.now() })
  return token
}

const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) => callApi(t, method, path, options)

async function file(title: string, options: { severity?: string; team?: string } = {}): Promise<QueueItem> {
  return fileItem({
    ctx: t.ctx(support),
    input: { source: 'email', title, description: `Customer wrote in: ${title}.`, requesterEmail: '', kind: 'question', severity: options.severity ?? 'normal', teamSlug: options.team ?? 'platform' },
  })
}

beforeAll(async () => {
  t = await createTestApp()
  member = await createUser(t.db, { displayName: 'Mia Member' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  await createTeam(t, 'platform', [{ user: support }])
  await createTeam(t, 'billing', [{ user: support }])
  memberItems = await makeToken(member, ['items:read', 'items:write', 'notes:read', 'notes:write'])
  memberThreads = await makeToken(member, ['threads:read'])
  staffRead = await makeToken(support, ['items:read'])
  staffNotes = await makeToken(support, ['items:read', 'items:write', 'notes:read', 'notes:write'])
  engineer = await createUser(t.db, { displayName: 'Eve Engineer', role: 'engineer' })
  category = await createCategory(t.db, { name: 'Billing', slug: 'billing', team: 'platform', position: 1 })
  staffWrite = await makeToken(support, ['items:write'])
  items = []
  items.push(await file('Invoices show the wrong total', { severity: 'critical' }))
  items.push(await file('Refund has not arrived yet', { team: 'billing' }))
  for (let n = 1; n <= 52; n++) items.push(await file(`Export number ${n} times out`))
})
afterAll(() => t.close())

describe('GET /items', () => {
  it('lists the board in its order, with its filters, and pages with an opaque cursor', async () => {
    const first = await call('GET', '/api/v1/items', { token: staffRead })
    expect(first.status).toBe(200)
    expect(first.body.data).toHaveLength(50)
    expect(first.body.data[0]).toMatchObject({ id: items[0]!.id, team: 'platform', state: items[0]!.state, url: `http://localhost/queue/items/${items[0]!.id}` })
    const classes = first.body.data.map((row: { priority: string }) => Number(row.priority.slice(1)))
    expect(classes).toEqual([...classes].sort((a, b) => a - b))
    expect(first.body.next_cursor).toEqual(expect.any(String))
    expect(first.headers.get('link')).toContain('rel="next"')

    // Filed meanwhile: keyset paging neither repeats nor skips what was already there.
    await file('A late arrival from the chat')
    const second = await call('GET', `/api/v1/items?cursor=${first.body.next_cursor}`, { token: staffRead })
    const seen = [...first.body.data, ...second.body.data].map((row: { id: number }) => row.id)
    expect(new Set(seen).size).toBe(seen.length)
    for (const item of items) expect(seen).toContain(item.id)

    const billing = await call('GET', '/api/v1/items?team=billing', { token: staffRead })
    expect(billing.body.data.map((row: { id: number }) => row.id)).toEqual([items[1]!.id])
    expect(billing.body.next_cursor).toBeNull()
    const closed = await call('GET', '/api/v1/items?state=closed&assignee=unassigned&risk=breached', { token: staffRead })
    expect(closed.body.data).toEqual([])
    const byClass = await call('GET', `/api/v1/items?priority=${first.body.data[0].priority}&team=platform`, { token: staffRead })
    expect(byClass.body.data.every((row: { priority: string }) => row.priority === first.body.data[0].priority)).toBe(true)
  })

  it('answers 401 without a token, 403 without the scope, and refuses a member', async () => {
    expect((await call('GET', '/api/v1/items')).status).toBe(401)
    const noScope = await call('GET', '/api/v1/items', { token: memberThreads })
    expect(noScope.status).toBe(403)
    expect(noScope.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="items:read"')
    const refused = await call('GET', '/api/v1/items', { token: memberItems })
    expect(refused.status).toBe(403)
  })

  it('answers bad filters and cursors with problem+json per field', async () => {
    const bad = await call('GET', '/api/v1/items?state=lost&priority=P9', { token: staffRead })
    expect(bad.status).toBe(422)
    expect(Object.keys(bad.body.errors).sort()).toEqual(['priority', 'state'])
    const cursor = await call('GET', '/api/v1/items?cursor=bm90LWEtY3Vyc29y', { token: staffRead })
    expect(cursor.status).toBe(422)
    expect(cursor.body.errors).toEqual({ cursor: 'Invalid cursor.' })
  })
})

describe('GET /items/{id}', () => {
  it('reads an item with its timeline and priority why; internal notes only with notes:read', async () => {
    const item = items[0]!
    await addInternalNote({ ctx: t.ctx(support), input: { itemId: String(item.id), body: 'Customer is on the enterprise plan; call them.' } })
    const read = await call('GET', `/api/v1/items/${item.id}`, { token: staffRead })
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({ id: item.id, title: 'Invoices show the wrong total', team: 'platform', severity: 'critical' })
    expect(read.body.timeline.length).toBeGreaterThan(0)
    expect(read.body.priority.class).toMatch(/^P[0-4]$/)
    expect(read.body.priority.why?.class_reason).toEqual(expect.any(String))
    expect(read.body.internal_notes).toBeUndefined()
    expect(JSON.stringify(read.body)).not.toContain('enterprise plan; call them')

    const withNotes = await call('GET', `/api/v1/items/${item.id}`, { token: staffNotes })
    expect(withNotes.body.internal_notes).toHaveLength(1)
    expect(withNotes.body.internal_notes[0]).toMatchObject({ author_name: 'Sam Support', on_thread: false })
    expect(withNotes.body.internal_notes[0].body_html).toContain('enterprise plan')
  })

  it('answers 401 without a token, 404 for a member (and for no such item), 422 for a bad id', async () => {
    const id = items[0]!.id
    expect((await call('GET', `/api/v1/items/${id}`)).status).toBe(401)
    const hidden = await call('GET', `/api/v1/items/${id}`, { token: memberItems })
    expect(hidden.status).toBe(404)
    expect(JSON.stringify(hidden.body)).not.toContain('Invoices')
    expect((await call('GET', '/api/v1/items/999999', { token: staffRead })).status).toBe(404)
    const bad = await call('GET', '/api/v1/items/abc', { token: staffRead })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.id).toBe('The item id must be a number.')
  })
})

describe('changing items', () => {
  it('moves an item along its transitions through the queue, and refuses a move it does not allow', async () => {
    const item = await file('Changing state from the API')
    const moved = await call('POST', `/api/v1/items/${item.id}/state`, { token: staffWrite, body: { state: 'in_progress', note: 'Looking at it' } })
    expect(moved.status).toBe(200)
    expect(moved.body.state).toBe('in_progress')
    expect(moved.body.next_states).toContain('waiting_on_customer')
    const refused = await call('POST', `/api/v1/items/${item.id}/state`, { token: staffWrite, body: { state: 'new' } })
    expect(refused.status).toBe(409)
    const again = await call('POST', `/api/v1/items/${item.id}/state`, { token: staffWrite, body: { state: 'in_progress' } })
    expect(again.status).toBe(409)
    const unknown = await call('POST', `/api/v1/items/${item.id}/state`, { token: staffWrite, body: { state: 'lost' } })
    expect(unknown.status).toBe(422)
    expect(unknown.body.errors.state).toEqual(expect.any(String))
    expect((await call('POST', `/api/v1/items/${item.id}/state`, { token: staffWrite, body: { note: 'no state' } })).body.errors.state).toEqual(expect.any(String))
    const read = await call('GET', `/api/v1/items/${item.id}`, { token: staffRead })
    expect(read.body.timeline.map((entry: { kind: string }) => entry.kind)).toContain('state_changed')
  })

  it('assigns to a staff member, to me, and to nobody; refuses a member as assignee', async () => {
    const item = await file('Assigning from the API')
    const toEve = await call('POST', `/api/v1/items/${item.id}/assign`, { token: staffWrite, body: { assignee_id: engineer.id } })
    expect(toEve.status).toBe(200)
    expect(toEve.body.assignee).toEqual({ id: engineer.id, display_name: 'Eve Engineer' })
    expect((await call('POST', `/api/v1/items/${item.id}/assign`, { token: staffWrite, body: { assignee_id: 'me' } })).body.assignee.id).toBe(support.id)
    expect((await call('POST', `/api/v1/items/${item.id}/assign`, { token: staffWrite, body: { assignee_id: null } })).body.assignee).toBeNull()
    const notStaff = await call('POST', `/api/v1/items/${item.id}/assign`, { token: staffWrite, body: { assignee_id: member.id } })
    expect(notStaff.status).toBe(422)
    expect(notStaff.body.errors.assignee_id).toMatch(/not support staff/)
    const bad = await call('POST', `/api/v1/items/${item.id}/assign`, { token: staffWrite, body: { assignee_id: 'someone' } })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.assignee_id).toEqual(expect.any(String))
  })

  it('adds internal notes with notes:write only, idempotently', async () => {
    const item = await file('Noting from the API')
    expect((await call('POST', `/api/v1/items/${item.id}/notes`, { token: staffWrite, body: { body: 'A note' } })).status).toBe(403)
    const headers = { 'idempotency-key': `note-${item.id}` }
    const send = () =>
      t.app.request(`/api/v1/items/${item.id}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staffNotes}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ body: 'Called the customer; they will send logs.' }),
      })
    const created = await call('POST', `/api/v1/items/${item.id}/notes`, { token: staffNotes, body: { body: 'Called the customer; they will send logs.' } })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ item_id: item.id })
    const first = (await (await send()).json()) as { id: number }
    const retry = await send()
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(((await retry.json()) as { id: number }).id).toBe(first.id)
    const read = await call('GET', `/api/v1/items/${item.id}`, { token: staffNotes })
    expect(read.body.internal_notes).toHaveLength(2)
    const short = await call('POST', `/api/v1/items/${item.id}/notes`, { token: staffNotes, body: { body: 'x' } })
    expect(short.status).toBe(422)
    expect(short.body.errors.body).toEqual(expect.any(String))
  })

  it('replies on the item’s thread and moves it on', async () => {
    const thread = await createThread(t, member, category)
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: String(thread.id), kind: 'question', severity: 'normal' } })
    const reply = await call('POST', `/api/v1/items/${item.id}/replies`, { token: staffWrite, body: { body: 'Settings → Widgets has the option you need.', then: 'waiting_on_customer' } })
    expect(reply.status).toBe(201)
    expect(reply.body).toMatchObject({ thread_id: thread.id, state: 'waiting_on_customer' })
    expect(reply.body.url).toBe(`http://localhost/t/${thread.id}/${thread.slug}#reply-${reply.body.reply_id}`)
    const noThread = await call('POST', `/api/v1/items/${items[0]!.id}/replies`, { token: staffWrite, body: { body: 'This item has no thread at all.' } })
    expect(noThread.status).toBe(409)
    const bad = await call('POST', `/api/v1/items/${item.id}/replies`, { token: staffWrite, body: { body: 'Fine thanks, but', then: 'later' } })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.then).toEqual(expect.any(String))
  })

  it('triages with PATCH, keeping what is left out', async () => {
    const item = await file('Triaging from the API')
    const patched = await call('PATCH', `/api/v1/items/${item.id}`, { token: staffWrite, body: { kind: 'bug', tier: 3 } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ kind: 'bug', tier: 3, severity: 'normal', team: 'platform' })
    const moved = await call('PATCH', `/api/v1/items/${item.id}`, { token: staffWrite, body: { team: 'billing', severity: 'high' } })
    expect(moved.body).toMatchObject({ kind: 'bug', tier: 3, severity: 'high', team: 'billing' })
    const bad = await call('PATCH', `/api/v1/items/${item.id}`, { token: staffWrite, body: { team: 'nowhere', tier: 7 } })
    expect(bad.status).toBe(422)
    expect(Object.keys(bad.body.errors)).toContain('tier')
    const unknownTeam = await call('PATCH', `/api/v1/items/${item.id}`, { token: staffWrite, body: { team: 'nowhere' } })
    expect(unknownTeam.body.errors).toEqual({ team: 'There is no team “nowhere”.' })
    const wrongType = await call('PATCH', `/api/v1/items/${item.id}`, { token: staffWrite, body: { tier: 'two' } })
    expect(wrongType.status).toBe(422)
  })

  it('answers 401 without a token and 404 for a member, on every change', async () => {
    const item = await file('Refusing changes from the API')
    const changes: [string, string, unknown][] = [
      ['POST', `/api/v1/items/${item.id}/state`, { state: 'in_progress' }],
      ['POST', `/api/v1/items/${item.id}/assign`, { assignee_id: 'me' }],
      ['POST', `/api/v1/items/${item.id}/notes`, { body: 'Members cannot write notes.' }],
      ['POST', `/api/v1/items/${item.id}/replies`, { body: 'Members cannot reply from the queue.' }],
      ['PATCH', `/api/v1/items/${item.id}`, { kind: 'bug' }],
    ]
    for (const [method, path, body] of changes) {
      expect((await call(method, path, { body })).status, `${method} ${path}`).toBe(401)
      expect((await call(method, path, { token: memberItems, body })).status, `${method} ${path}`).toBe(404)
    }
    const read = await call('GET', `/api/v1/items/${item.id}`, { token: staffNotes })
    expect(read.body).toMatchObject({ state: 'new', kind: 'question', assignee: null, internal_notes: [] })
  })
})

describe('GET /rotations/{team}/on-now', () => {
  it('says who is on now, until when, and who is next', async () => {
    const admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
    const other = await createUser(t.db, { displayName: 'Olu Engineer', role: 'engineer' })
    await createRotation(t, admin, 'platform', [engineer, other])
    const expected = (await whoIsOnRotation(t.db, 'platform', t.clock.now()))!
    const token = await makeToken(support, ['rotations:read'])
    const on = await call('GET', '/api/v1/rotations/platform/on-now', { token })
    expect(on.status).toBe(200)
    expect(on.body).toMatchObject({ team: 'platform', rotation_id: expected.rotationId, on_now: { id: expected.userId, display_name: expected.displayName }, override: false })
    expect(on.body.until).toBe(expected.until!.toISOString())
    expect(on.body.next.id).toBe(expected.userId === engineer.id ? other.id : engineer.id)

    expect((await call('GET', '/api/v1/rotations/billing/on-now', { token })).status).toBe(404)
    expect((await call('GET', '/api/v1/rotations/platform/on-now')).status).toBe(401)
    expect((await call('GET', '/api/v1/rotations/platform/on-now', { token: staffNotes })).status).toBe(403)
    const memberToken = await makeToken(member, ['rotations:read'])
    const hidden = await call('GET', '/api/v1/rotations/platform/on-now', { token: memberToken })
    expect(hidden.status).toBe(404)
    const bad = await call('GET', '/api/v1/rotations/Not%20a%20Team/on-now', { token })
    expect(bad.status).toBe(422)
    expect(bad.body.errors.team).toMatch(/slug/)
  })
})

describe('GET /notifications', () => {
  it('lists the token owner’s notices only, newest first', async () => {
    const item = await file('Notified from the API')
    // Later than the notices filing made (the test clock stands still otherwise).
    await notifyStaff(t.db, [support.id], 'assigned', item.id, 'Ann assigned “Notified from the API” to you.', new Date(t.clock.now().getTime() + 60_000))
    const token = await makeToken(support, ['notifications:read'])
    const list = await call('GET', '/api/v1/notifications', { token })
    expect(list.status).toBe(200)
    expect(list.body.data.length).toBeGreaterThan(1)
    expect(list.body.data[0]).toMatchObject({ kind: 'assigned', item_id: item.id, read: false, message: 'Ann assigned “Notified from the API” to you.', url: `http://localhost/queue/items/${item.id}` })

    const mine = await call('GET', '/api/v1/notifications', { token: await makeToken(member, ['notifications:read']) })
    expect(mine.status).toBe(200)
    expect(mine.body.data.every((notice: { item_id: number | null }) => notice.item_id !== item.id)).toBe(true)
  })

  it('answers 401 without a token and 403 for a token without the scope', async () => {
    expect((await call('GET', '/api/v1/notifications')).status).toBe(401)
    const refused = await call('GET', '/api/v1/notifications', { token: memberItems })
    expect(refused.status).toBe(403)
    expect(refused.body.detail).toMatch(/notifications:read/)
  })
})
