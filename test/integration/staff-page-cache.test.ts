import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../src/db/schema'
import { fileItem } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createTeam, createUser } from '../support/factories'

// Staff pages are kept while nothing was committed (src/web/staff-pages.ts). The test clock
// stands still, so only the database can make a kept page stale here: every change must still
// show at once, and a kept page must never reach anyone but the person it was rendered for.

let t: TestApp
let sam: User
let kim: User
let member: User
let itemId: number

beforeAll(async () => {
  t = await createTestApp()
  sam = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  kim = await createUser(t.db, { displayName: 'Kim Keeper', role: 'support' })
  member = await createUser(t.db, { displayName: 'Mo Member' })
  await createTeam(t, 'platform', [{ user: sam, onDuty: false }, { user: kim, onDuty: false }])
  const item = await fileItem({
    ctx: t.ctx(sam),
    input: { source: 'email', title: 'Exports fail for the whole team', description: 'Every export ends with an error.', requesterEmail: '', kind: 'bug', severity: 'normal', teamSlug: 'platform' },
  })
  itemId = item.id
})
afterAll(() => t.close())

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
