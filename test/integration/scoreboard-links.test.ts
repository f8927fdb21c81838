import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../src/db/schema'
import { queryRows } from '../../src/db/client'
import { rateOnThread } from '../../src/csat'
import { answerEscalation, escalateItem } from '../../src/escalations'
import { markDuplicate, setAcceptedReply } from '../../src/forum'
import { assignItem, changeItemState, convertThread, recomputePriorities, replyToItem } from '../../src/queue'
import { rebuildScoreboardFacts, runScoreboardRollup } from '../../src/scoreboard'
import { createTestApp, type TestApp } from '../support/app'
import { html, type TestClient } from '../support/client'
import { createCalendar, createCategory, createPolicy, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { deliverAll } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Every number on the scoreboard links to the board with a filter that selects exactly what the
// number counts, however many: followed with the test client, the board lists those items (every
// page) and says the same number. Business hours Mon-Fri 09:00-17:00 UTC; 2026-03-02 is a Monday.
//
//   A  platform question by Ada, filed Mon 10:00, answered 10:30 (met), escalated 11:30 (still
//      open), resolved 15:00 and reopened 16:00: the top issue, with D as its linked duplicate.
//   B  platform bug by Bo, filed 10:00, assigned to Sam 10:15, escalated 11:00 and answered by
//      Eve 13:00, answered publicly 12:00 (120 business minutes: missed).
//   C  billing question by Ada, filed 10:00, resolved by Sam 12:30 with no reply, rated 4 by Ada.
//   D  platform question by Bo, filed 10:00, its thread marked a duplicate of A's at 14:00.
//   520 billing questions filed Tue 09:00 by a bulk load, each escalated to Eve Tue 10:00 (every
//   second one out of hours): the figures over 500 items.

const REPRODUCTION = {
  customerDid: 'Opened Reports and pressed “Export to CSV” for last month’s orders.',
  whatHappened: 'The export fails with NullPointerException at ExportJob.run, every time.',
  expected: 'A CSV file with every order of the month.',
  logs: '2026-03-02T09:58:11Z export.run ERROR NullPointerException request=7f3a',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time since 2.4.0',
  customersAffected: '2',
}
const BULK = 520

let t: TestApp
let sink: SmtpSink
let support: User
let engineer: User
let customer: User
const items = { a: 0, b: 0, c: 0, d: 0 }
let bulk: number[] = []
let staff: TestClient
let deflectedLookup = 0
const threads = { platform: [] as number[] }

const at = (stamp: string) => t.clock.set(`2026-03-0${stamp}:00.000Z`)
const sorted = (ids: number[]) => [...ids].sort((x, y) => x - y)

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  const admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin', email: 'ann@forum.example' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support', email: 'sam@forum.example' })
  engineer = await createUser(t.db, { displayName: 'Eve Engineer', role: 'engineer', email: 'eve@forum.example' })
  customer = await createUser(t.db, { displayName: 'Ada Customer', email: 'ada@customer.example' })
  const other = await createUser(t.db, { displayName: 'Bo Customer', email: 'bo@customer.example' })
  at('1T12:00')
  await createTeam(t, 'platform', [{ user: support, onDuty: false }, { user: engineer, onDuty: false }])
  await createTeam(t, 'billing', [{ user: support, onDuty: false }])
  const calendar = await createCalendar(t.db, { timezone: 'UTC', windows: [1, 2, 3, 4, 5].map((day) => ({ day, start: 540, end: 1020 })) })
  await createPolicy(t.db, { name: 'Standard', first: 60, next: 480, resolution: 600, calendarId: calendar.id })
  await createRotation(t, admin, 'platform', [engineer])
  const platform = await createCategory(t.db, { team: 'platform' })
  const billing = await createCategory(t.db, { team: 'billing' })

  const file = async (who: User, category: typeof platform, kind: 'question' | 'bug', title: string) => {
    const thread = await createThread(t, who, category, { title })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind, severity: 'normal', note: '' } })
    return { thread, item: item.id }
  }
  const reply = async (itemId: number) => {
    const posted = await replyToItem({ ctx: t.ctx(support), input: { itemId, body: 'Thanks, we are looking at this now.' } })
    await t.drain()
    return posted
  }
  const move = (itemId: number, state: string) => changeItemState({ ctx: t.ctx(support), input: { itemId, state } })

  at('2T10:00')
  const a = await file(customer, platform, 'question', 'Exports time out for large accounts')
  const b = await file(other, platform, 'bug', 'The export job crashes on empty rows')
  const c = await file(customer, billing, 'question', 'Why was I charged twice in March?')
  const d = await file(other, platform, 'question', 'My export never finishes, what now?')
  Object.assign(items, { a: a.item, b: b.item, c: c.item, d: d.item })
  at('2T10:15')
  await assignItem({ ctx: t.ctx(support), input: { itemId: String(items.b), assigneeId: 'me' } })
  at('2T10:30')
  const answerA = await reply(items.a)
  await setAcceptedReply({ ctx: t.ctx(customer), input: { replyId: String(answerA.replyId), on: '1' } })
  at('2T11:00')
  const escalationB = await escalateItem({ ctx: t.ctx(support), input: { itemId: items.b, ...REPRODUCTION } })
  at('2T11:30')
  await escalateItem({ ctx: t.ctx(support), input: { itemId: items.a, ...REPRODUCTION } })
  at('2T12:00')
  await reply(items.b)
  at('2T12:30')
  await move(items.c, 'resolved')
  at('2T13:00')
  await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalationB.id, outcome: 'workaround', answer: 'Skip empty rows with the filter until 2.5 ships.' } })
  at('2T14:00')
  await markDuplicate({ ctx: t.ctx(support), input: { threadId: d.thread.id, duplicateOfId: a.thread.id } })
  await deliverAll(t)
  at('2T15:00')
  await move(items.a, 'resolved')
  at('2T16:00')
  await move(items.a, 'in_progress')
  await deliverAll(t)
  const asked = await queryRows<{ id: number }>(t.db, sql`select id from csat_requests where item_id = ${items.c}`)
  expect(asked).toHaveLength(1)
  await rateOnThread({ ctx: t.ctx(customer), input: { threadId: c.thread.id, rating: '4', comment: 'Quick, thanks.' } })

  // Search deflection: three searches Monday morning. v1 opens C's (solved) thread and asks
  // nothing: deflected. v2 opens it too, but asks A's question at 10:00. v3 opens nothing.
  await t.db.execute(sql`update threads set visitor_key = 'v2' where id = ${a.thread.id}`)
  const lookups = await queryRows<{ id: number }>(
    t.db,
    sql`insert into search_events (kind, query, result_count, visitor_key, created_at) values
      ('search', 'charged twice', 3, 'v1', '2026-03-02T09:00:00Z'), ('search', 'export timeout', 2, 'v2', '2026-03-02T09:30:00Z'),
      ('search', 'refund', 0, 'v3', '2026-03-02T09:40:00Z') returning id`,
  )
  await t.db.execute(sql`insert into search_events (kind, search_event_id, thread_id, solved, visitor_key, created_at) values
    ('click', ${lookups[0]!.id}, ${c.thread.id}, true, 'v1', '2026-03-02T09:01:00Z'), ('click', ${lookups[1]!.id}, ${c.thread.id}, true, 'v2', '2026-03-02T09:31:00Z')`)
  deflectedLookup = lookups[0]!.id
  threads.platform = [a.thread.id, b.thread.id, d.thread.id]

  // The bulk: copies of C's row (team billing, a question, its SLA snapshot), each with one escalation.
  at('3T09:00')
  bulk = (
    await queryRows<{ id: number }>(
      t.db,
      sql`insert into queue_items (source, title, kind, state, team_slug, requester_id, sla, created_at, updated_at)
        select 'email', 'Charged twice, case ' || n, 'question', 'new', 'billing', ${customer.id}, sla,
          '2026-03-03T09:00:00Z'::timestamptz + n * interval '1 second', '2026-03-03T09:00:00Z'::timestamptz
        from queue_items, generate_series(1, ${BULK}) n where id = ${items.c}
        returning id`,
    )
  ).map((row) => row.id)
  await t.db.execute(sql`
    insert into escalations (item_id, engineer_id, escalated_by_id, customer_did, what_happened, expected, logs, account, frequency,
      customers_affected, response_due_at, out_of_hours, created_at)
    select i.id, ${engineer.id}, ${support.id}, 'Paid', 'Charged twice', 'Charged once', '', 'Acme', 'Once', '1',
      '2026-03-04T10:00:00Z', i.id % 2 = 0, '2026-03-03T10:00:00Z'
    from queue_items i where i.id in ${bulk}`)
  at('3T12:00')
  // As filing does: each open item gets its place on the board (its priority row).
  await recomputePriorities(t.db, t.clock.now(), bulk)
  await rebuildScoreboardFacts(t.db, t.clock.now())
  staff = await t.client().signInAs(support)
})

