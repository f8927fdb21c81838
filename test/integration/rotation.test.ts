import { and, asc, eq, gte, lt } from 'drizzle-orm'
import ICAL from 'ical.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  personFeeds,
  rotationOverrides,
  rotations,
  rotationShifts,
  rotationSkips,
  shiftSwaps,
  unavailability,
  type Rotation,
  type RotationShift,
  type User,
} from '../../src/db/schema'
import { addOverride, addUnavailability, answerSwap, replanNow, requestSwap, saveRotation, skipShift, swapShifts, whoIsOnRotation } from '../../src/rotation'
import { createTestApp, TEST_START, type TestApp } from '../support/app'
import { html, texts, type TestClient } from '../support/client'
import { createTeam, createUser } from '../support/factories'

// The engineering rotation end to end on a real database: planning, the one "who is on"
// query, fair changes (skips, swaps, overrides, time away), the pages and the iCalendar feeds.
// The clock stands at Monday 2 March 2026, 10:00 UTC (11:00 in Berlin) unless a test moves it.

let t: TestApp
let admin: User
let member: User
let support: User

beforeAll(async () => {
  t = await createTestApp()
  admin = await createUser(t.db, { role: 'admin', displayName: 'Ann Admin' })
  member = await createUser(t.db, { displayName: 'Mo Member' })
  support = await createUser(t.db, { role: 'support', displayName: 'Sue Support' })
})
afterAll(() => t.close())
afterEach(() => t.clock.set(TEST_START))

const iso = (at: Date | null | undefined) => at?.toISOString() ?? null

async function engineers<Names extends string[]>(...names: Names): Promise<{ [K in keyof Names]: User }> {
  const people: User[] = []
  for (const name of names) people.push(await createUser(t.db, { role: 'engineer', displayName: name }))
  return people as { [K in keyof Names]: User }
}

function rotationInput(teamSlug: string, members: User[], extra: Record<string, unknown> = {}) {
  return {
    teamSlug,
    name: `${teamSlug} rotation`,
    memberIds: members.map((person) => String(person.id)),
    shiftDays: '7',
    handoff: '09:00',
    timezone: 'Europe/Berlin',
    workingDaysOnly: '0',
    responseLow: '48',
    responseNormal: '24',
    responseHigh: '8',
    responseCritical: '2',
    ...extra,
  }
}

async function setUpRotation(teamSlug: string, members: User[], extra: Record<string, unknown> = {}): Promise<Rotation> {
  await createTeam(t, teamSlug, [])
  return saveRotation({ ctx: t.ctx(admin), input: rotationInput(teamSlug, members, extra) })
}

const shiftsOf = (rotationId: number) => t.db.select().from(rotationShifts).where(eq(rotationShifts.rotationId, rotationId)).orderBy(asc(rotationShifts.startsAt))

async function shiftAt(rotationId: number, startsAt: string): Promise<RotationShift> {
  const [shift] = await t.db
    .select()
    .from(rotationShifts)
    .where(and(eq(rotationShifts.rotationId, rotationId), eq(rotationShifts.startsAt, new Date(startsAt))))
  if (!shift) throw new Error(`no shift starts at ${startsAt}`)
  return shift
}

/** Posts a form with repeated fields (the rotation form's ordered engineers), as a browser would. */
async function postFields(client: TestClient, path: string, fields: [string, string][]): Promise<Response> {
  const body = new URLSearchParams(fields)
  body.set('_csrf', await client.csrfToken())
  return client.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
}

function formFields(input: ReturnType<typeof rotationInput>): [string, string][] {
  const { memberIds, ...rest } = input
  return [...Object.entries(rest).map(([key, value]) => [key, String(value)] as [string, string]), ...memberIds.map((id) => ['memberIds', id] as [string, string])]
}

function parseCalendar(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text))
  return calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent)
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      tzid: event.startDate.zone?.tzid,
      stamp: vevent.getFirstPropertyValue('dtstamp') as InstanceType<typeof ICAL.Time>,
    }
  })
}

