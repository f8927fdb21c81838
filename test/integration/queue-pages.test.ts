import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiTokens, queueItemEvents, queueItems, type Category, type Organisation, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCalendar, createCategory, createOrganisation, createPolicy, createReply, createTeam, createThread, createUser } from '../support/factories'

let t: TestApp
let category: Category
let acme: Organisation
let globex: Organisation
let customer: User
let otherOrgMember: User
let support: User
let engineer: User
let admin: User
let itemId: number
let threadRef: { id: number; slug: string }

const NOTE = 'Internal: customer is on the legacy cluster zanzibar-secret-42, do not mention it publicly'

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  acme = await createOrganisation(t.db, { name: 'Acme', plan: 'enterprise', mrrCents: 500_000 })
  globex = await createOrganisation(t.db, { name: 'Globex', plan: 'paid' })
  customer = await createUser(t.db, { displayName: 'Ada Customer', organisationId: acme.id })
  otherOrgMember = await createUser(t.db, { displayName: 'Gil Globex', organisationId: globex.id })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  engineer = await createUser(t.db, { displayName: 'Eve Engineer', role: 'engineer' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  await createTeam(t, 'platform', [{ user: support }])
  const office = await createCalendar(t.db)
  await createPolicy(t.db, { name: 'Enterprise', position: 1, matchPlan: 'enterprise', first: 120, calendarId: office.id })
  await t.db.insert((await import('../../src/db/schema')).macros).values({
    title: 'Known issue',
    body: 'Hi {{customer.name}}, thanks for reporting “{{thread.title}}”. — {{agent.name}}',
    createdAt: t.clock.now(),
    updatedAt: t.clock.now(),
  })
  threadRef = await createThread(t, customer, category, { title: 'Webhook delivery fails with 502 errors', body: 'Every webhook fails: HTTP 502 Bad Gateway since upgrading to 2.4.1. It used to work.' })
  await t.drain()
  const [item] = await t.db.select().from(queueItems).where(eq(queueItems.threadId, threadRef.id))
  itemId = item!.id
})
afterAll(() => t.close())

describe('who may see the queue', () => {
  const staffPaths = () => ['/queue', `/queue/items/${itemId}`, '/queue/items/new', '/queue/macros', '/queue/settings/sla', '/queue/settings/teams', '/queue/tokens']

  it('refuses anonymous visitors (to sign in), members, and members of other organisations', async () => {
    for (const path of staffPaths()) {
      const anonymous = await t.client().get(path)
      expect(anonymous.status, path).toBe(302)
      expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/)
      for (const person of [customer, otherOrgMember]) {
        const response = await (await t.client().signInAs(person)).get(path)
        expect(response.status, `${path} as ${person.displayName}`).toBe(403)
      }
    }
  })

  it('refuses their writes too, and nothing changes', async () => {
    const before = await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))
    for (const person of [customer, otherOrgMember]) {
      const client = await t.client().signInAs(person)
      expect((await client.post(`/queue/items/${itemId}/state`, { state: 'resolved' })).status).toBe(403)
      expect((await client.post(`/queue/items/${itemId}/assign`, { assigneeId: 'me' })).status).toBe(403)
      expect((await client.post(`/queue/items/${itemId}/notes`, { body: 'sneaky note from a customer' })).status).toBe(403)
      expect((await client.post(`/queue/items/${itemId}/reply`, { body: 'I am not staff but I try anyway' })).status).toBe(403)
      expect((await client.post('/queue/items/new', { source: 'email', title: 'Fake item', description: 'Trying to file an item', kind: 'question', severity: 'normal', teamSlug: 'platform' })).status).toBe(403)
      expect((await client.post(`/queue/threads/${threadRef.id}/convert`, { kind: 'bug' })).status).toBe(403)
    }
    const anonymous = await t.client().post(`/queue/items/${itemId}/state`, { state: 'resolved' })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    expect(await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))).toEqual(before)
  })

  it('lets support, engineers and admins in', async () => {
    for (const person of [support, engineer, admin]) {
      const response = await (await t.client().signInAs(person)).get('/queue')
      expect(response.status).toBe(200)
    }
  })
})

