import { eq } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalations, queueItems, type Organisation, type QueueItem, type User } from '../../src/db/schema'
import { fileItem } from '../../src/queue'
import { addOverride, whoIsOnRotation } from '../../src/rotation'
import { callApi, makeApiToken, type ApiResponse } from '../support/api'
import { createTestApp, type TestApp } from '../support/app'
import { createOrganisation, createRotation, createTeam, createUser } from '../support/factories'

// The API's escalations, rotation shifts, organisations and people: happy paths, refusals by
// token, scope and role (401 / 403 insufficient_scope / 404), bad input, and every answer
// checked against the OpenAPI schema its route declares.

const HOUR = 3_600_000
const DAY = 24 * HOUR

let t: TestApp
let admin: User
let support: User
let ada: User
let bob: User
let member: User
let onCall: User
let offCall: User
let acme: Organisation
let globex: Organisation
let customer: User
let staffEscalations: string
let onCallToken: string
let offCallToken: string
let memberEverything: string
let staffItemsOnly: string
let staffDirectory: string
let staffRotations: string

const REPRODUCTION = {
  customer_did: 'Opened Settings → Webhooks and pressed “Send test event” for the orders endpoint.',
  what_happened: 'The delivery log shows HTTP 502 Bad Gateway for every attempt since 2.4.0.',
  expected: 'A 200 from their endpoint, as before the upgrade.',
  logs: 'request id 7f3a-22; webhook.deliver status=502 upstream=proxy-3',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time, since Friday',
  customers_affected: '3',
}

const call = (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse> =>
  callApi(t, method, path, options)

async function file(title: string, severity = 'high'): Promise<QueueItem> {
  return fileItem({
    ctx: t.ctx(support),
    input: { source: 'email', title, description: `Customer wrote in: ${title}.`, requesterEmail: customer.email, kind: 'bug', severity, teamSlug: 'platform' },
  })
}

beforeAll(async () => {
  t = await createTestApp()
  acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise', mrrCents: 990_000, isPriority: true })
  globex = await createOrganisation(t.db, { name: 'Globex', plan: 'startup', mrrCents: 4_900 })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  ada = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer' })
  bob = await createUser(t.db, { displayName: 'Bob Engineer', role: 'engineer' })
  member = await createUser(t.db, { displayName: 'Mia Member', organisationId: globex.id })
  customer = await createUser(t.db, { displayName: 'Mo Customer', email: 'mo@acme.example', organisationId: acme.id })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }])
  await createTeam(t, 'billing', [{ user: support }])
  await createRotation(t, admin, 'platform', [ada, bob])
  const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
  onCall = on!.userId === ada.id ? ada : bob
  offCall = onCall === ada ? bob : ada
  staffEscalations = await makeApiToken(t, support, ['escalations:read', 'escalations:write'])
  onCallToken = await makeApiToken(t, onCall, ['escalations:read', 'escalations:write'])
  offCallToken = await makeApiToken(t, offCall, ['escalations:write'])
  memberEverything = await makeApiToken(t, member, ['escalations:read', 'escalations:write', 'rotations:read', 'organisations:read', 'people:read'])
  staffItemsOnly = await makeApiToken(t, support, ['items:read', 'items:write'])
  staffDirectory = await makeApiToken(t, support, ['organisations:read', 'people:read'])
  staffRotations = await makeApiToken(t, support, ['rotations:read'])
})
afterAll(() => t.close())

