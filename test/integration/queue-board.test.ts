import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../src/db/client'
import type { User } from '../../src/db/schema'
import { assignItem, changeItemState, fileItem, getBoard, getBoardRows, type BoardFilters } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createOrganisation, createPolicy, createTeam, createUser } from '../support/factories'

// The board as support works it all day: numbered rows, a labelled score, pages instead of one
// endless table, no alarm on an empty queue, and an escalate form that waits until asked for.

let t: TestApp
let support: User
let customer: User

beforeAll(async () => {
  t = await createTestApp()
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  const acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
  customer = await createUser(t.db, { displayName: 'Ada Customer', email: 'ada@acme.example', organisationId: acme.id })
  // Nobody on duty: items wait unassigned, so the order inside a class is by score, then number.
  await createTeam(t, 'platform', [{ user: support, onDuty: false }])
})
afterAll(() => t.close())

const rowIds = (page: Awaited<ReturnType<typeof html>>) => page.querySelectorAll('table.board tbody tr').map((row) => Number(row.getAttribute('data-item')))

describe('the queue board', () => {
  it('an empty queue raises no alarm: the P0 chip is not red', async () => {
    const client = await t.client().signInAs(support)
    const page = await html(await client.get('/queue'))
    const p0 = page.querySelectorAll('.count-chips a').find((link) => /P0/.test(link.text))!
    expect(p0.text.replace(/\s+/g, ' ').trim()).toBe('0 P0')
    expect(p0.classList.contains('p0')).toBe(false)
    expect(page.querySelector('.empty')?.text).toMatch(/The queue is empty/)
  })

  it('numbers its rows, labels the score, and pages through every item once', async () => {
    const filed: number[] = []
    for (let n = 1; n <= 57; n++) {
      const item = await fileItem({
        ctx: t.ctx(support),
        input: { source: 'email', title: `Invoice ${n} shows the wrong total`, description: `Customer wrote in about invoice ${n}.`, requesterEmail: '', kind: 'question', severity: n % 5 === 0 ? 'high' : 'normal', teamSlug: 'platform' },
      })
      filed.push(item.id)
    }
    const client = await t.client().signInAs(support)
    const first = await html(await client.get('/queue'))
    const firstIds = rowIds(first)
    expect(firstIds).toHaveLength(50)
    const row = first.querySelector(`tr[data-item="${firstIds[0]}"]`)!
    expect(row.querySelector('.item-number')?.text).toBe(`#${firstIds[0]}`)
    expect(row.querySelector('.score')?.text.trim()).toMatch(/^score \d+$/)
    expect(first.querySelector('table.board thead th')?.text).toBe('Class and score')

    const next = first.querySelector('.pagination a[rel="next"]')!
    expect(next.text).toBe('Next 50 items')
    // Items filed meanwhile do not shift the next page (keyset, not offset).
    await fileItem({
      ctx: t.ctx(support),
      input: { source: 'chat', title: 'A late arrival from the chat', description: 'Filed while support was reading page one.', requesterEmail: '', kind: 'question', severity: 'normal', teamSlug: 'platform' },
    })
    const second = await html(await client.get(next.getAttribute('href')!))
    const secondIds = rowIds(second)
    expect(second.querySelector('.pagination a[rel="next"]')).toBeNull()
    expect(second.querySelector('.pagination a')?.text).toBe('First page')
    const seen = [...firstIds, ...secondIds]
    expect(new Set(seen).size).toBe(seen.length)
    for (const id of filed) expect(seen).toContain(id)

    // A tampered cursor is the first page, not an error.
    const tampered = await client.get('/queue?after=not-a-cursor')
    expect(tampered.status).toBe(200)
    expect(rowIds(await html(tampered))[0]).toBe(rowIds(await html(await client.get('/queue')))[0])
  })

  it('keeps the escalate form folded until asked for, prefilled with what the item knows', async () => {
    const item = await fileItem({
      ctx: t.ctx(support),
      input: { source: 'email', title: 'Exports time out for Acme', description: 'Ada wrote that every export times out.', requesterEmail: 'ada@acme.example', kind: 'bug', severity: 'normal', teamSlug: 'platform' },
    })
    const client = await t.client().signInAs(support)
    const page = await html(await client.get(`/queue/items/${item.id}`))
    const details = page.querySelector('details.escalate-details')!
    expect(details).toBeTruthy()
    expect(details.hasAttribute('open')).toBe(false)
    expect(details.querySelector('summary')?.text).toMatch(/Escalate to engineering/)
    expect(page.querySelector('#escalate-account')?.getAttribute('value')).toBe('Acme Corp (enterprise)')
    expect(page.querySelector('#escalate-customersAffected')?.getAttribute('value')).toBe('1')
    expect(page.querySelector('#escalate-customerDid')?.text).toBe('')

    const refused = await client.post(`/queue/items/${item.id}/escalate`, { customerDid: 'Clicked export', account: 'Acme Corp (enterprise)' })
    expect(refused.status).toBe(422)
    const again = await html(refused)
    expect(again.querySelector('details.escalate-details')?.hasAttribute('open')).toBe(true)
    expect(again.querySelector('#escalate-customerDid')?.text).toBe('Clicked export')
    expect(texts(again, '#escalate-whatHappened-error').join(' ')).toMatch(/What happened/)
  })
})

