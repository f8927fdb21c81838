import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createCategory, createReply, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// Search in a real browser: results update as you type, and while asking, similar questions
// appear under the title so the asker can stop.

let t: ServedApp

beforeAll(async () => {
  t = await serveTestApp()
  const category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations' })
  const asker = await createUser(t.db)
  const helper = await createUser(t.db, { role: 'support' })
  await createUser(t.db, { email: 'writer@example.com', displayName: 'Writer' })
  const solved = await createThread(t, asker, category, { title: 'Slack notifications stopped after reinstalling the app', body: 'No messages arrive in our channel.' })
  const answer = await createReply(t, helper, solved.id, 'Re-authorise the Slack app under Settings → Integrations; reinstalling revokes the old token.')
  await (await t.client().signInAs(asker)).post(`/r/${answer.id}/accept`, { on: '1' })
  await createThread(t, asker, category, { title: 'Jira issues are created twice from one ticket', body: 'Every escalation creates two Jira issues.' })
  await t.drain()
})
afterAll(() => t.close())

describe('search in the browser', () => {
  it('updates results as you type, without reloading, and keeps the URL shareable', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      await page.goto(`${t.baseUrl}/search`)
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1))
      await page.getByLabel('Search the forum', { exact: true }).pressSequentially('slack notif', { delay: 40 })
      await expect.poll(() => page.locator('.search-result h2 a').allTextContents()).toEqual(['Slack notifications stopped after reinstalling the app'])
      expect(await page.locator('.search-result mark').first().textContent()).toMatch(/slack/i)
      expect(await page.locator('.accepted-excerpt').textContent()).toContain('Re-authorise the Slack app')
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('slack notif')
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1)
      await page.getByLabel('Search the forum', { exact: true }).fill('jira twice')
      await expect.poll(() => page.locator('.search-result h2 a').allTextContents()).toEqual(['Jira issues are created twice from one ticket'])
      await page.screenshot({ path: 'test-results/screenshots/search.png', fullPage: true })
    } finally {
      await browser.close()
    }
  })

  it('shows similar questions while the title is typed on the ask page', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      await signIn(page, t.baseUrl, 'writer@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/ask`)
      await page.getByLabel('Title', { exact: true }).pressSequentially('Slack app stopped sending notifications', { delay: 20 })
      const similar = page.locator('#similar-questions .similar-list li')
      await expect.poll(() => similar.first().locator('a').textContent()).toBe('Slack notifications stopped after reinstalling the app')
      expect(await similar.first().locator('.solved-badge').count()).toBe(1)
      expect(await similar.first().locator('a').getAttribute('target')).toBe('_blank')
      await page.screenshot({ path: 'test-results/screenshots/ask-similar.png', fullPage: true })
    } finally {
      await browser.close()
    }
  })
})