describe('planning and who is on rotation', () => {
  let ada: User, bob: User, cy: User
  let rotationId: number

  beforeAll(async () => {
    ;[ada, bob, cy] = await engineers('Ada Lovelace', 'Bob Babbage', 'Cy Hopper')
    await createTeam(t, 'payments', [])
  })

  it('creates a rotation from the admin form and plans shifts at least a quarter ahead', async () => {
    const client = await t.client().signInAs(admin)
    const response = await postFields(client, '/rotations/new', formFields({ ...rotationInput('payments', [ada!, bob!, cy!]), name: 'Payments engineering' }))
    expect(response.status).toBe(303)
    rotationId = Number(response.headers.get('location')!.split('/').pop())
    const [rotation] = await t.db.select().from(rotations).where(eq(rotations.id, rotationId))
    expect(rotation).toMatchObject({ teamSlug: 'payments', name: 'Payments engineering', shiftDays: 7, handoffMinutes: 540, timezone: 'Europe/Berlin' })
    const shifts = await shiftsOf(rotationId)
    // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC from 29 March.
    expect(shifts.slice(0, 6).map((shift) => [iso(shift.startsAt), shift.userId])).toEqual([
      ['2026-03-02T08:00:00.000Z', ada!.id],
      ['2026-03-09T08:00:00.000Z', bob!.id],
      ['2026-03-16T08:00:00.000Z', cy!.id],
      ['2026-03-23T08:00:00.000Z', ada!.id],
      ['2026-03-30T07:00:00.000Z', bob!.id],
      ['2026-04-06T07:00:00.000Z', cy!.id],
    ])
    const quarterAhead = new Date(t.clock.now().getTime() + 92 * 24 * 3_600_000)
    expect(shifts.at(-1)!.endsAt.getTime()).toBeGreaterThanOrEqual(quarterAhead.getTime())
    // Shifts follow on from each other without gaps.
    for (let i = 1; i < shifts.length; i++) expect(iso(shifts[i]!.startsAt)).toBe(iso(shifts[i - 1]!.endsAt))
  })

  it('answers who is on at several instants, an override taking precedence', async () => {
    const at = (instant: string) => whoIsOnRotation(t.db, 'payments', new Date(instant))
    expect(await at('2026-03-02T10:00:00Z')).toMatchObject({ rotationId, userId: ada!.id, displayName: 'Ada Lovelace', override: false })
    expect(iso((await at('2026-03-02T10:00:00Z'))!.until)).toBe('2026-03-09T08:00:00.000Z')
    expect((await at('2026-03-09T07:59:59Z'))!.userId).toBe(ada!.id)
    expect((await at('2026-03-09T08:00:00Z'))!.userId).toBe(bob!.id)
    // Across the change to summer time: the handoff stays at 09:00 Berlin.
    expect((await at('2026-03-30T06:59:00Z'))!.userId).toBe(ada!.id)
    expect((await at('2026-03-30T07:00:00Z'))!.userId).toBe(bob!.id)

    await addOverride({ ctx: t.ctx(admin), input: { rotationId: String(rotationId), userId: String(cy!.id), startsAt: '2026-03-11T09:00', endsAt: '2026-03-12T09:00', reason: 'Bob at a conference' } })
    const covered = await at('2026-03-11T12:00:00Z')
    expect(covered).toMatchObject({ userId: cy!.id, displayName: 'Cy Hopper', override: true })
    expect(iso(covered!.until)).toBe('2026-03-12T08:00:00.000Z')
    expect(await at('2026-03-12T08:00:00Z')).toMatchObject({ userId: bob!.id, override: false })
    expect(await whoIsOnRotation(t.db, 'no-such-team', t.clock.now())).toBeNull()
  })

  it('shows who is on now, who is next and the coming weeks on /rotations, and the board header', async () => {
    const client = await t.client().signInAs(bob!)
    const response = await client.get('/rotations')
    expect(response.status).toBe(200)
    const page = await html(response)
    const team = page.querySelector('#team-payments')!
    expect(team.querySelector('.who-is-on')?.text).toBe('Ada Lovelace')
    expect(team.querySelector('.on-now')?.text).toMatch(/until Mon 9 Mar, 09:00/)
    expect(team.querySelector('.next-on')?.text).toBe('Bob Babbage')
    expect(team.querySelectorAll('table.rotation-calendar tbody tr')).toHaveLength(6)
    expect(team.querySelector('td[data-date="2026-03-11"]')?.text).toMatch(/Bob Babbage.*09:00 Cy Hopper cover/s)
    expect(team.querySelector('td[aria-current="date"]')?.getAttribute('data-date')).toBe('2026-03-02')
    // Bob's own shifts, each with skip and "ask to swap with…".
    const mine = page.querySelectorAll('#my-shifts tbody tr')
    expect(mine[0]!.text).toMatch(/Mon 9 Mar, 09:00 – Mon 16 Mar, 09:00/)
    expect(mine[0]!.querySelector('form[action$="/skip"]')).not.toBeNull()
    expect(texts(mine[0]!, 'select[name="otherShiftId"] option')[0]).toMatch(/^Cy Hopper: Mon 16 Mar, 09:00$/)

    const board = await html(await (await t.client().signInAs(support)).get('/queue'))
    expect(board.querySelector('.on-rotation')?.text).toMatch(/payments Ada Lovelace/)
  })

  it('publishes an iCalendar feed of every shift, with the override cut in and stable UIDs', async () => {
    const client = await t.client().signInAs(ada!)
    const created = await client.post(`/rotations/${rotationId}/feed`)
    expect(created.status).toBe(201)
    const url = (await html(created)).querySelector('.feed-url')!.text
    expect(url).toMatch(/^http:\/\/localhost\/ical\/rotations\/[a-z2-7]{32}\.ics$/)
    const path = new URL(url).pathname
    const [stored] = await t.db.select({ hash: rotations.feedTokenHash }).from(rotations).where(eq(rotations.id, rotationId))
    expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(url).not.toContain(stored!.hash)

    const anonymous = t.client()
    const response = await anonymous.get(path)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    const text = await response.text()
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/)
    expect(text).toContain('DTSTAMP:20260302T100000Z')
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin')
    const events = parseCalendar(text)
    const shifts = await shiftsOf(rotationId)
    // Every shift, plus the override and the rest of the shift it interrupts.
    expect(events).toHaveLength(shifts.length + 2)
    expect(events.every((event) => event.tzid === 'Europe/Berlin')).toBe(true)
    const byStart = (start: string) => events.filter((event) => event.start === start)
    expect(byStart('2026-03-02T08:00:00.000Z')).toEqual([expect.objectContaining({ end: '2026-03-09T08:00:00.000Z', summary: 'On rotation: Ada Lovelace (payments)' })])
    expect(byStart('2026-03-30T07:00:00.000Z')).toEqual([expect.objectContaining({ end: '2026-04-06T07:00:00.000Z', summary: 'On rotation: Bob Babbage (payments)' })])
    expect(byStart('2026-03-09T08:00:00.000Z')[0]).toMatchObject({ end: '2026-03-11T08:00:00.000Z', summary: 'On rotation: Bob Babbage (payments)' })
    expect(byStart('2026-03-11T08:00:00.000Z')[0]).toMatchObject({ end: '2026-03-12T08:00:00.000Z', summary: 'On rotation: Cy Hopper (payments), covering' })
    expect(byStart('2026-03-12T08:00:00.000Z')[0]).toMatchObject({ end: '2026-03-16T08:00:00.000Z', summary: 'On rotation: Bob Babbage (payments)' })
    expect(new Set(events.map((event) => event.uid)).size).toBe(events.length)

    // The same UIDs on the next fetch, and after a re-plan: Cy takes two days off in April, so the
    // re-plan hands Cy's 6 April shift to someone else and leaves March alone.
    const again = parseCalendar(await (await anonymous.get(path)).text())
    expect(again.map((event) => event.uid)).toEqual(events.map((event) => event.uid))
    t.clock.set('2026-03-03T10:00:00Z')
    await addUnavailability({ ctx: t.ctx(cy!), input: { startsOn: '2026-04-07', endsOn: '2026-04-08' } })
    await replanNow({ ctx: t.ctx(admin), input: { rotationId } })
    const replanned = parseCalendar(await (await anonymous.get(path)).text())
    const at = (list: typeof events, start: string) => list.find((event) => event.start === start)
    for (const start of ['2026-03-09T08:00:00.000Z', '2026-03-16T08:00:00.000Z', '2026-03-30T07:00:00.000Z']) {
      expect(at(replanned, start)?.uid).toBeDefined()
      expect(at(replanned, start)?.uid).toBe(at(events, start)?.uid)
      expect(at(replanned, start)?.summary).toBe(at(events, start)?.summary)
    }
    // The moved shift keeps its UID too, so calendars update the event rather than add a second one.
    expect(at(events, '2026-04-06T07:00:00.000Z')?.summary).toBe('On rotation: Cy Hopper (payments)')
    expect(at(replanned, '2026-04-06T07:00:00.000Z')?.summary).not.toBe('On rotation: Cy Hopper (payments)')
    expect(at(replanned, '2026-04-06T07:00:00.000Z')?.uid).toBe(at(events, '2026-04-06T07:00:00.000Z')?.uid)
  })

  it('gives each person a feed of their own shifts across rotations', async () => {
    const other = await setUpRotation('search', [cy!, ada!])
    const client = await t.client().signInAs(cy!)
    const created = await client.post('/rotations/feed')
    expect(created.status).toBe(201)
    const path = new URL((await html(created)).querySelector('.feed-url')!.text).pathname
    expect(path).toMatch(/^\/ical\/people\/[a-z2-7]{32}\.ics$/)
    const events = parseCalendar(await (await t.client().get(path)).text())
    const mine = await t.db.select().from(rotationShifts).where(eq(rotationShifts.userId, cy!.id))
    // Cy's shifts on both rotations, plus the override Cy covers on payments.
    expect(events).toHaveLength(mine.length + 1)
    expect(events.every((event) => event.summary.startsWith('On rotation: Cy Hopper'))).toBe(true)
    expect(events.filter((event) => event.summary === 'On rotation: Cy Hopper (search)')).toHaveLength(mine.filter((shift) => shift.rotationId === other.id).length)
    expect(events.find((event) => event.start === '2026-03-11T08:00:00.000Z')?.summary).toBe('On rotation: Cy Hopper (payments), covering')
  })
})

