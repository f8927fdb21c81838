import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordStaffAction } from '../../src/audit'
import type { User } from '../../src/db/schema'
import { addOrganisationBinding, saveSsoProvider } from '../../src/sso'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createOrganisation, createUser, TEST_PASSWORD } from '../support/factories'

// Hostile text in the fields this change added (a provider's button name, an organisation bound to
// a domain, audit subjects and details) rendered in Chromium on every page that shows it: shown as
// text, never run.

const HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>"\'><svg onload="window.pwned=3">'

let t: ServedApp
let admin: User

beforeAll(async () => {
  t = await serveTestApp()
  admin = await createUser(t.db, { role: 'admin', displayName: `Admin ${HOSTILE}`.slice(0, 50) })
  await saveSsoProvider({ ctx: t.ctx(admin), input: { kind: 'github', name: `GH ${HOSTILE}`.slice(0, 60), clientId: 'client', clientSecret: 'secret', enabled: '1' } })
  const organisation = await createOrganisation(t.db, { name: `Org ${HOSTILE}` })
  await addOrganisationBinding({ ctx: t.ctx(admin), input: { kind: 'email_domain', organisationId: organisation.id, value: 'acme.example' } })
  await recordStaffAction({ ctx: t.ctx(admin), input: { action: 'test.hostile', subjectType: 'thread', subjectId: 1, subjectLabel: HOSTILE, details: { reason: HOSTILE, nested: { html: HOSTILE } } } })
})
afterAll(() => t?.close())

describe('hostile text on the sign-in and admin pages', () => {
  it('is shown as text and runs nothing', async () => {
    const browser = await launchBrowser()
    try {
      const dialogs: string[] = []
      browser.page.on('dialog', (dialog) => {
        dialogs.push(dialog.message())
        void dialog.dismiss()
      })
      const pwned = () => browser.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)

      await browser.page.goto(`${t.baseUrl}/login`)
      const button = browser.page.locator('.sso-buttons a')
      expect(await button.textContent()).toContain('<img src=x')
      expect(await pwned()).toBeUndefined()

      await signIn(browser.page, t.baseUrl, admin.email, TEST_PASSWORD)
      for (const path of ['/admin/sso', '/admin/audit', '/admin/audit?action=test.hostile', '/account/sign-ins', '/signup']) {
        await browser.page.goto(`${t.baseUrl}${path}`)
        await browser.page.waitForLoadState('networkidle')
        expect(await pwned(), path).toBeUndefined()
        expect(await browser.page.locator('main img, main svg[onload], main script').count(), path).toBe(0)
      }
      await browser.page.goto(`${t.baseUrl}/admin/audit?action=test.hostile`)
      expect(await browser.page.locator('main').textContent()).toContain('onerror="window.pwned=1"')
      await browser.page.goto(`${t.baseUrl}/admin/sso`)
      expect(await browser.page.locator('#bindings').textContent()).toContain('Org <img src=x')
      const provider = browser.page.locator('main table a').first()
      await provider.click()
      await browser.page.waitForLoadState('networkidle')
      expect(await browser.page.locator('#field-name').inputValue()).toContain('<img src=x')
      expect(await browser.page.locator('#field-clientSecret').inputValue()).toBe('')
      expect(await pwned()).toBeUndefined()
      expect(dialogs).toEqual([])
    } finally {
      await browser.close()
    }
  })
})
