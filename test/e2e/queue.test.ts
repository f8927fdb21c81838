import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueItems, type User } from '../../src/db/schema'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createCategory, createOrganisation, createTeam, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// The board in a real browser: filters swap the board without a reload, the keyboard moves
// through items and takes one, and the item page works end to end.

let t: ServedApp
let support: User

beforeAll(async () => {
  t = await serveTestApp()
  const category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  const enterprise = await createOrganisation(t.db, { name: 'Brightwater', plan: 'enterprise', isPriority: true })
  const customer = await createUser(t.db, { organisationId: enterprise.id, displayName: 'Priya Raman' })
  const freeCustomer = await createUser(t.db, { displayName: 'Noah Free' })
  support = await createUser(t.db, { email: 'support@example.com', displayName: 'Sam Support', role: 'support' })
  await createTeam(t, 'platform', [{ user: support, onDuty: false }])
  await createThread(t, customer, category, { title: 'Webhooks fail with 502 Bad Gateway since 2.4.1', body: 'Every delivery fails with HTTP 502 Bad Gateway since upgrading to 2.4.1; it used to work.' })
  await createThread(t, freeCustomer, category, { title: 'CSV export crashes with TypeError', body: 'The export crashes: TypeError: cannot read properties of undefined (reading "rows")' })
  await createThread(t, freeCustomer, category, { title: 'Sync stopped working after the update', body: 'Since the update the sync fails every night with error code E4012.' })
  await t.drain()
})
afterAll(() => t.close())

describe('the support board', () => {
  it('filters without reloading, moves with j/k and takes an item with a', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      await signIn(page, t.baseUrl, 'support@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/queue`)
      const rows = page.locator('table.board tbody tr')
      await expect.poll(() => rows.count()).toBe(3)
      expect(await rows.first().locator('.class-badge').textContent()).toBe('P2')
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1))

      await page.getByLabel('Class').selectOption('4')
      await expect.poll(() => rows.count()).toBe(2)
      expect(new URL(page.url()).searchParams.get('priority')).toBe('4')
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1)
      await page.getByLabel('Class').selectOption('')
      await expect.poll(() => rows.count()).toBe(3)

      await page.locator('body').press('j')
      await page.keyboard.press('j')
      const selected = page.locator('table.board tr.is-selected')
      const id = Number(await selected.getAttribute('data-item'))
      await page.screenshot({ path: 'test-results/screenshots/queue-board.png', fullPage: true })
      await Promise.all([page.waitForURL(`${t.baseUrl}/queue`), page.keyboard.press('a')])
      const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, id))
      expect(item!.assigneeId).toBe(support.id)
      await expect.poll(() => page.locator(`tr[data-item="${id}"] td:nth-child(5)`).textContent()).toContain('Sam Support')
    } finally {
      await browser.close()
    }
  })

  it('works an item from its page: note, reply, state', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      await signIn(page, t.baseUrl, 'support@example.com', TEST_PASSWORD)
      const [item] = await t.db.select().from(queueItems).where(eq(queueItems.kind, 'bug')).limit(1)
      await page.goto(`${t.baseUrl}/queue/items/${item!.id}`)
      await page.getByLabel('Add a note').fill('Reproduced on staging; looks like the proxy timeout.')
      await page.getByRole('button', { name: 'Add note' }).click()
      await expect.poll(() => page.locator('.notes .note').count()).toBe(1)
      await page.getByLabel('Reply', { exact: true }).fill('Thanks! We reproduced it and are fixing it now.')
      await page.getByLabel('Wait for the customer').check()
      await page.getByRole('button', { name: 'Send reply' }).click()
      await expect.poll(() => page.locator('#state-heading').textContent()).toBe('State: Waiting on customer')
      expect(await page.locator('.sla-table').textContent()).toMatch(/First response\s*met/)
      await page.screenshot({ path: 'test-results/screenshots/queue-item.png', fullPage: true })
    } finally {
      await browser.close()
    }
  })
})