describe('working days, time away, holidays and daylight saving', () => {
  it('continues a 2-day shift that starts on Friday on Monday when only working days count', async () => {
    t.clock.set('2026-03-06T07:00:00Z') // Friday, 08:00 in Berlin
    const [dee, eve] = await engineers('Dee Working', 'Eve Working')
    const rotation = await setUpRotation('mobile', [dee!, eve!], { shiftDays: '2', workingDaysOnly: '1' })
    const shifts = await shiftsOf(rotation.id)
    // Set up an hour before Friday's handoff, the first shift starts right away and, counting
    // Friday and Monday, hands off on Tuesday.
    expect(shifts.slice(0, 3).map((shift) => [iso(shift.startsAt), iso(shift.endsAt), shift.userId])).toEqual([
      ['2026-03-06T07:00:00.000Z', '2026-03-10T08:00:00.000Z', dee!.id],
      ['2026-03-10T08:00:00.000Z', '2026-03-12T08:00:00.000Z', eve!.id],
      ['2026-03-12T08:00:00.000Z', '2026-03-16T08:00:00.000Z', dee!.id],
    ])
    // Saturday: still Dee's shift from Friday, until Tuesday's handoff.
    const saturday = await whoIsOnRotation(t.db, 'mobile', new Date('2026-03-07T12:00:00Z'))
    expect(saturday).toMatchObject({ userId: dee!.id })
    expect(iso(saturday!.until)).toBe('2026-03-10T08:00:00.000Z')
  })

  it('honours time away when planning, flags a later conflict and re-plans around it', async () => {
    const [fay, gus] = await engineers('Fay Away', 'Gus Here')
    // Planned before the rotation exists: Fay is away the whole first week.
    await addUnavailability({ ctx: t.ctx(fay!), input: { startsOn: '2026-03-02', endsOn: '2026-03-08', reason: 'Skiing' } })
    const rotation = await setUpRotation('infra', [fay!, gus!])
    const first = await shiftsOf(rotation.id)
    expect(first.slice(0, 3).map((shift) => shift.userId)).toEqual([gus!.id, fay!.id, gus!.id])
    expect(first[0]!.passedOver).toEqual([fay!.id])

    // Later, Fay plans two days off inside her planned shift (9 to 16 March).
    const client = await t.client().signInAs(fay!)
    expect((await client.post('/rotations/away', { startsOn: '2026-03-10', endsOn: '2026-03-11', reason: 'Dentist' })).status).toBe(303)
    const flagged = await html(await client.get('/rotations'))
    const conflict = flagged.querySelector('#away .conflict')
    expect(conflict?.text).toMatch(/You are planned on rotation \(infra\) on 10–11 Mar: re-plan or arrange cover\./)
    expect(conflict?.querySelector(`form[action="/rotations/${rotation.id}/replan"]`)).not.toBeNull()

    const replanned = await client.post(`/rotations/${rotation.id}/replan`, { back: 'overview' })
    expect(replanned.status).toBe(303)
    expect(replanned.headers.get('location')).toBe('/rotations#away')
    expect((await shiftAt(rotation.id, '2026-03-09T08:00:00.000Z')).userId).toBe(gus!.id)
    expect((await html(await client.get('/rotations'))).querySelector('#away .conflict')).toBeNull()
  })

  it('plans around holidays and keeps the wall-clock handoff across the autumn clock change', async () => {
    t.clock.set('2026-10-20T10:00:00Z')
    const [hal, ivy] = await engineers('Hal Holiday', 'Ivy Winter')
    await addUnavailability({ ctx: t.ctx(hal!), input: { startsOn: '2026-12-24', endsOn: '2026-12-26', reason: 'Christmas' } })
    const rotation = await setUpRotation('ops', [hal!, ivy!], { shiftDays: '1' })
    const around = await t.db
      .select()
      .from(rotationShifts)
      .where(and(eq(rotationShifts.rotationId, rotation.id), gte(rotationShifts.startsAt, new Date('2026-10-24T00:00:00Z')), lt(rotationShifts.startsAt, new Date('2026-10-27T00:00:00Z'))))
      .orderBy(asc(rotationShifts.startsAt))
    // Summer time ends on 25 October: 09:00 Berlin moves from 07:00 to 08:00 UTC, so that day's shift lasts 25 hours.
    expect(around.map((shift) => iso(shift.startsAt))).toEqual(['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z'])
    expect(around[0]!.endsAt.getTime() - around[0]!.startsAt.getTime()).toBe(25 * 3_600_000)
    const christmas = await t.db
      .select()
      .from(rotationShifts)
      .where(and(eq(rotationShifts.rotationId, rotation.id), lt(rotationShifts.startsAt, new Date('2026-12-26T23:00:00Z')), gte(rotationShifts.endsAt, new Date('2026-12-23T23:00:01Z'))))
    expect(christmas.length).toBeGreaterThanOrEqual(3)
    expect(christmas.every((shift) => shift.userId === ivy!.id)).toBe(true)

    // Time moves on; a re-plan then starts from the running shift and keeps the wall-clock handoff.
    t.clock.set('2026-11-02T10:00:00Z')
    await replanNow({ ctx: t.ctx(admin), input: { rotationId: rotation.id } })
    const on = await whoIsOnRotation(t.db, 'ops', t.clock.now())
    expect(iso(on!.until)).toBe('2026-11-03T08:00:00.000Z')
  })
})