describe('POST /items/{id}/escalations', () => {
  it('escalates with the reproduction to the engineer on rotation, once per Idempotency-Key', async () => {
    const item = await file('Webhook test events fail with 502 after the upgrade')
    const headers = { 'idempotency-key': `escalate-${item.id}` }
    const created = await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: REPRODUCTION, headers })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe(`http://localhost/api/v1/escalations/${created.body.id}`)
    expect(created.body).toMatchObject({
      state: 'open',
      item: { id: item.id, state: 'escalated', team: 'platform', severity: 'high' },
      engineer: { id: onCall.id, display_name: onCall.displayName },
      escalated_by: { id: support.id },
      reproduction: REPRODUCTION,
      breached: false,
      answer: null,
      url: `http://localhost/queue/items/${item.id}#engineering`,
    })
    // The severity's response target of the rotation (high: 8 hours).
    expect(new Date(created.body.response_due_at).getTime() - t.clock.now().getTime()).toBe(8 * HOUR)

    const retry = await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: REPRODUCTION, headers })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(retry.body).toEqual(created.body)
    expect(await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))).toHaveLength(1)

    // Without the key, a second escalation while the first waits is the page's 409.
    const again = await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: REPRODUCTION })
    expect(again.status).toBe(409)
    expect(again.body.detail).toMatch(/already escalated/)
  })

  it('answers a missing reproduction with a message per field (the page’s rules) and saves nothing', async () => {
    const item = await file('Exports time out for big workspaces')
    const bad = await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: { customer_did: 'Clicked', account: 'Acme' } })
    expect(bad.status).toBe(422)
    expect(bad.headers.get('content-type')).toBe('application/problem+json')
    expect(Object.keys(bad.body.errors).sort()).toEqual(['customer_did', 'customers_affected', 'expected', 'frequency', 'logs', 'what_happened'])
    expect(bad.body.errors.what_happened).toMatch(/What happened is required/)
    expect(bad.body.errors.customer_did).toMatch(/at least 10 characters/)
    const wrongType = await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: { ...REPRODUCTION, logs: 42 } })
    expect(wrongType.status).toBe(422)
    expect(wrongType.body.errors).toHaveProperty('logs')
    expect(await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))).toHaveLength(0)
    const [row] = await t.db.select().from(queueItems).where(eq(queueItems.id, item.id))
    expect(row!.state).toBe(item.state)
  })

  it('refuses: 401 without a token, 403 without the scope, 404 for a member and for no such item', async () => {
    const item = await file('Refused escalations from the API')
    const path = `/api/v1/items/${item.id}/escalations`
    expect((await call('POST', path, { body: REPRODUCTION })).status).toBe(401)
    const noScope = await call('POST', path, { token: staffItemsOnly, body: REPRODUCTION })
    expect(noScope.status).toBe(403)
    expect(noScope.headers.get('www-authenticate')).toBe('Bearer realm="api", error="insufficient_scope", scope="escalations:write"')
    const hidden = await call('POST', path, { token: memberEverything, body: REPRODUCTION })
    expect(hidden.status).toBe(404)
    expect((await call('POST', '/api/v1/items/999999/escalations', { token: staffEscalations, body: REPRODUCTION })).status).toBe(404)
    expect(await t.db.select().from(escalations).where(eq(escalations.itemId, item.id))).toHaveLength(0)
  })
})

describe('POST /escalations/{id}/answer', () => {
  it('takes the engineer’s answer with an outcome, through the answer verb’s rules', async () => {
    const item = await file('Webhook retries never stop for deleted endpoints')
    const created = await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: REPRODUCTION })
    const path = `/api/v1/escalations/${created.body.id}/answer`

    // Someone else's escalation: staff may see it, but not answer it.
    const notTheirs = await call('POST', path, { token: offCallToken, body: { outcome: 'fixed', release: '2.4.2' } })
    expect(notTheirs.status).toBe(403)
    expect(notTheirs.body.detail).toMatch(/not yours/)
    expect((await call('POST', path, { token: memberEverything, body: { outcome: 'fixed', release: '2.4.2' } })).status).toBe(404)
    expect((await call('POST', path, { body: { outcome: 'fixed' } })).status).toBe(401)

    const noRelease = await call('POST', path, { token: onCallToken, body: { outcome: 'fixed' } })
    expect(noRelease.status).toBe(422)
    expect(noRelease.body.errors.release).toMatch(/which release/)
    const badLink = await call('POST', path, { token: onCallToken, body: { outcome: 'fixed', tracker_url: 'not a link' } })
    expect(badLink.body.errors.tracker_url).toMatch(/https:\/\//)
    const badOutcome = await call('POST', path, { token: onCallToken, body: { outcome: 'shrug' } })
    expect(badOutcome.status).toBe(422)
    expect(badOutcome.body.errors.outcome).toMatch(/Choose an outcome/)

    const headers = { 'idempotency-key': `answer-${created.body.id}` }
    const answered = await call('POST', path, { token: onCallToken, body: { outcome: 'fixed', release: '2.4.2', answer: 'Proxy timeout raised.' }, headers })
    expect(answered.status).toBe(200)
    expect(answered.body).toMatchObject({
      state: 'answered',
      item: { id: item.id, state: 'fixed_pending_confirmation' },
      answer: { outcome: 'fixed', release: '2.4.2', text: 'Proxy timeout raised.', answered_by: { id: onCall.id }, answered_at: t.clock.now().toISOString() },
    })
    const retry = await call('POST', path, { token: onCallToken, body: { outcome: 'fixed', release: '2.4.2', answer: 'Proxy timeout raised.' }, headers })
    expect(retry.body).toEqual(answered.body)
    const twice = await call('POST', path, { token: onCallToken, body: { outcome: 'workaround', answer: 'Use the other endpoint for now, please.' } })
    expect(twice.status).toBe(409)
    expect(twice.body.detail).toMatch(/already answered/)
    expect((await call('POST', '/api/v1/escalations/999999/answer', { token: onCallToken, body: { outcome: 'fixed', release: '1' } })).status).toBe(404)
  })
})

