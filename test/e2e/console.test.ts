import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createCategory, createReply, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// A clean console on the pages everyone sees: no CSP violation (Pico's icons once came as data:
// URLs the policy refused, hundreds of errors a walk), no htmx error, no failed request.

let t: ServedApp
let threadPath: string

beforeAll(async () => {
  t = await serveTestApp()
  const category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations' })
  const asker = await createUser(t.db)
  const helper = await createUser(t.db, { role: 'support' })
  await createUser(t.db, { email: 'console@example.com', displayName: 'Console Writer' })
  const solved = await createThread(t, asker, category, { title: 'Slack notifications stopped after reinstalling the app', body: 'No messages arrive in our channel.' })
  const answer = await createReply(t, helper, solved.id, 'Re-authorise the Slack app under Settings → Integrations.')
  await (await t.client().signInAs(asker)).post(`/r/${answer.id}/accept`, { on: '1' })
  threadPath = `/t/${solved.id}/${solved.slug}`
  await t.drain()
})
afterAll(() => t.close())

/** Everything a page complains about: console errors, uncaught exceptions, CSP violations, failed requests. */
async function watchProblems(page: Page): Promise<{ problems: string[]; violations(): Promise<string[]> }> {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  // A request the browser cancelled itself (net::ERR_ABORTED: the favicon still loading when the
  // page navigates on) is no fault of the page; every answer it got is checked below by its status.
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText
    if (error !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${error}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
  })
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { cspViolations: string[] }).cspViolations = [])
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
  })
  return {
    problems,
    violations: () => page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []),
  }
}

describe('the browser console', () => {
  it('stays clean on the home, ask and search pages, with Pico’s icons served from our origin', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      const watch = await watchProblems(page)
      await signIn(page, t.baseUrl, 'console@example.com', TEST_PASSWORD)
      for (const path of ['/', '/ask', '/search?q=slack', '/search?q=nothing+matches+this']) {
        await page.goto(`${t.baseUrl}${path}`)
        await page.waitForLoadState('networkidle')
        expect(await watch.violations(), path).toEqual([])
      }
      // The icons are there, not just unrefused: a select's arrow and a search field's magnifier
      // are images from our own origin, and every icon Pico knows resolves there too.
      const origin = new URL(t.baseUrl).origin
      const images = await page.evaluate(() => ({
        select: getComputedStyle(document.querySelector('select')!).backgroundImage,
        search: getComputedStyle(document.querySelector('input[type=search]')!).backgroundImage,
        checkbox: getComputedStyle(document.documentElement).getPropertyValue('--pico-icon-checkbox'),
      }))
      expect(images.select).toMatch(new RegExp(`^url\\("${origin}/static/pico-icon-[\\w]+\\.svg`))
      expect(images.search).toMatch(new RegExp(`^url\\("${origin}/static/pico-icon-[\\w]+\\.svg`))
      expect(images.checkbox).toMatch(/url\("\/static\/pico-icon-\w+\.svg/)
      const loaded = await page.evaluate(async (src) => {
        const image = new Image()
        image.src = src
        await image.decode()
        return image.naturalWidth
      }, images.checkbox.match(/url\("([^"]+)"\)/)![1]!)
      expect(loaded).toBeGreaterThan(0)
      expect(watch.problems).toEqual([])
    } finally {
      await browser.close()
    }
  })

  it('logs no htmx error while similar questions and the preview load on the ask page', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      const watch = await watchProblems(page)
      const htmxErrors: string[] = []
      await page.exposeFunction('reportHtmxError', (text: string) => htmxErrors.push(text))
      await page.addInitScript(() => {
        for (const name of ['htmx:targetError', 'htmx:responseError', 'htmx:sendError', 'htmx:swapError', 'htmx:syntax:error'])
          document.addEventListener(name, (event) => (window as unknown as { reportHtmxError(text: string): void }).reportHtmxError(`${name} ${JSON.stringify((event as CustomEvent).detail?.error ?? '')}`))
      })
      await signIn(page, t.baseUrl, 'console@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/ask`)
      await page.getByLabel('Title', { exact: true }).pressSequentially('Slack app stopped sending notifications', { delay: 20 })
      await expect.poll(() => page.locator('#similar-questions .similar-list li a').first().textContent()).toBe('Slack notifications stopped after reinstalling the app')
      await page.getByLabel('Question', { exact: true }).pressSequentially('It **stopped** on Monday.', { delay: 10 })
      await expect.poll(() => page.locator('#question-body-preview strong').textContent()).toBe('stopped')
      await page.waitForLoadState('networkidle')
      // The submit buttons are enabled again once the fragments are in.
      expect(await page.getByRole('button', { name: 'Post your question' }).isDisabled()).toBe(false)
      expect(htmxErrors).toEqual([])
      expect(watch.problems).toEqual([])
    } finally {
      await browser.close()
    }
  })

  it('logs no htmx error while a reply’s preview loads on a thread', async () => {
    const browser = await launchBrowser()
    try {
      const page = browser.page
      const watch = await watchProblems(page)
      await signIn(page, t.baseUrl, 'console@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}${threadPath}`)
      await page.getByLabel('Reply', { exact: true }).pressSequentially('Same here, **since Monday**.', { delay: 10 })
      await expect.poll(() => page.locator('#reply-body-preview strong').textContent()).toBe('since Monday')
      await page.waitForLoadState('networkidle')
      expect(await watch.violations()).toEqual([])
      expect(watch.problems).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