describe('skips and swaps', () => {
  let jo: User, kim: User, lee: User
  let rotation: Rotation

  beforeAll(async () => {
    ;[jo, kim, lee] = await engineers('Jo Skipper', 'Kim Swapper', 'Lee Third')
    rotation = await setUpRotation('billing', [jo!, kim!, lee!])
  })

  it('gives a skipped shift to the next in line and the skipped person the next turn', async () => {
    const kimShift = await shiftAt(rotation.id, '2026-03-09T08:00:00.000Z')
    expect(kimShift.userId).toBe(kim!.id)
    const response = await (await t.client().signInAs(kim!)).post(`/rotations/shifts/${kimShift.id}/skip`, { reason: 'Deep work on the ledger' })
    expect(response.status).toBe(303)
    const skipped = await shiftAt(rotation.id, '2026-03-09T08:00:00.000Z')
    expect(skipped.userId).toBe(lee!.id)
    expect(skipped.passedOver).toEqual([kim!.id])
    expect((await shiftAt(rotation.id, '2026-03-16T08:00:00.000Z')).userId).toBe(kim!.id)
    expect(await t.db.select().from(rotationSkips).where(eq(rotationSkips.rotationId, rotation.id))).toHaveLength(1)
  })

  it('exchanges two shifts when the other person accepts, and the exchange survives a re-plan', async () => {
    // Now: Jo 2 Mar, Lee 9 Mar, Kim 16 Mar, then Jo, Lee, Kim…
    const kimShift = await shiftAt(rotation.id, '2026-03-16T08:00:00.000Z')
    const joShift = await shiftAt(rotation.id, '2026-03-23T08:00:00.000Z')
    expect([kimShift.userId, joShift.userId]).toEqual([kim!.id, jo!.id])
    const kimClient = await t.client().signInAs(kim!)
    expect((await kimClient.post(`/rotations/shifts/${kimShift.id}/swap`, { otherShiftId: joShift.id })).status).toBe(303)
    expect((await html(await kimClient.get('/rotations'))).querySelector(`tr[data-shift="${kimShift.id}"]`)?.text).toMatch(/Waiting for Jo Skipper to answer/)

    const joClient = await t.client().signInAs(jo!)
    const page = await html(await joClient.get('/rotations'))
    const [swap] = await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.shiftId, kimShift.id))
    expect(page.querySelector('#swaps')?.text).toMatch(/Kim Swapper \(billing\) asks to swap/)
    expect(page.querySelector(`form[action="/rotations/swaps/${swap!.id}"]`)).not.toBeNull()
    expect((await joClient.post(`/rotations/swaps/${swap!.id}`, { accept: '1' })).status).toBe(303)

    expect(await shiftAt(rotation.id, '2026-03-16T08:00:00.000Z')).toMatchObject({ userId: jo!.id, locked: true })
    expect(await shiftAt(rotation.id, '2026-03-23T08:00:00.000Z')).toMatchObject({ userId: kim!.id, locked: true })
    expect((await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.id, swap!.id)))[0]!.state).toBe('accepted')

    await replanNow({ ctx: t.ctx(admin), input: { rotationId: rotation.id } })
    expect((await shiftAt(rotation.id, '2026-03-16T08:00:00.000Z')).userId).toBe(jo!.id)
    expect((await shiftAt(rotation.id, '2026-03-23T08:00:00.000Z')).userId).toBe(kim!.id)
  })

  it('changes nothing when the other person declines', async () => {
    const leeShift = await shiftAt(rotation.id, '2026-03-30T07:00:00.000Z')
    const kimShift = await shiftAt(rotation.id, '2026-04-06T07:00:00.000Z')
    const person = (id: number | null) => [jo!, kim!, lee!].find((candidate) => candidate.id === id)!
    const { id } = await requestSwap({ ctx: t.ctx(person(leeShift.userId)), input: { shiftId: leeShift.id, otherShiftId: kimShift.id } })
    const before = await shiftsOf(rotation.id)
    expect((await (await t.client().signInAs(person(kimShift.userId))).post(`/rotations/swaps/${id}`, { accept: '0' })).status).toBe(303)
    expect(await shiftsOf(rotation.id)).toEqual(before)
    expect((await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.id, id)))[0]!.state).toBe('declined')
  })

  it('lets the person who asked cancel a swap request (and nobody else), after which it cannot be accepted', async () => {
    const leeShift = await shiftAt(rotation.id, '2026-03-30T07:00:00.000Z')
    const kimShift = await shiftAt(rotation.id, '2026-04-06T07:00:00.000Z')
    const person = (id: number | null) => [jo!, kim!, lee!].find((candidate) => candidate.id === id)!
    const asker = person(leeShift.userId)
    const { id } = await requestSwap({ ctx: t.ctx(asker), input: { shiftId: leeShift.id, otherShiftId: kimShift.id } })
    const page = await html(await (await t.client().signInAs(asker)).get('/rotations'))
    expect(page.querySelector(`form[action="/rotations/swaps/${id}/cancel"]`)?.text).toMatch(/Waiting for .+ to answer your swap request/)
    expect((await (await t.client().signInAs(person(kimShift.userId))).post(`/rotations/swaps/${id}/cancel`)).status).toBe(403)
    expect((await (await t.client().signInAs(asker)).post(`/rotations/swaps/${id}/cancel`)).status).toBe(303)
    expect((await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.id, id)))[0]!.state).toBe('cancelled')
    const before = await shiftsOf(rotation.id)
    expect((await (await t.client().signInAs(person(kimShift.userId))).post(`/rotations/swaps/${id}`, { accept: '1' })).status).toBe(404)
    expect(await shiftsOf(rotation.id)).toEqual(before)
  })

  it('lets an admin swap two shifts directly, and nobody else', async () => {
    const a = await shiftAt(rotation.id, '2026-04-13T07:00:00.000Z')
    const b = await shiftAt(rotation.id, '2026-04-20T07:00:00.000Z')
    const refused = await (await t.client().signInAs(jo!)).post(`/rotations/${rotation.id}/swap`, { shiftId: a.id, otherShiftId: b.id })
    expect(refused.status).toBe(403)
    expect(await shiftAt(rotation.id, '2026-04-13T07:00:00.000Z')).toEqual(a)
    const done = await (await t.client().signInAs(admin)).post(`/rotations/${rotation.id}/swap`, { shiftId: a.id, otherShiftId: b.id })
    expect(done.status).toBe(303)
    expect((await shiftAt(rotation.id, '2026-04-13T07:00:00.000Z')).userId).toBe(b.userId)
    expect((await shiftAt(rotation.id, '2026-04-20T07:00:00.000Z')).userId).toBe(a.userId)
  })
})