describe('the board', () => {
  it('lists open items by class and score with live counts, filters, and the item’s class reason', async () => {
    const client = await t.client().signInAs(support)
    const page = await html(await client.get('/queue'))
    const row = page.querySelector(`tr[data-item="${itemId}"]`)!
    expect(row.querySelector('.item-link')?.text).toBe('Webhook delivery fails with 502 errors')
    expect(row.querySelector('.class-badge')?.text).toBe('P3')
    expect(row.querySelector('.class-badge')?.getAttribute('title')).toBe('paying customer (enterprise plan)')
    expect(row.text).toContain('Acme')
    expect(page.querySelector('#board')?.getAttribute('hx-trigger')).toBe('every 20s')
    expect(page.querySelector('.count-chips')?.text).toMatch(/1\s*open/)
    const fragment = await html(await client.get('/queue?assignee=unassigned', { htmx: true }))
    expect(fragment.querySelector('html')).toBeNull()
    expect(fragment.querySelector('#board')).not.toBeNull()
    const filtered = await html(await client.get('/queue?team=nosuchteam'))
    expect(filtered.querySelector('.empty')?.text).toMatch(/Nothing here/)
  })

  it('lets staff take an item from the board and go on and off duty', async () => {
    const client = await t.client().signInAs(engineer)
    expect((await client.post(`/queue/items/${itemId}/assign`, { assigneeId: 'me', back: 'board' })).headers.get('location')).toBe('/queue')
    const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))
    expect(item!.assigneeId).toBe(engineer.id)
    expect((await client.post('/queue/duty', { onDuty: '1' })).status).toBe(303)
    expect((await html(await client.get('/queue'))).querySelector('.duty')?.text).toBe('You are on duty')
  })
})

describe('the item page', () => {
  it('shows the thread, the customer context, the SLA, the why, and the timeline', async () => {
    const client = await t.client().signInAs(support)
    const page = await html(await client.get(`/queue/items/${itemId}`))
    expect(page.querySelector('h1')?.text).toBe('Webhook delivery fails with 502 errors')
    expect(page.querySelector('.why h2')?.text).toMatch(/Why P3: paying customer \(enterprise plan\)/)
    expect(page.querySelector('.conversation .message.customer')?.text).toContain('HTTP 502 Bad Gateway')
    expect(page.querySelector('.customer-card')?.text).toMatch(/Acme[\s\S]*enterprise[\s\S]*\$5,000/)
    expect(page.querySelector('.sla-table')?.text).toMatch(/First response\s*due/)
    expect(texts(page, '.timeline li')[0]).toMatch(/Created by the bug signal rule from forum/)
    expect(page.querySelector('.signals')?.text).toMatch(/HTTP 5xx/)
  })

  it('fills a canned reply with the item’s details, with and without JavaScript', async () => {
    const client = await t.client().signInAs(support)
    const macro = (await html(await client.get(`/queue/items/${itemId}`))).querySelector('#macro-select option[value]:not([value=""])')!.getAttribute('value')
    const expected = 'Hi Ada Customer, thanks for reporting “Webhook delivery fails with 502 errors”. — Sam Support'
    const fragment = await html(await client.get(`/queue/items/${itemId}/macro?macro=${macro}`, { htmx: true }))
    expect(fragment.querySelector('#reply-box textarea')?.text).toBe(expected)
    const page = await html(await client.get(`/queue/items/${itemId}?macro=${macro}`))
    expect(page.querySelector('#reply-body')?.text).toBe(expected)
  })

  it('replies publicly as staff, meets the first-response target, and waits for the customer', async () => {
    const client = await t.client().signInAs(support)
    const response = await client.post(`/queue/items/${itemId}/reply`, { body: 'We found it: the proxy timeout dropped to 30 s in 2.4.1.', then: 'waiting_on_customer' })
    expect(response.status).toBe(303)
    const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))
    expect(item).toMatchObject({ state: 'waiting_on_customer' })
    expect(item!.firstResponseAt).not.toBeNull()
    const thread = await html(await t.client().get(`/t/${threadRef.id}/${threadRef.slug}`))
    expect(texts(thread, '.reply .prose')).toContain('We found it: the proxy timeout dropped to 30 s in 2.4.1.')
    expect(thread.querySelector('.support-status strong')?.text).toBe('waiting for the asker')
    const asAsker = await html(await (await t.client().signInAs(customer)).get(`/t/${threadRef.id}/${threadRef.slug}`))
    expect(asAsker.querySelector('.support-status strong')?.text).toBe('waiting for you')
    expect(asAsker.querySelector('.expectation')?.text).toBe('We usually answer within 2 business hours.')
  })

  it('refuses bad input with a message and changes nothing', async () => {
    const client = await t.client().signInAs(support)
    const before = await t.db.select().from(queueItemEvents).where(eq(queueItemEvents.itemId, itemId))
    const badState = await client.post(`/queue/items/${itemId}/state`, { state: 'fixed_pending_confirmation' })
    expect(badState.status).toBe(409)
    expect((await html(badState)).querySelector('#state-select-error, .form-message')?.text).toMatch(/cannot become/)
    const unknownState = await client.post(`/queue/items/${itemId}/state`, { state: 'exploded' })
    expect(unknownState.status).toBe(422)
    const notStaff = await client.post(`/queue/items/${itemId}/assign`, { assigneeId: String(customer.id) })
    expect(notStaff.status).toBe(422)
    expect((await html(notStaff)).querySelector('#assign-select-error')?.text).toMatch(/Ada Customer is not support staff/)
    const emptyNote = await client.post(`/queue/items/${itemId}/notes`, { body: '   ' })
    expect(emptyNote.status).toBe(422)
    expect((await client.get('/queue/items/999999')).status).toBe(404)
    expect((await client.post('/queue/items/999999/state', { state: 'resolved' })).status).toBe(404)
    expect((await client.get('/queue/items/abc')).status).toBe(404)
    expect(await t.db.select().from(queueItemEvents).where(eq(queueItemEvents.itemId, itemId))).toEqual(before)
  })
})