// The open board reads its order from a stored sort key (queue_priorities: class, a copy of the
// assignee, score) through one index, instead of computing it for every open item per request.
// Its order must stay exactly the computed one, and every change must show at once.
describe('the board read from its stored sort key', () => {
  /** The board's order as it was computed per request before the key was stored. */
  async function computedOrder(team?: string, priority?: number): Promise<number[]> {
    const rows = await queryRows<{ id: number }>(
      t.db,
      sql`select i.id from queue_items i left join queue_priorities p on p.item_id = i.id
          where i.state not in ('resolved', 'wont_fix') ${team ? sql`and i.team_slug = ${team}` : sql``}
            ${priority === undefined ? sql`` : sql`and coalesce(p.priority_class, 4) = ${priority}`}
          order by coalesce(p.priority_class, 4), (case when i.assignee_id is null then 0 else 1 end), coalesce(p.score, 0)::real desc, i.id`,
    )
    return rows.map((row) => row.id)
  }

  /** Every page of the board, following its cursors. */
  async function boardOrder(filters: BoardFilters = {}): Promise<number[]> {
    const ids: number[] = []
    let after: string | undefined
    for (;;) {
      const page = await getBoardRows(t.ctx(support), { ...filters, after })
      ids.push(...page.rows.map((row) => row.id))
      if (!page.next) return ids
      after = page.next
    }
  }

  async function computedCounts(actorId: number) {
    const [row] = await queryRows<{ open: number; by_class: number[]; unassigned: number; mine: number; breached: number; due_soon: number }>(
      t.db,
      sql`select count(*)::int as open,
            array(select count(o.cls)::int from generate_series(0, 4) c
                  left join (select coalesce(p.priority_class, 4) as cls from queue_items i left join queue_priorities p on p.item_id = i.id
                             where i.state not in ('resolved', 'wont_fix')) o on o.cls = c group by c order by c) as by_class,
            count(*) filter (where i.assignee_id is null)::int as unassigned,
            count(*) filter (where i.assignee_id = ${actorId})::int as mine,
            count(*) filter (where cardinality(i.breached) > 0 or least(case when i.first_response_at is null then i.first_response_due_at end,
              i.next_response_due_at, i.resolution_due_at) <= ${t.clock.now().toISOString()}::timestamptz)::int as breached,
            count(*) filter (where least(case when i.first_response_at is null then i.first_response_due_at end, i.next_response_due_at, i.resolution_due_at)
              between ${t.clock.now().toISOString()}::timestamptz + interval '1 microsecond' and ${t.clock.now().toISOString()}::timestamptz + interval '1 hour')::int as due_soon
          from queue_items i where i.state not in ('resolved', 'wont_fix')`,
    )
    return { open: row!.open, byClass: row!.by_class, unassigned: row!.unassigned, mine: row!.mine, breached: row!.breached, dueSoon: row!.due_soon }
  }

  async function expectSameOrder(): Promise<void> {
    const computed = await computedOrder()
    expect(await boardOrder()).toEqual(computed)
    expect(await boardOrder({ team: 'support-desk' })).toEqual(await computedOrder('support-desk'))
    expect(await boardOrder({ priority: 2 })).toEqual(await computedOrder(undefined, 2))
    const board = await getBoard(t.ctx(support), {})
    const { open, byClass, unassigned, mine, breached, dueSoon } = board.counts
    expect({ open, byClass, unassigned, mine, breached, dueSoon }).toEqual(await computedCounts(support.id))
  }

  it('pages through open items in exactly the computed order across classes, assignment, closing and reopening', async () => {
    const deskAgent = await createUser(t.db, { displayName: 'Dana Desk', role: 'support' })
    // Dana is on duty with room for three: routing assigns the first three items filed for her team.
    await createTeam(t, 'support-desk', [{ user: deskAgent, onDuty: true, cap: 3 }])
    const organisations = [
      await createOrganisation(t.db, { name: 'Priority Co', plan: 'enterprise', isPriority: true }),
      await createOrganisation(t.db, { name: 'Startup Ltd', plan: 'startup', mrrCents: 2_000 }),
      await createOrganisation(t.db, { name: 'Free Folk', plan: 'free', mrrCents: 0 }),
      await createOrganisation(t.db, { name: 'Big Paid', plan: 'paid', mrrCents: 900_000 }),
    ]
    // Targets, so that items come due and breach as time passes (the counts' time-bound chips).
    await createPolicy(t.db, { matchPlan: 'enterprise', first: 30 })
    await createPolicy(t.db, { matchPlan: 'paid', first: 90 })
    const kinds = ['question', 'bug', 'incident', 'billing', 'feature_request'] as const
    const severities = ['low', 'normal', 'high', 'critical'] as const
    const ids: number[] = []
    for (let n = 0; n < 36; n++) {
      const organisation = n % 5 === 4 ? undefined : organisations[n % 4]!
      const item = await fileItem({
        ctx: t.ctx(support),
        input: {
          source: n % 2 ? 'email' : 'chat',
          title: `Scenario item ${n} for the stored key`,
          description: `Item ${n}, filed to vary class, score and assignee.`,
          requesterEmail: '',
          ...(organisation ? { organisationId: String(organisation.id) } : {}),
          kind: kinds[n % kinds.length]!,
          // Several items share every input, so equal scores are ordered by number.
          severity: severities[Math.floor(n / 3) % severities.length]!,
          teamSlug: n % 3 === 0 ? 'support-desk' : 'platform',
        },
      })
      ids.push(item.id)
    }
    await expectSameOrder()

    // Taken by hand, given to someone else, handed back: the item moves behind its class's
    // unassigned items at once, and back.
    await assignItem({ ctx: t.ctx(support), input: { itemId: String(ids[1]), assigneeId: 'me' } })
    await assignItem({ ctx: t.ctx(support), input: { itemId: String(ids[2]), assigneeId: String(deskAgent.id) } })
    await assignItem({ ctx: t.ctx(support), input: { itemId: String(ids[4]), assigneeId: 'me' } })
    await expectSameOrder()
    await assignItem({ ctx: t.ctx(support), input: { itemId: String(ids[4]), assigneeId: '' } })
    await expectSameOrder()

    // Closed items leave the board at once; waiting on the customer loses urgency; reopened comes back.
    await changeItemState({ ctx: t.ctx(support), input: { itemId: String(ids[5]), state: 'resolved' } })
    await changeItemState({ ctx: t.ctx(support), input: { itemId: String(ids[6]), state: 'wont_fix' } })
    await changeItemState({ ctx: t.ctx(support), input: { itemId: String(ids[7]), state: 'waiting_on_customer' } })
    await changeItemState({ ctx: t.ctx(support), input: { itemId: String(ids[8]), state: 'resolved' } })
    let order = await boardOrder()
    expect(order).not.toContain(ids[5])
    expect(order).not.toContain(ids[6])
    await expectSameOrder()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: String(ids[8]), state: 'in_progress' } })
    order = await boardOrder()
    expect(order).toContain(ids[8])
    await expectSameOrder()
    // The closed board still pages through closed items (computed per row).
    const closed = await boardOrder({ state: 'closed' })
    expect(closed).toEqual(expect.arrayContaining([ids[5], ids[6]]))

    // Time passes: enterprise items miss their first response, paid ones come due within the hour.
    t.clock.advance(40 * 60 * 1000)
    await expectSameOrder()
    const { counts } = await getBoard(t.ctx(support), {})
    expect(counts.breached).toBeGreaterThan(0)
    expect(counts.dueSoon).toBeGreaterThan(0)
    // The tick recomputes every score (urgency and age moved), and its SLA breaches unassign
    // items whose owner is off duty.
    t.clock.advance(26 * 60 * 60 * 1000)
    await t.tick()
    await expectSameOrder()
  })
})
