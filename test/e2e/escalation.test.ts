import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueItems, type User } from '../../src/db/schema'
import { markDuplicate } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createCategory, createOrganisation, createRotation, createTeam, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// The whole loop in a real browser: support escalates with a reproduction, the engineer on
// rotation answers "fixed", support sends the drafted replies, the asker confirms the fix.

let t: ServedApp
let itemId: number
let thread: { id: number; slug: string }
let engineerEmail: string

beforeAll(async () => {
  t = await serveTestApp()
  const category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  const acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
  const asker = await createUser(t.db, { email: 'mo@example.com', displayName: 'Mo Customer', organisationId: acme.id })
  const otherAsker = await createUser(t.db, { email: 'dee@example.com', displayName: 'Dee Duplicate' })
  const support = await createUser(t.db, { email: 'support@example.com', displayName: 'Sam Support', role: 'support' })
  const admin = await createUser(t.db, { email: 'admin@example.com', displayName: 'Ann Admin', role: 'admin' })
  const engineers: User[] = [
    await createUser(t.db, { email: 'ada@example.com', displayName: 'Ada Engineer', role: 'engineer' }),
    await createUser(t.db, { email: 'bob@example.com', displayName: 'Bob Engineer', role: 'engineer' }),
  ]
  await createTeam(t, 'platform', [{ user: support, onDuty: true }])
  await createRotation(t, admin, 'platform', engineers)
  const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
  engineerEmail = engineers.find((engineer) => engineer.id === on!.userId)!.email
  thread = await createThread(t, asker, category, { title: 'Slack alerts arrive twice since Monday', body: 'Every alert shows up twice in our channel since Monday.' })
  const duplicate = await createThread(t, otherAsker, category, { title: 'Duplicated Slack alerts', body: 'We get each Slack alert two times.' })
  await markDuplicate({ ctx: t.ctx(support), input: { threadId: duplicate.id, duplicateOfId: thread.id } })
  itemId = (await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })).id
  await t.drain()
})
afterAll(() => t.close())

describe('escalate, answer, close the loop', () => {
  it('runs from the item page to the asker’s “this solved it”', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      // Support escalates; the browser itself refuses an empty reproduction.
      await signIn(page, t.baseUrl, 'support@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/queue/items/${itemId}#escalate`)
      expect(await page.locator('.escalation-target').textContent()).toMatch(/Goes to .+ Engineer \(on rotation until .+\), answer due within 8 hours/)
      await page.getByRole('button', { name: 'Escalate', exact: true }).click()
      expect(await page.getByLabel('What the customer did').evaluate((field: HTMLTextAreaElement) => field.validity.valueMissing)).toBe(true)
      await page.getByLabel('What the customer did').fill('Connected Slack, then triggered a test alert from Settings → Alerts.')
      await page.getByLabel('What happened', { exact: true }).fill('The alert is posted twice, about a second apart.')
      await page.getByLabel('What should have happened').fill('One message per alert.')
      await page.getByLabel('Logs or links').fill('alert-id 88123; worker log: retry after ack, attempt=2')
      await page.getByLabel('How often').fill('Every alert since Monday')
      await page.getByLabel('How many customers').fill('2')
      await page.getByRole('button', { name: 'Escalate', exact: true }).click()
      await expect.poll(() => page.locator('.escalation.is-open .escalation-status').textContent()).toMatch(/Waiting for .+ Engineer/)
      expect(await page.locator('.chips .state').textContent()).toBe('Escalated')
      await page.context().clearCookies()

      // The engineer on rotation answers from their inbox.
      await signIn(page, t.baseUrl, engineerEmail, TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/escalations/mine`)
      const card = page.locator('.inbox-escalation').first()
      expect(await card.locator('.reproduction').textContent()).toContain('alert-id 88123')
      expect(await card.textContent()).toContain('Every alert shows up twice in our channel since Monday.')
      await card.getByLabel('Fixed').check()
      await card.getByLabel('Your answer', { exact: true }).fill('Acknowledged alerts were retried by the worker.')
      await card.getByLabel('Release', { exact: true }).fill('2.4.1')
      await page.screenshot({ path: 'test-results/screenshots/escalations-mine.png', fullPage: true })
      await card.getByRole('button', { name: 'Answer' }).click()
      await page.waitForURL(`${t.baseUrl}/queue/items/${itemId}#engineering`)
      expect(await page.locator('.chips .state').textContent()).toBe('Fixed, pending confirmation')
      await page.context().clearCookies()

      // Support reviews the two drafted replies and sends them with one click.
      await signIn(page, t.baseUrl, 'support@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/queue/items/${itemId}`)
      expect(await page.locator('.loop-draft textarea').count()).toBe(2)
      expect(await page.locator('.loop-draft textarea').first().inputValue()).toMatch(/^This is fixed in 2\.4\.1\./)
      await page.getByRole('button', { name: 'Send all 2 replies' }).click()
      await expect.poll(() => page.locator('.engineering').textContent()).toContain('Replies sent to customers')
      await page.context().clearCookies()

      // The asker is notified, reads the reply and says it solved it.
      await signIn(page, t.baseUrl, 'mo@example.com', TEST_PASSWORD)
      expect(await page.locator('.notifications-link .unread-count').textContent()).toBe('1')
      await page.locator('.notifications-link').click()
      await page.getByRole('link', { name: /Fixed in 2\.4\.1/ }).click()
      await page.waitForURL(new RegExp(`/t/${thread.id}/`))
      await page.getByRole('button', { name: 'This solved it' }).click()
      await expect.poll(() => page.locator('.accepted-answer').textContent()).toContain('This is fixed in 2.4.1.')
      expect(await page.locator('#fix-confirmation').count()).toBe(0)
      const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, itemId))
      expect(item!.state).toBe('resolved')
      await page.screenshot({ path: 'test-results/screenshots/fix-confirmed.png', fullPage: true })
    } finally {
      await browser.close()
    }
  })
})
