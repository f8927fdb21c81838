import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, serveTestApp, signIn, type Browser, type ServedApp } from '../support/browser'
import { createUser, TEST_PASSWORD } from '../support/factories'
import { deliverAll, linkIn, mailsTo } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// A person who forgot their password gets back in from the mail alone, in a real browser: the
// reset mail really travels over SMTP, and the link is read out of the message that arrived.

let sink: SmtpSink
let t: ServedApp
let browser: Browser

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await serveTestApp({ env: { SMTP_URL: sink.url } })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await t?.close()
  await sink?.close()
})

describe('password reset', () => {
  it('follows the link from the received mail, sets a new password, and signs in with it', async () => {
    await createUser(t.db, { email: 'forgetful@example.com', displayName: 'Fran Forgetful' })
    const { page } = browser

    await page.goto(`${t.baseUrl}/login`)
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await page.getByLabel('Email', { exact: true }).fill('forgetful@example.com')
    await page.getByRole('button', { name: 'Send me a link' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain('If an account exists for that address, we sent a link')

    await deliverAll(t)
    await sink.waitFor(1)
    const [mail] = mailsTo(sink, 'forgetful@example.com')
    expect(mail?.subject).toBe('Reset your password on Test Community')
    // The mail's links point at PUBLIC_URL; this server listens on a port chosen at start.
    await page.goto(`${t.baseUrl}${linkIn(mail, '/password/reset/')}`)
    await page.getByLabel('New password', { exact: true }).fill('remembered at last, surely')
    await page.getByRole('button', { name: 'Save the new password' }).click()
    await page.waitForURL((url) => url.pathname === '/account')
    expect(await page.getByRole('status').textContent()).toContain('new password is saved and you are signed in')

    await page.locator('.dropdown summary').click()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('Email', { exact: true }).fill('forgetful@example.com')
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.locator('.form-message').textContent()).toContain('do not match')

    await signIn(page, t.baseUrl, 'forgetful@example.com', 'remembered at last, surely')
    expect(await page.locator('.dropdown summary').textContent()).toBe('Fran Forgetful')
  })
})