describe('GET /escalations and /escalations/{id}', () => {
  it('lists newest first with filters, and pages without skipping or repeating while others escalate', async () => {
    const mine: number[] = []
    for (let n = 1; n <= 5; n++) {
      t.clock.advance(60_000)
      const item = await file(`Paging escalation number ${n}`)
      mine.push((await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: REPRODUCTION })).body.id)
    }
    const all = await call('GET', '/api/v1/escalations?limit=100', { token: staffEscalations })
    const everyId = all.body.data.map((row: { id: number }) => row.id)
    expect(everyId).toEqual([...everyId].sort((a: number, b: number) => b - a))

    const seen: number[] = []
    let path: string | null = '/api/v1/escalations?state=open&limit=2'
    while (path) {
      const page: ApiResponse = await call('GET', path, { token: staffEscalations })
      seen.push(...page.body.data.map((row: { id: number; state: string }) => (expect(row.state).toBe('open'), row.id)))
      // Meanwhile, another escalation: newer than every page, so it is not in a later one.
      t.clock.advance(60_000)
      const item = await file(`Escalated while paging ${seen.length}`)
      await call('POST', `/api/v1/items/${item.id}/escalations`, { token: staffEscalations, body: REPRODUCTION })
      const link = page.headers.get('link')
      expect(link === null).toBe(page.body.next_cursor === null)
      path = link ? new URL(/^<([^>]+)>/.exec(link)![1]!).pathname + new URL(/^<([^>]+)>/.exec(link)![1]!).search : null
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(all.body.data.filter((row: { state: string }) => row.state === 'open').map((row: { id: number }) => row.id))
    for (const id of mine) expect(seen).toContain(id)

    const answered = await call('GET', '/api/v1/escalations?state=answered', { token: staffEscalations })
    expect(answered.body.data.length).toBeGreaterThan(0)
    expect(answered.body.data.every((row: { answer: unknown }) => row.answer !== null)).toBe(true)
    const theirs = await call('GET', '/api/v1/escalations?engineer=mine', { token: onCallToken })
    expect(theirs.body.data.length).toBeGreaterThan(0)
    expect(theirs.body.data.every((row: { engineer: { id: number } }) => row.engineer.id === onCall.id)).toBe(true)
    expect((await call('GET', '/api/v1/escalations?team=billing', { token: staffEscalations })).body.data).toEqual([])

    const one = await call('GET', `/api/v1/escalations/${mine[0]}`, { token: staffEscalations })
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({ id: mine[0], reproduction: REPRODUCTION, state: 'open' })
    // Past the response target: breached.
    t.clock.advance(9 * HOUR)
    expect((await call('GET', `/api/v1/escalations/${mine[0]}`, { token: staffEscalations })).body.breached).toBe(true)
  })

  it('refuses: 401, 403 insufficient_scope, 404 for a member; bad filters and cursors are 422', async () => {
    expect((await call('GET', '/api/v1/escalations')).status).toBe(401)
    expect((await call('GET', '/api/v1/escalations', { token: offCallToken })).status).toBe(403)
    const hidden = await call('GET', '/api/v1/escalations', { token: memberEverything })
    expect(hidden.status).toBe(404)
    const [any] = await t.db.select({ id: escalations.id }).from(escalations).limit(1)
    expect((await call('GET', `/api/v1/escalations/${any!.id}`, { token: memberEverything })).status).toBe(404)
    expect((await call('GET', '/api/v1/escalations/999999', { token: staffEscalations })).status).toBe(404)
    expect((await call('GET', '/api/v1/escalations/abc', { token: staffEscalations })).body.errors.id).toBe('The escalation id must be a number.')
    const bad = await call('GET', '/api/v1/escalations?state=lost&engineer=someone&limit=0', { token: staffEscalations })
    expect(bad.status).toBe(422)
    expect(Object.keys(bad.body.errors).sort()).toEqual(['engineer', 'limit', 'state'])
    expect((await call('GET', '/api/v1/escalations?cursor=bm9wZQ', { token: staffEscalations })).body.errors).toEqual({ cursor: 'Invalid cursor.' })
  })
})

