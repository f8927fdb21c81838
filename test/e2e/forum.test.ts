import { mkdirSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { threads, type Category, type User } from '../../src/db/schema'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createCategory, createReply, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// The whole customer path in a real browser: ask with a live preview, answer, vote and
// accept, once with JavaScript (htmx swaps fragments) and once without (plain forms).

// Screenshots are how we look at the pages; they land in test-results/ (not committed).
const SCREENSHOTS = 'test-results/screenshots'

let t: ServedApp
let category: Category
let asker: User
let helper: User

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  t = await serveTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', description: 'Webhooks, API and SDKs' })
  await createCategory(t.db, { name: 'Billing', slug: 'billing', description: 'Plans, invoices and payments' })
  asker = await createUser(t.db, { email: 'asker@example.com', displayName: 'Priya Asker' })
  helper = await createUser(t.db, { email: 'helper@example.com', displayName: 'Sam from Support', role: 'support' })
})
afterAll(() => t.close())

const QUESTION_BODY = [
  'Since upgrading to **2.4.1**, every webhook delivery fails:',
  '',
  '```json',
  '{ "status": 502, "error": "Bad Gateway" }',
  '```',
  '',
  'Our endpoint answers within 40 s. Did the timeout change?',
].join('\n')

describe('with JavaScript', () => {
  it('asks with a live preview, answers, votes and accepts without reloading the page', async () => {
    const askerBrowser = await launchBrowser()
    const helperBrowser = await launchBrowser()
    try {
      const page = askerBrowser.page
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await signIn(page, t.baseUrl, 'asker@example.com', TEST_PASSWORD)

      await page.goto(`${t.baseUrl}/ask`)
      await page.getByLabel('Title', { exact: true }).fill('Webhook deliveries fail with 502 since 2.4.1')
      await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Integrations' })
      await page.getByLabel('Question', { exact: true }).pressSequentially(QUESTION_BODY.slice(0, 60))
      await page.getByLabel('Question', { exact: true }).fill(QUESTION_BODY)
      await page.getByLabel('Question', { exact: true }).press('End')
      const preview = page.locator('#question-body-preview')
      await expect.poll(() => preview.locator('strong').textContent()).toBe('2.4.1')
      await expect.poll(() => preview.locator('pre code').textContent()).toContain('"status": 502')
      await page.getByLabel('Tags (optional)', { exact: true }).fill('webhooks, upgrade')
      await Promise.all([page.waitForURL(/\/t\/\d+\/webhook-deliveries-fail-with-502-since-2-4-1$/), page.getByRole('button', { name: 'Post your question' }).click()])
      const threadUrl = page.url()
      expect(await page.locator('h1').textContent()).toBe('Webhook deliveries fail with 502 since 2.4.1')

      // The helper answers through htmx: the reply appears and the page never reloads.
      const helperPage = helperBrowser.page
      await signIn(helperPage, t.baseUrl, 'helper@example.com', TEST_PASSWORD)
      await helperPage.goto(threadUrl)
      await helperPage.evaluate(() => ((window as unknown as { marker: number }).marker = 42))
      await helperPage.getByLabel('Reply', { exact: true }).fill('2.4 lowered the delivery timeout to **30 s**. Set `webhooks.timeout = 60` in the admin settings.')
      await expect.poll(() => helperPage.locator('#reply-body-preview strong').textContent()).toBe('30 s')
      await helperPage.getByRole('button', { name: 'Post reply' }).click()
      await expect.poll(() => helperPage.locator('#reply-list article').count()).toBe(1)
      expect(await helperPage.locator('#replies-heading').textContent()).toBe('1 reply')
      expect(await helperPage.getByLabel('Reply', { exact: true }).inputValue()).toBe('')
      expect(await helperPage.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42)

      // Short replies are refused in place, keeping the text.
      await helperPage.getByLabel('Reply', { exact: true }).fill('too short')
      await helperPage.getByRole('button', { name: 'Post reply' }).click()
      await expect.poll(() => helperPage.locator('#reply-body-error').textContent()).toMatch(/at least 10 characters/)
      expect(await helperPage.getByLabel('Reply', { exact: true }).inputValue()).toBe('too short')
      expect(await helperPage.locator('#reply-list article').count()).toBe(1)

      // The helper upvotes the question; the count changes in place.
      await helperPage.getByRole('button', { name: 'Upvote this question' }).click()
      await expect.poll(() => helperPage.locator('#thread-vote .vote-count').textContent()).toBe('1')
      expect(await helperPage.getByRole('button', { name: 'Remove your upvote' }).getAttribute('aria-pressed')).toBe('true')
      expect(await helperPage.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42)

      // The asker sees the answer, upvotes it and marks it as the solution.
      await page.reload()
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7))
      await page.locator('#reply-list').getByRole('button', { name: 'Upvote this reply' }).click()
      await expect.poll(() => page.locator('#reply-list .vote-count').textContent()).toBe('1')
      await page.getByRole('button', { name: 'Mark as solution' }).click()
      await expect.poll(() => page.locator('.accepted-answer .prose').textContent()).toContain('delivery timeout to 30 s')
      expect(await page.locator('.solved-badge').count()).toBe(0) // the badge sits in the header, outside the swapped region
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7)
      await page.reload()
      expect(await page.locator('.solved-badge').textContent()).toContain('Solved')
      await page.screenshot({ path: `${SCREENSHOTS}/thread.png`, fullPage: true })

      await page.goto(`${t.baseUrl}/`)
      await page.screenshot({ path: `${SCREENSHOTS}/home.png`, fullPage: true })
      expect(errors).toEqual([])
    } finally {
      await askerBrowser.close()
      await helperBrowser.close()
    }
  })

  it('fits a phone screen', async () => {
    const thread = await createThread(t, asker, category, { title: 'How do I rotate an API key without downtime?' })
    await createReply(t, helper, thread.id, 'Create the new key first, deploy it, then revoke the old one.')
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 } })
    try {
      await browser.page.goto(`${t.baseUrl}/t/${thread.id}/${thread.slug}`)
      const overflow = await browser.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow).toBeLessThanOrEqual(0)
      await browser.page.screenshot({ path: `${SCREENSHOTS}/thread-phone.png`, fullPage: true })
    } finally {
      await browser.close()
    }
  })
})