afterAll(async () => {
  await t?.close()
  await sink?.close()
})

type Page = Awaited<ReturnType<typeof html>>
const cellsOf = (page: Page, figure: string) => page.querySelectorAll(`#${figure} table tbody tr`).map((row) => row.querySelectorAll('th, td'))
const headersOf = (page: Page, figure: string) => page.querySelectorAll(`#${figure} table thead th`).map((cell) => cell.text.trim())

/** The board behind a link: what it says it selects, and every item it lists, page after page. */
async function follow(href: string, { allPages = true } = {}): Promise<{ items: number; tally: number | null; ids: number[]; chips: string[]; summary: string }> {
  const first = await staff.get(href)
  expect(first.status, href).toBe(200)
  let page = await html(first)
  const items = Number(page.querySelector('[data-count="items"]')?.text)
  const tallyText = page.querySelector('[data-count="tally"]')?.text
  const chips = page.querySelectorAll('.filter-chips li').map((chip) => chip.text.replace('×', '').trim())
  const summary = page.querySelector('.figure-summary')?.text.replace(/\s+/g, ' ').trim() ?? ''
  const ids: number[] = []
  for (;;) {
    ids.push(...page.querySelectorAll('table tbody tr').map((row) => Number(row.getAttribute('data-item') ?? row.getAttribute('data-thread') ?? row.getAttribute('data-lookup'))))
    const next = page.querySelector('.pagination a[rel="next"]')?.getAttribute('href')
    if (!next || !allPages) break
    page = await html(await staff.get(next.replace(/&amp;/g, '&')))
  }
  return { items, tally: tallyText === undefined ? null : Number(tallyText), ids, chips, summary }
}