describe('GET /rotations/{team}/shifts', () => {
  it('lists who is on when in a range, overrides cut in', async () => {
    const from = new Date(t.clock.now().getTime() + DAY)
    const to = new Date(from.getTime() + 21 * DAY)
    // Ann covers a stretch of the second week.
    const coverStart = DateTime.fromJSDate(new Date(from.getTime() + 8 * DAY), { zone: 'Europe/Berlin' }).startOf('hour')
    const [rotation] = await t.db.query.rotations.findMany({ where: (r, { eq: is }) => is(r.teamSlug, 'platform') })
    await addOverride({
      ctx: t.ctx(admin),
      input: { rotationId: String(rotation!.id), userId: String(admin.id), startsAt: coverStart.toFormat("yyyy-MM-dd'T'HH:mm"), endsAt: coverStart.plus({ hours: 6 }).toFormat("yyyy-MM-dd'T'HH:mm"), reason: 'Conference' },
    })
    const shifts = await call('GET', `/api/v1/rotations/platform/shifts?from=${from.toISOString()}&to=${to.toISOString()}`, { token: staffRotations })
    expect(shifts.status).toBe(200)
    expect(shifts.body).toMatchObject({ team: 'platform', rotation_id: rotation!.id, timezone: 'Europe/Berlin', from: from.toISOString(), to: to.toISOString() })
    const data = shifts.body.data as { starts_at: string; ends_at: string; person: { id: number } | null; shift_id: number | null; override: { reason: string } | null }[]
    // In order, each stretch starting where the one before ended, the whole range covered.
    expect(new Date(data[0]!.starts_at).getTime()).toBeLessThanOrEqual(from.getTime())
    expect(new Date(data[data.length - 1]!.ends_at).getTime()).toBeGreaterThanOrEqual(to.getTime())
    for (let i = 1; i < data.length; i++) expect(data[i]!.starts_at).toBe(data[i - 1]!.ends_at)
    const people = new Set(data.filter((row) => row.shift_id !== null).map((row) => row.person?.id))
    expect([...people].sort()).toEqual([ada.id, bob.id].sort())
    const cover = data.filter((row) => row.override !== null)
    expect(cover).toHaveLength(1)
    expect(cover[0]).toMatchObject({ person: { id: admin.id, display_name: 'Ann Admin' }, shift_id: null, override: { reason: 'Conference' }, starts_at: coverStart.toUTC().toISO({ suppressMilliseconds: false }) })

    // Without a range: now to a week later.
    const week = await call('GET', '/api/v1/rotations/platform/shifts', { token: staffRotations })
    expect(new Date(week.body.to).getTime() - new Date(week.body.from).getTime()).toBe(7 * DAY)
  })

  it('refuses bad ranges per field, other teams, members and tokens without the scope', async () => {
    const at = t.clock.now().toISOString()
    const backwards = await call('GET', `/api/v1/rotations/platform/shifts?from=${at}&to=${at}`, { token: staffRotations })
    expect(backwards.status).toBe(422)
    expect(backwards.body.errors).toEqual({ to: 'to must be later than from.' })
    const tooLong = await call('GET', `/api/v1/rotations/platform/shifts?from=${at}&to=${new Date(t.clock.now().getTime() + 100 * DAY).toISOString()}`, { token: staffRotations })
    expect(tooLong.body.errors.to).toMatch(/at most 92 days/)
    const garbage = await call('GET', '/api/v1/rotations/platform/shifts?from=next+tuesday', { token: staffRotations })
    expect(garbage.status).toBe(422)
    expect(garbage.body.errors.from).toMatch(/ISO 8601/)
    expect((await call('GET', '/api/v1/rotations/billing/shifts', { token: staffRotations })).status).toBe(404)
    expect((await call('GET', '/api/v1/rotations/platform/shifts', { token: memberEverything })).status).toBe(404)
    expect((await call('GET', '/api/v1/rotations/platform/shifts', { token: staffDirectory })).status).toBe(403)
    expect((await call('GET', '/api/v1/rotations/platform/shifts')).status).toBe(401)
  })
})