describe('without JavaScript', () => {
  it('asks with the Preview button, answers, votes and accepts through plain forms', async () => {
    const askerBrowser = await launchBrowser({ javaScript: false })
    const helperBrowser = await launchBrowser({ javaScript: false })
    try {
      const page = askerBrowser.page
      await signIn(page, t.baseUrl, 'asker@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/ask`)
      await page.getByLabel('Title', { exact: true }).fill('Invoices show the wrong currency for EU customers')
      await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Billing' })
      await page.getByLabel('Question', { exact: true }).fill('Our invoices say **USD** although the account is set to EUR.')
      await page.getByRole('button', { name: 'Preview' }).click()
      await page.waitForLoadState()
      expect(await page.locator('#question-body-preview strong').textContent()).toBe('USD')
      expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('Invoices show the wrong currency for EU customers')
      await Promise.all([page.waitForURL(/\/t\/\d+\//), page.getByRole('button', { name: 'Post your question' }).click()])
      const threadUrl = page.url()

      const helperPage = helperBrowser.page
      await signIn(helperPage, t.baseUrl, 'helper@example.com', TEST_PASSWORD)
      await helperPage.goto(threadUrl)
      await helperPage.getByLabel('Reply', { exact: true }).fill('Too short')
      await helperPage.getByRole('button', { name: 'Post reply' }).click()
      await helperPage.waitForLoadState()
      expect(await helperPage.locator('#reply-body-error').textContent()).toMatch(/at least 10 characters/)
      expect(await helperPage.getByLabel('Reply', { exact: true }).inputValue()).toBe('Too short')
      await helperPage.getByLabel('Reply', { exact: true }).fill('Set the billing currency under Settings → Billing; invoices follow it from the next cycle.')
      await Promise.all([helperPage.waitForURL(/#reply-\d+$/), helperPage.getByRole('button', { name: 'Post reply' }).click()])
      expect(await helperPage.locator('#reply-list article').count()).toBe(1)
      await helperPage.getByRole('button', { name: 'Upvote this question' }).click()
      await helperPage.waitForLoadState()
      expect(await helperPage.locator('#thread-vote .vote-count').textContent()).toBe('1')

      await page.goto(threadUrl)
      await page.getByRole('button', { name: 'Mark as solution' }).click()
      await page.waitForLoadState()
      expect(await page.locator('.accepted-answer .prose').textContent()).toContain('Settings → Billing')
      const id = Number(new URL(threadUrl).pathname.split('/')[2])
      const [row] = await t.db.select().from(threads).where(eq(threads.id, id))
      expect(row?.acceptedReplyId).not.toBeNull()
      expect(row?.upvoteCount).toBe(1)
    } finally {
      await askerBrowser.close()
      await helperBrowser.close()
    }
  })
})

describe('hostile posts', () => {
  it('execute nothing in the browser', async () => {
    const payloads = [
      '<script>window.pwned = 1; document.title = "pwned"</script>',
      '<img src="https://127.0.0.1:1/x.png" onerror="window.pwned = 2">',
      '<a href="javascript:window.pwned=3">click me</a>',
      '[markdown link](javascript:window.pwned=4)',
      '<svg onload="window.pwned=5"></svg><iframe src="javascript:window.pwned=6"></iframe>',
      '<details open ontoggle="window.pwned=7"><summary>x</summary></details>',
      '"><script>window.pwned=8</script>',
      '</script><script>window.pwned=9</script>',
    ].join('\n\n')
    const thread = await createThread(t, asker, category, { title: 'Hostile </script><script>window.pwned=10</script> title', body: payloads })
    await createReply(t, helper, thread.id, payloads)
    const browser = await launchBrowser()
    try {
      const dialogs: string[] = []
      browser.page.on('dialog', (dialog) => {
        dialogs.push(dialog.message())
        void dialog.dismiss()
      })
      await browser.page.goto(`${t.baseUrl}/t/${thread.id}/${thread.slug}`)
      await browser.page.waitForLoadState('networkidle')
      for (const link of await browser.page.locator('.prose a').all()) await link.click({ trial: true }).catch(() => {})
      expect(await browser.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
      expect(await browser.page.title()).not.toBe('pwned')
      expect(dialogs).toEqual([])
      expect(await browser.page.locator('h1').textContent()).toBe('Hostile </script><script>window.pwned=10</script> title')
    } finally {
      await browser.close()
    }
  })
})
