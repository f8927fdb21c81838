import { parse as parseCsv } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { mailMessages, scoreboardItemFacts, type User } from '../../src/db/schema'
import { markDuplicate } from '../../src/forum'
import { changeItemState, convertThread, replyToItem } from '../../src/queue'
import { assignIssueOwner, computeFactsDirectly, rebuildScoreboardFacts, resolveWindow, runScoreboardRollup, sendWeeklyScoreboard } from '../../src/scoreboard'
import { loadPerPerson } from '../../src/scoreboard/figures'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCalendar, createCategory, createPolicy, createTeam, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// The scoreboard's numbers against a scenario worked out by hand. The SLA calendar is open
// Monday to Friday 09:00-17:00 UTC; 2026-03-02 is a Monday. The policy: first response in 60
// business minutes, resolution in 600.
//
//   A (question) filed Mon 10:00, answered 11:30 (90), waits on the customer 12:00-14:00,
//     resolved 16:00, reopened Tue 10:00, resolved again Tue 11:00:
//     resolution = (Mon 10-17: 420) + (Tue 9-11: 120) - 120 waiting = 420; one reopening.
//   B (question) filed Mon 16:00, answered Tue 10:00: (Mon 16-17) + (Tue 9-10) = 120, late.
//   C (bug) filed Mon 10:00, answered 10:30 (30), resolved 12:00 (120).
//   D (question) filed Mon 10:00 by another customer, marked a duplicate of B's thread Mon 15:00:
//     left out of the timings, counted as B's linked duplicate and second affected customer.
//
// Seen Tuesday 12:00, last 7 days: questions' first response median (90+120)/2 = 105, p90
// 90 + 0.9*30 = 117; bugs 30. Resolution: questions 420 (A only), bugs 120. First-response
// target met by C, missed by A and B; resolution met by A and C, B still running.

let t: TestApp
let sink: SmtpSink
let support: User
let engineer: User
let customer: User
let other: User
const items: Record<'a' | 'b' | 'c' | 'd', number> = { a: 0, b: 0, c: 0, d: 0 }

const at = (iso: string) => t.clock.set(`2026-03-0${iso}:00.000Z`)

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support', email: 'sam@forum.example' })
  engineer = await createUser(t.db, { displayName: 'Eve Engineer', role: 'engineer', email: 'eve@forum.example' })
  customer = await createUser(t.db, { displayName: 'Ada Customer', email: 'ada@customer.example' })
  other = await createUser(t.db, { displayName: 'Bo Customer', email: 'bo@customer.example' })
  await createTeam(t, 'platform', [{ user: support, onDuty: false }])
  const calendar = await createCalendar(t.db, { timezone: 'UTC', windows: [1, 2, 3, 4, 5].map((day) => ({ day, start: 540, end: 1020 })) })
  await createPolicy(t.db, { name: 'Standard', first: 60, next: 480, resolution: 600, calendarId: calendar.id })
  const category = await createCategory(t.db, { team: 'platform' })

  const file = async (who: User, kind: 'question' | 'bug', title: string) => {
    const thread = await createThread(t, who, category, { title })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind, severity: 'normal', note: '' } })
    return { thread: thread.id, item: item.id }
  }
  const reply = async (itemId: number) => {
    await replyToItem({ ctx: t.ctx(support), input: { itemId, body: 'Thanks, we are looking at this now.' } })
    await t.drain()
  }
  const move = (itemId: number, state: string) => changeItemState({ ctx: t.ctx(support), input: { itemId, state } })

  at('2T10:00')
  const a = await file(customer, 'question', 'Exports time out for large accounts')
  const c = await file(customer, 'bug', 'The invoice total is off by one cent')
  const d = await file(other, 'question', 'My export never finishes, what now?')
  items.a = a.item
  items.c = c.item
  items.d = d.item
  at('2T10:30')
  await reply(c.item)
  at('2T11:30')
  await reply(a.item)
  at('2T12:00')
  await move(a.item, 'waiting_on_customer')
  await move(c.item, 'resolved')
  at('2T14:00')
  await move(a.item, 'in_progress')
  at('2T16:00')
  await move(a.item, 'resolved')
  const b = await file(customer, 'question', 'Exports of all orders stop half way')
  items.b = b.item
  at('2T15:00')
  await markDuplicate({ ctx: t.ctx(support), input: { threadId: d.thread, duplicateOfId: b.thread } })
  await t.drain()
  at('3T10:00')
  await move(a.item, 'in_progress')
  await reply(b.item)
  at('3T11:00')
  await move(a.item, 'resolved')
  at('3T12:00')
  await runScoreboardRollup(t.db, t.clock.now())
})
afterAll(async () => {
  await t.close()
  await sink.close()
})

async function scoreboardFacts() {
  const rows = await t.db.select().from(scoreboardItemFacts)
  return new Map(rows.map((row) => [row.itemId, row]))
}

type Page = Awaited<ReturnType<typeof html>>
const tableOf = (page: Page, figure: string) =>
  page.querySelectorAll(`#${figure} table tbody tr`).map((row) => row.querySelectorAll('th, td').map((cell) => cell.text.trim()))