describe('organisations and people', () => {
  it('lists and reads organisations with plan, revenue and open items, paging by cursor', async () => {
    const list = await call('GET', '/api/v1/organisations', { token: staffDirectory })
    expect(list.status).toBe(200)
    const acmeRow = list.body.data.find((row: { id: number }) => row.id === acme.id)
    expect(acmeRow).toMatchObject({ name: 'Acme Corp', plan: 'enterprise', mrr_cents: 990_000, priority: true, trial: false, member_count: 1 })
    // The items filed for Mo (Acme) and not closed.
    const open = await t.db.select({ id: queueItems.id, state: queueItems.state }).from(queueItems)
    expect(acmeRow.open_item_count).toBe(open.filter((row) => row.state !== 'resolved' && row.state !== 'wont_fix').length)
    expect((await call('GET', '/api/v1/organisations?q=glob', { token: staffDirectory })).body.data.map((row: { name: string }) => row.name)).toEqual(['Globex'])

    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: ApiResponse = await call('GET', `/api/v1/organisations?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: staffDirectory })
      seen.push(...page.body.data.map((row: { id: number }) => row.id))
      cursor = page.body.next_cursor
      if (cursor) expect(page.headers.get('link')).toContain('rel="next"')
    } while (cursor)
    expect(seen).toEqual([acme.id, globex.id])

    const one = await call('GET', `/api/v1/organisations/${globex.id}`, { token: staffDirectory })
    expect(one.body).toMatchObject({ id: globex.id, name: 'Globex', plan: 'startup', member_count: 1, open_item_count: 0 })
  })

  it('lists and reads people with role and organisation, filtered', async () => {
    const acmePeople = await call('GET', `/api/v1/people?organisation=${acme.id}`, { token: staffDirectory })
    expect(acmePeople.body.data).toEqual([
      expect.objectContaining({ id: customer.id, display_name: 'Mo Customer', email: 'mo@acme.example', role: 'member', organisation: { id: acme.id, name: 'Acme Corp', plan: 'enterprise' } }),
    ])
    const engineers = await call('GET', '/api/v1/people?role=engineer', { token: staffDirectory })
    expect(engineers.body.data.map((row: { id: number }) => row.id).sort()).toEqual([ada.id, bob.id].sort())
    expect((await call('GET', '/api/v1/people?q=acme.example', { token: staffDirectory })).body.data.map((row: { id: number }) => row.id)).toEqual([customer.id])
    const first = await call('GET', '/api/v1/people?limit=3', { token: staffDirectory })
    const second = await call('GET', `/api/v1/people?limit=3&cursor=${first.body.next_cursor}`, { token: staffDirectory })
    expect(second.body.data[0].id).toBeGreaterThan(first.body.data[2].id)
    const one = await call('GET', `/api/v1/people/${member.id}`, { token: staffDirectory })
    expect(one.body).toMatchObject({ id: member.id, role: 'member', organisation: { name: 'Globex' } })
  })

  it('does not exist for members (404), needs the scope (403) and a token (401); bad input is 422', async () => {
    for (const path of ['/api/v1/organisations', `/api/v1/organisations/${acme.id}`, '/api/v1/people', `/api/v1/people/${customer.id}`]) {
      expect((await call('GET', path)).status, path).toBe(401)
      const hidden = await call('GET', path, { token: memberEverything })
      expect(hidden.status, path).toBe(404)
      expect(JSON.stringify(hidden.body)).not.toMatch(/Acme|Mo Customer/)
      const noScope = await call('GET', path, { token: staffRotations })
      expect(noScope.status, path).toBe(403)
      expect(noScope.headers.get('www-authenticate'), path).toMatch(/error="insufficient_scope", scope="(organisations|people):read"/)
    }
    expect((await call('GET', '/api/v1/organisations/999999', { token: staffDirectory })).status).toBe(404)
    expect((await call('GET', '/api/v1/people/999999', { token: staffDirectory })).status).toBe(404)
    const bad = await call('GET', '/api/v1/people?role=boss&organisation=x', { token: staffDirectory })
    expect(bad.status).toBe(422)
    expect(Object.keys(bad.body.errors).sort()).toEqual(['organisation', 'role'])
    expect((await call('GET', '/api/v1/organisations?cursor=garbage!', { token: staffDirectory })).body.errors).toEqual({ cursor: 'Invalid cursor.' })
    expect((await call('GET', '/api/v1/people/abc', { token: staffDirectory })).body.errors.id).toBe('The person id must be a number.')
  })
})
