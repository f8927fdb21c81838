import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../src/db/schema'
import { fileItem } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createOrganisation, createTeam, createUser } from '../support/factories'

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