describe('internal notes never reach customers', () => {
  it('stay out of pages, feeds, search, sitemap and the API for everyone but staff', async () => {
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/queue/items/${itemId}/notes`, { body: NOTE })).status).toBe(303)
    expect((await staff.post(`/queue/threads/${threadRef.id}/notes`, { body: `${NOTE} (thread)` })).status).toBe(303)
    await t.drain()
    const staffThread = await staff.get(`/t/${threadRef.id}/${threadRef.slug}`)
    expect(await staffThread.text()).toContain('zanzibar-secret-42')
    const surfaces = [
      `/t/${threadRef.id}/${threadRef.slug}`,
      '/',
      '/c/integrations',
      '/feed.atom',
      '/c/integrations/feed.atom',
      '/sitemaps/threads-1.xml',
      '/search?q=zanzibar',
      '/search?q=webhook',
      '/api/v1/similar?title=webhook+502&body=zanzibar',
      `/u/${customer.id}`,
    ]
    for (const viewer of [t.client(), await t.client().signInAs(customer), await t.client().signInAs(otherOrgMember)]) {
      for (const path of surfaces) {
        const body = await (await viewer.get(path)).text()
        expect(body, path).not.toContain('legacy cluster')
        expect(body, path).not.toContain('secret-42')
      }
      expect((await html(await viewer.get('/search?q=zanzibar'))).querySelector('.result-count')?.text).toMatch(/No results/)
    }
  })
})

describe('filing items and the API', () => {
  it('files an item from an email with the customer and organisation attached', async () => {
    const client = await t.client().signInAs(support)
    const response = await client.post('/queue/items/new', {
      source: 'email',
      title: 'Invoice in the wrong currency',
      description: 'Forwarded email: our invoice shows USD instead of EUR.',
      requesterEmail: customer.email,
      organisationId: '',
      kind: 'billing',
      severity: 'normal',
      teamSlug: 'platform',
    })
    expect(response.status).toBe(303)
    const id = Number(response.headers.get('location')!.split('/').at(-1))
    const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, id))
    expect(item).toMatchObject({ source: 'email', requesterId: customer.id, organisationId: acme.id, kind: 'billing', threadId: null })
    const bad = await client.post('/queue/items/new', { source: 'fax', title: 'x', description: '', requesterEmail: 'nobody@nowhere.test', kind: 'nope', severity: 'normal', teamSlug: 'ghosts' })
    expect(bad.status).toBe(422)
    const page = await html(bad)
    expect(page.querySelector('#field-title-error')?.text).toMatch(/at least 5/)
    expect(page.querySelector('#field-source-error')?.text).toMatch(/email, chat, call or other/)
  })

  it('accepts POST /api/v1/items with a scoped staff token, and refuses missing, wrong-scope and revoked tokens', async () => {
    const client = await t.client().signInAs(support)
    const created = await client.post('/queue/tokens', { name: 'Email bridge', scopes: 'items:write' })
    expect(created.status).toBe(201)
    const token = (await html(created)).querySelector('code.token')!.text
    expect(token).toMatch(/^wire_[a-z2-7]{32}$/)
    const [stored] = await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'Email bridge'))
    expect(stored!.tokenHash).not.toContain(token)

    const post = (authorization: string | null, body: unknown) =>
      t.app.request('/api/v1/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
    const good = await post(`Bearer ${token}`, { title: 'Chat: export stuck at 99%', description: 'From the chat widget: export never finishes.', team: 'platform', kind: 'bug', requester_email: customer.email })
    expect(good.status).toBe(201)
    const json = (await good.json()) as { id: number; priority: string; url: string }
    expect(json.priority).toBe('P3')
    expect(json.url).toBe(`http://localhost/queue/items/${json.id}`)
    expect((await post(null, {})).status).toBe(401)
    expect((await post('Bearer wire_notarealtokennotarealtokennotare', {})).status).toBe(401)
    const invalid = await post(`Bearer ${token}`, { title: 'x', team: 'platform' })
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { error: { fields: Record<string, string> } }).error.fields.title).toMatch(/at least 5/)
    expect((await post(`Bearer ${token}`, 'not json')).status).toBe(400)

    const readOnly = await client.post('/queue/tokens', { name: 'Reader', scopes: 'items:read' })
    const readToken = (await html(readOnly)).querySelector('code.token')!.text
    expect((await post(`Bearer ${readToken}`, { title: 'Should not be filed', description: 'Wrong scope token.', team: 'platform' })).status).toBe(403)

    await client.post(`/queue/tokens/${stored!.id}/revoke`)
    expect((await post(`Bearer ${token}`, { title: 'After revocation', description: 'This must be refused.', team: 'platform' })).status).toBe(401)
  })
})