describe('as time passes', () => {
  it('the periodic tick extends the plan to a quarter ahead and leaves planned shifts as they were', async () => {
    const [xia, yan] = await engineers('Xia Extend', 'Yan Extend')
    const rotation = await setUpRotation('horizon', [xia!, yan!])
    const planned = await shiftsOf(rotation.id)
    t.clock.advance(30 * 24 * 3_600_000)
    const { shiftsPlanned } = await t.rotationTick()
    expect(shiftsPlanned).toBeGreaterThan(0)
    const after = await shiftsOf(rotation.id)
    expect(after.slice(0, planned.length)).toEqual(planned)
    const lastEnd = Math.max(...after.map((shift) => shift.endsAt.getTime()))
    expect(lastEnd).toBeGreaterThanOrEqual(t.clock.now().getTime() + 93 * 24 * 3_600_000)
    // Ticking again changes nothing.
    expect((await t.rotationTick()).shiftsPlanned).toBe(0)
    expect(await shiftsOf(rotation.id)).toEqual(after)
  })
})

describe('a swap request overtaken by a re-plan', () => {
  it('is cancelled when its shift goes to someone else, instead of swapping the wrong person', async () => {
    const [uma, vic, wes] = await engineers('Uma Early', 'Vic Later', 'Wes Third')
    const rotation = await setUpRotation('ledger', [uma!, vic!, wes!])
    const umaShift = await shiftAt(rotation.id, '2026-03-23T08:00:00.000Z')
    const vicShift = await shiftAt(rotation.id, '2026-03-30T07:00:00.000Z')
    expect([umaShift.userId, vicShift.userId]).toEqual([uma!.id, vic!.id])
    const { id } = await requestSwap({ ctx: t.ctx(uma!), input: { shiftId: umaShift.id, otherShiftId: vicShift.id } })
    // Vic skips the shift Uma asked for: it goes to someone else, and keeps its row.
    await skipShift({ ctx: t.ctx(vic!), input: { shiftId: vicShift.id } })
    const after = await shiftAt(rotation.id, '2026-03-30T07:00:00.000Z')
    expect(after.id).toBe(vicShift.id)
    expect(after.userId).not.toBe(vic!.id)
    const [swap] = await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.id, id))
    expect(swap).toMatchObject({ state: 'cancelled' })
    expect((await shiftsOf(rotation.id)).some((shift) => shift.locked)).toBe(false)
  })
})