/** A figure's cell: its number and where it links. */
function cell(page: Page, figure: string, row: (cells: string[]) => boolean, column: string): { text: string; href: string } {
  const columns = headersOf(page, figure)
  const rows = cellsOf(page, figure)
  const found = rows.find((cells) => row(cells.map((entry) => entry.text.trim())))
  expect(found, `${figure}: no such row`).toBeDefined()
  const target = found![columns.indexOf(column)]!
  const href = target.querySelector('a')?.getAttribute('href')?.replace(/&amp;/g, '&')
  expect(href, `${figure} / ${column}: no link`).toBeTruthy()
  return { text: target.text.trim(), href: href! }
}

/** Columns whose number counts something other than items: the board's second number says it. */
const TALLIED: Record<string, string[]> = {
  'top-issues': ['Affected customers', 'Open escalations'],
  escalations: ['Escalations', 'Out of hours'],
  resolution: ['Reopenings'],
  shifts: ['Escalations', 'Out of hours'],
  csat: ['Ratings'],
}

describe('scoreboard links', () => {
  it('links every number to a board that selects exactly that many, whatever the size', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    expect(page.text).not.toMatch(/narrow the period/i)
    let checked = 0
    for (const figure of page.querySelectorAll('section.scoreboard-figure').map((node) => node.getAttribute('id')!)) {
      const columns = headersOf(page, figure)
      for (const row of cellsOf(page, figure)) {
        for (const [index, entry] of row.entries()) {
          const href = entry.querySelector('a')?.getAttribute('href')?.replace(/&amp;/g, '&')
          const text = entry.text.trim()
          if (!(href?.startsWith('/queue?') || href?.startsWith('/staff/')) || !/^\d+$/.test(text)) continue
          const board = await staff.get(href)
          expect(board.status, href).toBe(200)
          const shown = await html(board)
          const tallied = (TALLIED[figure] ?? []).includes(columns[index]!) || (figure === 'sla' && row[1]!.text.trim() === 'next response')
          const counted = shown.querySelector(`[data-count="${tallied ? 'tally' : 'items'}"]`)?.text
          expect(counted, `${figure} / ${columns[index]} (${href})`).toBe(text)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(30)
  })

  it('lists the escalations of a week, 522 items over eleven pages, and their out-of-hours part', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    const week = (cells: string[]) => cells[0] === '2026-03-02'
    const escalated = cell(page, 'escalations', week, 'Items')
    expect(escalated.text).toBe(String(BULK + 2))
    const listed = await follow(escalated.href)
    expect(listed.items).toBe(BULK + 2)
    expect(sorted(listed.ids)).toEqual(sorted([items.a, items.b, ...bulk]))
    expect(listed.tally).toBe(BULK + 2)
    expect(listed.summary).toMatch(/^Showing the items behind a scoreboard figure: Escalated .* UTC\. 522 items · 522 escalations$/)
    const outOfHours = await queryRows<{ item_id: number }>(t.db, sql`select item_id from escalations where out_of_hours`)
    const late = cell(page, 'escalations', week, 'Out of hours')
    expect(late.text).toBe(String(outOfHours.length))
    expect(sorted((await follow(late.href)).ids)).toEqual(sorted(outOfHours.map((row) => row.item_id)))
  })

  it('lists the items of a timing, an SLA outcome and a policy, from the same facts as the figures', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    const row = (team: string, kind: string) => (cells: string[]) => cells[0] === team && cells[1] === kind
    const billing = await follow(cell(page, 'first-response', row('billing', 'question'), 'Items').href)
    expect(sorted(billing.ids)).toEqual(sorted([items.c, ...bulk]))
    const reopened = await follow(cell(page, 'resolution', row('platform', 'question'), 'Reopenings').href)
    expect(reopened).toMatchObject({ ids: [items.a], items: 1, tally: 1 })
    const answered = await follow(cell(page, 'first-response', row('platform', 'question'), 'Answered').href)
    expect(answered.ids).toEqual([items.a])
    const standard = (target: string) => (cells: string[]) => cells[0] === 'Standard' && cells[1] === target
    expect((await follow(cell(page, 'sla', standard('first response'), 'Met').href)).ids).toEqual([items.a])
    const missed = await follow(cell(page, 'sla', standard('first response'), 'Missed').href)
    expect(missed.ids).toEqual([items.b])
    expect(missed.chips).toEqual(expect.arrayContaining(['first-response target missed', 'SLA policy Standard', 'not closed as a duplicate']))
    // Over 500 as well (the bulk never answered): counted in full, its first page listed.
    const running = cell(page, 'sla', standard('first response'), 'Running')
    expect(running.text).toBe(String(BULK + 1))
    expect(await follow(running.href, { allPages: false })).toMatchObject({ items: BULK + 1 })
  })

  it('lists a top issue’s items, its linked duplicates, its customers and its open escalations', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    const issue = (cells: string[]) => cells[0] === `#${items.a}`
    const members = await follow(cell(page, 'top-issues', issue, 'Items').href)
    expect(sorted(members.ids)).toEqual(sorted([items.a, items.d]))
    expect(members.tally).toBe(2)
    expect(members.chips[0]).toBe(`#${items.a} “Exports time out for large accounts” and its linked duplicates`)
    expect((await follow(cell(page, 'top-issues', issue, 'Linked duplicates').href)).ids).toEqual([items.d])
    const open = await follow(cell(page, 'top-issues', issue, 'Open escalations').href)
    expect(open).toMatchObject({ ids: [items.a], tally: 1 })
  })

  it('lists each person’s work, a shift’s escalations and the ratings per team, kind and engineer', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    const sam = (cells: string[]) => cells[0] === 'Sam Support'
    const eve = (cells: string[]) => cells[0] === 'Eve Engineer'
    const assigned = await follow(cell(page, 'people', sam, 'Assigned').href)
    expect(assigned.ids).toEqual([items.b])
    expect(assigned.chips[0]).toMatch(/^Assigned to Sam Support \d+ Feb 2026 12:00 UTC – 3 Mar 2026 12:00 UTC$/)
    expect(sorted((await follow(cell(page, 'people', sam, 'Answered').href)).ids)).toEqual(sorted([items.a, items.b]))
    expect(sorted((await follow(cell(page, 'people', sam, 'Closed').href)).ids)).toEqual(sorted([items.a, items.c]))
    const received = await follow(cell(page, 'people', eve, 'Escalations received').href)
    expect(sorted(received.ids)).toEqual(sorted([items.a, items.b, ...bulk]))
    expect((await follow(cell(page, 'people', eve, 'Escalations answered').href)).ids).toEqual([items.b])

    const shift = await follow(cell(page, 'shifts', (cells) => cells[0] === 'platform' && cells[4] !== '0', 'Escalations').href)
    expect(shift).toMatchObject({ ids: sorted([items.a, items.b]), tally: 2 })
    expect(shift.chips[0]).toMatch(/^Escalated to the platform rotation during Eve Engineer’s shift/)

    for (const who of [(cells: string[]) => cells[0] === 'team' && cells[1] === 'billing', (cells: string[]) => cells[0] === 'kind', (cells: string[]) => cells[0] === 'engineer'])
      expect(await follow(cell(page, 'csat', who, 'Ratings').href)).toMatchObject({ ids: [items.c], items: 1, tally: 1 })
  })

  it('lists the forum questions and the search lookups behind the forum’s own figures', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    const platform = (cells: string[]) => cells[0] === 'platform'
    const asked = await follow(cell(page, 'accepted-solutions', platform, 'Questions').href)
    expect(sorted(asked.ids)).toEqual(sorted(threads.platform))
    expect(asked.summary).toMatch(/^Visible questions asked .* UTC, team platform: 3\.$/)
    const accepted = await follow(cell(page, 'accepted-solutions', platform, 'Accepted solution').href)
    expect(accepted).toMatchObject({ items: 1, ids: [threads.platform[0]] })
    const search = (cells: string[]) => cells[0] === 'search'
    expect((await follow(cell(page, 'deflection', search, 'Lookups').href)).items).toBe(3)
    expect((await follow(cell(page, 'deflection', search, 'Opened a solved thread').href)).items).toBe(2)
    expect(await follow(cell(page, 'deflection', search, 'Did not ask (deflected)').href)).toMatchObject({ items: 1, ids: [deflectedLookup] })
    const refused = await staff.get('/staff/search/lookups?kind=search&from=yesterday')
    expect(refused.status).toBe(422)
    expect((await html(refused)).querySelector('#lookups-from-error')!.text).toMatch(/date like/)
    expect((await staff.get('/staff/questions?from=2026-03-02&to=2026-03-01')).status).toBe(422)
    const member = await t.client().signInAs(customer)
    expect((await member.get('/staff/questions?from=2026-03-01&to=2026-03-03')).status).toBe(403)
    expect((await member.get('/staff/search/lookups?kind=search&from=2026-03-01')).status).toBe(403)
  })

  it('keeps filters removable one by one, and says which filter could not be used instead of failing', async () => {
    const board = await html(await staff.get(`/queue?state=all&team=platform&event=replied&by=${support.id}&from=2026-03-02&to=2026-03-03`))
    expect(board.querySelector('.figure-summary')!.text.replace(/\s+/g, ' ')).toContain('Answered publicly by Sam Support on 2 Mar 2026, team platform.')
    const remove = board.querySelectorAll('.filter-chips li a').map((link) => link.getAttribute('href')!.replace(/&amp;/g, '&'))
    expect(remove[0]).toBe('/queue?team=platform&state=all')
    expect(remove[1]).toBe(`/queue?state=all&from=2026-03-02&to=2026-03-03&event=replied&by=${support.id}`)

    for (const [query, field, message] of [
      ['event=escalated&from=2026-13-45', 'from', /date like 2026-11-01/],
      ['event=escalated&from=2026-03-05&to=2026-03-01', 'to', /after the start/],
      [`by=${support.id}`, 'by', /needs an event/],
      ['sla=first_response_late', 'sla', /SLA outcome is one of/],
      ['shift=abc', 'shift', /valid rotation shift/],
    ] as const) {
      const response = await staff.get(`/queue?state=all&${query}`)
      expect(response.status, query).toBe(422)
      const refused = await html(response)
      expect(refused.querySelector(`#board-${field}-error`)?.text, query).toMatch(message)
      expect(refused.querySelectorAll('table.board tbody tr')).toHaveLength(0)
    }
    // The default board has none of it.
    expect((await html(await staff.get('/queue'))).querySelector('.figure-filters')).toBeNull()
  })

  // Last: it changes the scenario.
  it('shows what the rollup wrote since, not a board kept from before it', async () => {
    const page = await html(await staff.get('/scoreboard?period=7'))
    const running = cell(page, 'sla', (cells) => cells[0] === 'Standard' && cells[1] === 'resolution', 'Running').href
    at('3T12:10')
    await changeItemState({ ctx: t.ctx(support), input: { itemId: items.b, state: 'resolved' } })
    // Before the rollup ran, the facts still say B's resolution target is running.
    expect((await follow(running, { allPages: false })).items).toBe(BULK + 2)
    await runScoreboardRollup(t.db, t.clock.now())
    expect((await follow(running, { allPages: false })).items).toBe(BULK + 1)
  })

  it('is for staff only', async () => {
    const member = await t.client().signInAs(customer)
    expect((await member.get(`/queue?state=all&event=rated&from=2026-03-01`)).status).toBe(403)
  })
})