describe('duplicates', () => {
  it('merges a duplicate into the kept thread’s item: its asker becomes an affected customer and its page points there', async () => {
    const asker = await createUser(t.db, { displayName: 'Dup Asker' })
    const duplicate = await createThread(t, asker, category, { title: 'Webhooks all fail with Bad Gateway', body: 'Our webhooks fail with 502 Bad Gateway after the 2.4.1 update, it used to work.' })
    await t.drain()
    const staff = await t.client().signInAs(support)
    expect((await staff.post(`/queue/threads/${duplicate.id}/duplicate`, { duplicateOfId: `http://localhost/t/${threadRef.id}/${threadRef.slug}` })).status).toBe(303)
    await t.drain()
    const [kept] = await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))
    expect(kept!.affectedCustomers).toBe(2)
    const [closed] = await t.db.select().from(queueItems).where(eq(queueItems.threadId, duplicate.id))
    expect(closed?.state).toBe('resolved')
    const page = await html(await t.client().get(`/t/${duplicate.id}/${duplicate.slug}`))
    expect(page.querySelector('.duplicate-notice a')?.getAttribute('href')).toBe(`/t/${threadRef.id}/${threadRef.slug}`)
    const self = await staff.post(`/queue/threads/${threadRef.id}/duplicate`, { duplicateOfId: String(threadRef.id) })
    expect(self.status).toBe(422)
  })
})

void createReply