describe('fairness over a quarter', () => {
  it('keeps everyone within one shift of each other through skips, swaps, time away and re-plans', async () => {
    const people = await engineers('Mia Fair', 'Ned Fair', 'Oli Fair', 'Pat Fair')
    const [mia, ned, oli, pat] = people
    const rotation = await setUpRotation('fair', people, { shiftDays: '1' })
    const next = async (user: User) =>
      (await shiftsOf(rotation.id)).find((shift) => shift.userId === user.id && shift.startsAt > t.clock.now())!
    await skipShift({ ctx: t.ctx(mia), input: { shiftId: (await next(mia)).id, reason: 'Deep work' } })
    const nedShift = await next(ned)
    const oliShift = (await shiftsOf(rotation.id)).filter((shift) => shift.userId === oli.id && shift.startsAt > nedShift.startsAt)[2]!
    const { id } = await requestSwap({ ctx: t.ctx(ned), input: { shiftId: nedShift.id, otherShiftId: oliShift.id } })
    await answerSwap({ ctx: t.ctx(oli), input: { swapId: id, accept: '1' } })
    await addUnavailability({ ctx: t.ctx(pat), input: { startsOn: '2026-03-20', endsOn: '2026-03-27', reason: 'Leave' } })
    await replanNow({ ctx: t.ctx(pat), input: { rotationId: rotation.id } })
    t.clock.set('2026-04-01T10:00:00Z')
    await skipShift({ ctx: t.ctx(oli), input: { shiftId: (await next(oli)).id } })
    await swapShifts({ ctx: t.ctx(admin), input: { shiftId: (await next(mia)).id, otherShiftId: (await next(pat)).id } })

    const quarterEnd = new Date(new Date(TEST_START).getTime() + 91 * 24 * 3_600_000)
    const quarter = (await shiftsOf(rotation.id)).filter((shift) => shift.startsAt < quarterEnd)
    expect(quarter.length).toBeGreaterThanOrEqual(90)
    const counts = people.map((person) => quarter.filter((shift) => shift.userId === person.id).length)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
    expect(quarter.every((shift) => shift.userId !== null)).toBe(true)
  })
})