const linkIn = (page: Page, figure: string, row: number, column: number) =>
  page.querySelectorAll(`#${figure} table tbody tr`)[row]!.querySelectorAll('th, td')[column]!.querySelector('a')?.getAttribute('href')

describe('the scoreboard', () => {
  it('computes each item’s timings from its events: business hours, waits and a reopening', async () => {
    const facts = await scoreboardFacts()
    expect(facts.get(items.a)).toMatchObject({ firstResponseMinutes: 90, resolutionMinutes: 420, pausedMinutes: 120, reopenings: 1, firstResponseMet: false, resolutionMet: true })
    expect(facts.get(items.b)).toMatchObject({ firstResponseMinutes: 120, firstResponseMet: false, resolutionMinutes: null, resolutionMet: null })
    expect(facts.get(items.c)).toMatchObject({ firstResponseMinutes: 30, firstResponseMet: true, resolutionMinutes: 120, resolutionMet: true, reopenings: 0 })
    expect(facts.get(items.d)).toMatchObject({ duplicate: true })
  })

  it('keeps the rollup equal to the direct computation from the event log, incrementally and rebuilt', async () => {
    const direct = await computeFactsDirectly(t.db, Object.values(items))
    const rolled = await scoreboardFacts()
    for (const fact of direct) expect(rolled.get(fact.itemId)).toEqual(fact)
    await rebuildScoreboardFacts(t.db, t.clock.now())
    const rebuilt = await scoreboardFacts()
    for (const fact of direct) expect(rebuilt.get(fact.itemId)).toEqual(fact)
  })

  it('keeps load per person from its rollup equal to the event log read directly, fresh events included', async () => {
    const windows = [
      { period: '7' },
      // From Tuesday 00:00: A's second close counts (its first was the day before).
      { period: 'custom', from: '2026-03-03', to: '2026-03-03' },
      { period: 'custom', from: '2026-03-02', to: '2026-03-02', team: 'platform' },
    ]
    const same = async () => {
      for (const input of windows) {
        const { window } = resolveWindow(input, t.clock.now(), ['platform'])
        expect(await loadPerPerson(t.db, window)).toEqual(await loadPerPerson(t.db, window, { direct: true }))
      }
    }
    await same()
    // Hand-computed, last 7 days: Sam answered A, B and C and closed A (twice: one item) and C.
    const { window } = resolveWindow({ period: '7' }, t.clock.now(), ['platform'])
    const sam = (await loadPerPerson(t.db, window)).find((person) => person.userId === support.id)!
    expect(sam.replied).toBe(3)
    expect(sam.closed).toBe(2)
    const tuesday = resolveWindow(windows[1]!, t.clock.now(), ['platform']).window
    expect((await loadPerPerson(t.db, tuesday)).find((person) => person.userId === support.id)!.closed).toBe(1)
    await rebuildScoreboardFacts(t.db, t.clock.now())
    await same()
  })

  it('shows the hand-computed figures, each linked to its items, and the CSV says the same', async () => {
    const client = await t.client().signInAs(support)
    const page = await html(await client.get('/scoreboard?period=7'))
    expect(tableOf(page, 'first-response')).toEqual([
      ['platform', 'bug', '1', '1', '30.0', '30.0'],
      ['platform', 'question', '2', '2', '105.0', '117.0'],
    ])
    expect(tableOf(page, 'resolution')).toEqual([
      ['platform', 'bug', '1', '1', '0', '120.0', '120.0'],
      ['platform', 'question', '2', '1', '1', '420.0', '420.0'],
    ])
    expect(tableOf(page, 'sla')).toEqual([
      ['Standard', 'first response', '1', '2', '0', '33.3'],
      ['Standard', 'next response', '0', '0', '0', '—'],
      ['Standard', 'resolution', '2', '0', '1', '100.0'],
    ])
    // The top issue is B with D as its duplicate: two items, two customers.
    const top = tableOf(page, 'top-issues')[0]!
    expect(top.slice(0, 5)).toEqual([`#${items.b}`, 'Exports of all orders stop half way', 'platform', '2', '2'])
    expect(linkIn(page, 'top-issues', 0, 3)).toBe(`/queue?state=all&issue=${items.b}`)
    // Missed first responses link to A and B on the board, and the board shows exactly those.
    const missed = linkIn(page, 'sla', 0, 3)!
    const board = await html(await client.get(missed))
    const shown = board.querySelectorAll('table.board tbody tr').map((row) => Number(row.getAttribute('data-item')))
    expect(shown.sort()).toEqual([items.a, items.b].sort())
    // The chart is an SVG drawn on the server, labelled, with the table under it.
    const chart = page.querySelector('#first-response svg.chart')!
    expect(chart.getAttribute('aria-labelledby')).toBe('chart-first-response-title chart-first-response-desc')

    for (const figure of ['first-response', 'resolution', 'sla', 'top-issues', 'backlog']) {
      const response = await client.get(`/scoreboard/${figure}.csv?period=7`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
      const rows: string[][] = parseCsv(await response.text())
      expect(rows[0]).toEqual(page.querySelectorAll(`#${figure} table thead th`).map((cell) => cell.text.trim()))
      expect(rows.slice(1)).toEqual(tableOf(page, figure))
    }
  })

  it('filters by team and refuses a bad custom period by its field, keeping the input', async () => {
    const client = await t.client().signInAs(support)
    const other = await html(await client.get('/scoreboard?period=custom&from=2026-03-01&to=2026-03-03&team=nobody'))
    const response = await client.get('/scoreboard?period=custom&from=2026-03-05&to=2026-03-01')
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#scoreboard-to-error')!.text).toMatch(/must not be before/)
    expect(page.querySelector('input[name="from"]')!.getAttribute('value')).toBe('2026-03-05')
    expect(other.querySelector('#scoreboard-team-error')!.text).toMatch(/no team/)
    const custom = await html(await client.get('/scoreboard?period=custom&from=2026-03-02&to=2026-03-02&team=platform'))
    // Only Monday's items: A, C and D filed then (B too, at 16:00).
    expect(tableOf(custom, 'first-response').map((row) => row.slice(0, 3))).toEqual([
      ['platform', 'bug', '1'],
      ['platform', 'question', '2'],
    ])
  })

  it('is for staff only: a customer is refused, a visitor sent to sign in', async () => {
    const member = await t.client().signInAs(customer)
    expect((await member.get('/scoreboard')).status).toBe(403)
    expect((await member.get('/scoreboard/sla.csv')).status).toBe(403)
    const visitor = t.client()
    const response = await visitor.get('/scoreboard')
    expect([302, 303]).toContain(response.status)
    expect(response.headers.get('location')).toMatch(/^\/login/)
  })

  it('assigns an owner to an issue from the scoreboard (staff only, staff owners, an event on the item)', async () => {
    await expect(assignIssueOwner({ ctx: t.ctx(customer), input: { itemId: items.b, ownerId: engineer.id } })).rejects.toThrow(/Only support staff/)
    await expect(assignIssueOwner({ ctx: t.ctx(support), input: { itemId: items.b, ownerId: customer.id } })).rejects.toThrow()
    const client = await t.client().signInAs(support)
    const refused = await client.post(`/scoreboard/issues/${items.b}/owner?period=7`, { ownerId: String(customer.id) })
    expect(refused.status).toBe(422)
    expect((await html(refused)).querySelector(`#owner-${items.b}-error`)!.text).toMatch(/not on the staff/)
    const saved = await client.post(`/scoreboard/issues/${items.b}/owner?period=7`, { ownerId: String(engineer.id) })
    expect(saved.status).toBe(303)
    const page = await html(await client.get('/scoreboard?period=7'))
    expect(tableOf(page, 'top-issues')[0]!.at(-1)).toBe('Eve Engineer')
  })

  it('mails the weekly summary to each staff member once per week', async () => {
    const first = await sendWeeklyScoreboard(t.db, t.ctx().mail!, t.clock.now())
    expect(first).toBe(2)
    expect(await sendWeeklyScoreboard(t.db, t.ctx().mail!, t.clock.now())).toBe(0)
    await t.drain()
    const mails = await sink.waitFor(2)
    const summary = mails.find((mail) => mail.subject?.startsWith('Scoreboard: week of 2026-03-02'))!
    expect(summary.text).toContain(`#${items.b} Exports of all orders stop half way: 2 customers, 2 items`)
    expect(summary.text).toContain('Median first response (business minutes): platform bugs 30.0 min; platform questions 105.0 min.')
    // Opting out is one click (RFC 8058) and the footer says how.
    expect(summary.headerLines.some((line) => line.key === 'list-unsubscribe')).toBe(true)
    expect(summary.text).toMatch(/Unsubscribe: http:\/\/localhost\/mail\/unsubscribe\//)
    const rows = await t.db.select().from(mailMessages).where(eq(mailMessages.kind, 'scoreboard_weekly'))
    expect(rows.map((row) => row.userId).sort()).toEqual([support.id, engineer.id].sort())
  })

  it('counts work done since the last rollup run, read from the event log', async () => {
    at('3T12:30')
    const early = resolveWindow({ period: '7' }, t.clock.now(), ['platform']).window
    const before = (await loadPerPerson(t.db, early)).find((person) => person.userId === engineer.id)
    expect(before?.replied ?? 0).toBe(0)
    // Eve answers C after the rollup ran (and before it runs again): the figure has it already.
    await replyToItem({ ctx: t.ctx(engineer), input: { itemId: items.c, body: 'Found it: a rounding step in the tax code.' } })
    at('3T12:31')
    const { window } = resolveWindow({ period: '7' }, t.clock.now(), ['platform'])
    const after = (await loadPerPerson(t.db, window)).find((person) => person.userId === engineer.id)!
    expect(after.replied).toBe(1)
    expect(await loadPerPerson(t.db, window)).toEqual(await loadPerPerson(t.db, window, { direct: true }))
    await runScoreboardRollup(t.db, t.clock.now())
    expect(await loadPerPerson(t.db, window)).toEqual(await loadPerPerson(t.db, window, { direct: true }))
  })
})