describe('bad input: a clear message, the input kept, nothing changed', () => {
  let quinn: User, ray: User
  let rotation: Rotation

  beforeAll(async () => {
    ;[quinn, ray] = await engineers('Quinn Input', 'Ray Input')
    rotation = await setUpRotation('accounts', [quinn!, ray!])
    await createTeam(t, 'empty-team', [])
  })

  it('refuses an override that overlaps another', async () => {
    const client = await t.client().signInAs(admin)
    const first = await client.post(`/rotations/${rotation.id}/overrides`, { userId: ray!.id, startsAt: '2026-03-04T09:00', endsAt: '2026-03-05T09:00', reason: '' })
    expect(first.status).toBe(303)
    const before = await t.db.select().from(rotationOverrides).where(eq(rotationOverrides.rotationId, rotation.id))
    const response = await client.post(`/rotations/${rotation.id}/overrides`, { userId: quinn!.id, startsAt: '2026-03-04T18:00', endsAt: '2026-03-06T09:00', reason: 'Late shift' })
    expect(response.status).toBe(409)
    const page = await html(response)
    expect(page.querySelector('#overrides .form-message')?.text).toMatch(/Another override already covers part of that range/)
    expect(page.querySelector('#field-startsAt')?.getAttribute('value')).toBe('2026-03-04T18:00')
    expect(page.querySelector('#field-reason')?.getAttribute('value')).toBe('Late shift')
    expect(await t.db.select().from(rotationOverrides).where(eq(rotationOverrides.rotationId, rotation.id))).toEqual(before)
  })

  it('refuses a swap with oneself', async () => {
    const mine = (await shiftsOf(rotation.id)).filter((shift) => shift.userId === ray!.id)
    const response = await (await t.client().signInAs(ray!)).post(`/rotations/shifts/${mine[0]!.id}/swap`, { otherShiftId: mine[1]!.id })
    expect(response.status).toBe(422)
    expect((await html(response)).querySelector(`#swap-${mine[0]!.id}-error`)?.text).toMatch(/you cannot swap with yourself/)
    expect(await t.db.select().from(shiftSwaps).where(eq(shiftSwaps.shiftId, mine[0]!.id))).toEqual([])
  })

  it('refuses a rotation without engineers, a shift length of 0, an unknown timezone and a handoff at 25:00', async () => {
    const client = await t.client().signInAs(admin)
    const rotationsBefore = await t.db.select().from(rotations)
    const empty = await postFields(client, '/rotations/new', formFields({ ...rotationInput('empty-team', []), name: 'Nobody home' }))
    expect(empty.status).toBe(422)
    const emptyPage = await html(empty)
    expect(emptyPage.querySelector('#field-memberIds-error')?.text).toBe('A rotation needs at least one engineer.')
    expect(emptyPage.querySelector('#field-name')?.getAttribute('value')).toBe('Nobody home')

    const cases: [Record<string, string>, string, RegExp][] = [
      [{ shiftDays: '0' }, 'shiftDays', /Shift length must be at least 1 day/],
      [{ timezone: 'Mars/Olympus' }, 'timezone', /“Mars\/Olympus” is not a known timezone/],
      [{ handoff: '25:00' }, 'handoff', /Handoff time must look like 09:00/],
    ]
    for (const [change, field, message] of cases) {
      const response = await postFields(client, '/rotations/new', formFields({ ...rotationInput('empty-team', [quinn!]), ...change }))
      expect(response.status).toBe(422)
      const page = await html(response)
      expect(page.querySelector(`#field-${field}-error`)?.text).toMatch(message)
      expect(page.querySelector(`#field-${field}`)?.getAttribute('value')).toBe(change[field])
      // The order of engineers comes back as chosen.
      expect(page.querySelector('select[name="memberIds"] option[selected]')?.getAttribute('value')).toBe(String(quinn!.id))
    }
    expect(await t.db.select().from(rotations)).toEqual(rotationsBefore)

    // Editing a rotation with a bad value leaves it and its shifts alone.
    const shiftsBefore = await shiftsOf(rotation.id)
    const edit = await postFields(client, `/rotations/${rotation.id}`, formFields({ ...rotationInput('accounts', [ray!, quinn!]), shiftDays: '0' }))
    expect(edit.status).toBe(422)
    expect((await html(edit)).querySelector('#settings #field-shiftDays-error')?.text).toMatch(/at least 1 day/)
    expect(await t.db.select().from(rotations)).toEqual(rotationsBefore)
    expect(await shiftsOf(rotation.id)).toEqual(shiftsBefore)
  })

  it('lets only the owner (or an admin) remove time away and overrides', async () => {
    const { id: awayId } = await addUnavailability({ ctx: t.ctx(quinn!), input: { startsOn: '2026-06-01', endsOn: '2026-06-02' } })
    const { id: overrideId } = await addOverride({ ctx: t.ctx(quinn!), input: { rotationId: String(rotation.id), userId: String(quinn!.id), startsAt: '2026-03-20T09:00', endsAt: '2026-03-20T17:00' } })
    const rayClient = await t.client().signInAs(ray!)
    expect((await rayClient.post(`/rotations/away/${awayId}/delete`)).status).toBe(404)
    expect((await rayClient.post(`/rotations/${rotation.id}/overrides/${overrideId}/delete`)).status).toBe(404)
    expect((await rayClient.post('/rotations/away/not-a-number/delete')).status).toBe(404)
    expect(await t.db.select().from(unavailability).where(eq(unavailability.id, awayId))).toHaveLength(1)
    expect(await t.db.select().from(rotationOverrides).where(eq(rotationOverrides.id, overrideId))).toHaveLength(1)
    expect((await (await t.client().signInAs(quinn!)).post(`/rotations/away/${awayId}/delete`)).status).toBe(303)
    expect((await (await t.client().signInAs(admin)).post(`/rotations/${rotation.id}/overrides/${overrideId}/delete`)).status).toBe(303)
    expect(await t.db.select().from(unavailability).where(eq(unavailability.id, awayId))).toEqual([])
    expect(await t.db.select().from(rotationOverrides).where(eq(rotationOverrides.id, overrideId))).toEqual([])
  })

  it('refuses time away that ends before it starts', async () => {
    const client = await t.client().signInAs(quinn!)
    const response = await client.post('/rotations/away', { startsOn: '2026-05-10', endsOn: '2026-05-03', reason: 'Backwards' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-endsOn-error')?.text).toBe('The last day cannot come before the first day.')
    expect(page.querySelector('#field-startsOn')?.getAttribute('value')).toBe('2026-05-10')
    expect(page.querySelector('#field-endsOn')?.getAttribute('value')).toBe('2026-05-03')
    expect(await t.db.select().from(unavailability).where(eq(unavailability.userId, quinn!.id))).toEqual([])
  })
})

describe('security', () => {
  let sam: User, tia: User
  let rotation: Rotation

  beforeAll(async () => {
    ;[sam, tia] = await engineers('Sam Secret', 'Tia Secret')
    rotation = await setUpRotation('security', [sam!, tia!])
  })

  it('shows rotations to staff only', async () => {
    for (const path of ['/rotations', `/rotations/${rotation.id}`]) {
      const anonymous = await t.client().get(path)
      expect(anonymous.status).toBe(302)
      expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/)
      const refused = await (await t.client().signInAs(member)).get(path)
      expect(refused.status).toBe(403)
      const body = await refused.text()
      expect(body).not.toContain('Sam Secret')
      expect(body).not.toContain('Tia Secret')
    }
    expect((await (await t.client().signInAs(sam!)).get('/rotations/new')).status).toBe(403)
    expect((await (await t.client().signInAs(member)).post('/rotations/feed')).status).toBe(403)
    expect(await t.db.select().from(personFeeds).where(eq(personFeeds.userId, member.id))).toEqual([])
  })

  it('does not let a support engineer outside the rotation skip someone else’s shift', async () => {
    const shift = await shiftAt(rotation.id, '2026-03-09T08:00:00.000Z')
    const response = await (await t.client().signInAs(support)).post(`/rotations/shifts/${shift.id}/skip`, { reason: 'Because' })
    expect(response.status).toBe(403)
    expect((await html(response)).querySelector('.form-message')?.text).toMatch(/only skip shifts for your own shifts/)
    expect(await shiftAt(rotation.id, '2026-03-09T08:00:00.000Z')).toEqual(shift)
    expect(await t.db.select().from(rotationSkips).where(eq(rotationSkips.rotationId, rotation.id))).toEqual([])
    // Nor change the rotation's calendar address.
    expect((await (await t.client().signInAs(support)).post(`/rotations/${rotation.id}/feed`)).status).toBe(403)
  })

  it('lets a feed token open only its own feed, and a replaced token nothing', async () => {
    const samClient = await t.client().signInAs(sam!)
    const rotationPath = new URL((await html(await samClient.post(`/rotations/${rotation.id}/feed`))).querySelector('.feed-url')!.text).pathname
    const personPath = new URL((await html(await samClient.post('/rotations/feed'))).querySelector('.feed-url')!.text).pathname
    const rotationToken = rotationPath.split('/').pop()!
    const personToken = personPath.split('/').pop()!
    const anonymous = t.client()
    expect((await anonymous.get(rotationPath)).status).toBe(200)
    expect((await anonymous.get(personPath)).status).toBe(200)
    expect((await anonymous.get(`/ical/people/${rotationToken}`)).status).toBe(404)
    expect((await anonymous.get(`/ical/rotations/${personToken}`)).status).toBe(404)
    expect((await anonymous.get('/ical/rotations/not-a-token.ics')).status).toBe(404)
    expect((await anonymous.get(rotationPath.replace('.ics', ''))).status).toBe(404)
    const samEvents = parseCalendar(await (await anonymous.get(personPath)).text())
    expect(samEvents.length).toBeGreaterThan(0)
    expect(samEvents.every((event) => event.summary.startsWith('On rotation: Sam Secret'))).toBe(true)

    // Replacing a token: the old address stops working, the new one works.
    const newRotationPath = new URL((await html(await samClient.post(`/rotations/${rotation.id}/feed`))).querySelector('.feed-url')!.text).pathname
    const newPersonPath = new URL((await html(await samClient.post('/rotations/feed'))).querySelector('.feed-url')!.text).pathname
    expect(newRotationPath).not.toBe(rotationPath)
    expect((await anonymous.get(rotationPath)).status).toBe(404)
    expect((await anonymous.get(personPath)).status).toBe(404)
    expect((await anonymous.get(newRotationPath)).status).toBe(200)
    expect((await anonymous.get(newPersonPath)).status).toBe(200)
  })
})
