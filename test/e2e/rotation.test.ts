import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rotationShifts, type RotationShift, type User } from '../../src/db/schema'
import { saveRotation } from '../../src/rotation'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createTeam, createUser, TEST_PASSWORD } from '../support/factories'

// Two engineers exchange shifts in a real browser: one asks from /rotations, the other
// accepts, and the calendar shows the exchange. Shifts hand off at midnight UTC so the
// calendar's days line up with the shifts whatever the day the test runs.

let t: ServedApp
let ada: User
let bob: User
let shifts: RotationShift[]

beforeAll(async () => {
  t = await serveTestApp()
  const admin = await createUser(t.db, { role: 'admin', displayName: 'Ann Admin' })
  ada = await createUser(t.db, { email: 'ada@example.com', role: 'engineer', displayName: 'Ada Lovelace' })
  bob = await createUser(t.db, { email: 'bob@example.com', role: 'engineer', displayName: 'Bob Babbage' })
  await createTeam(t, 'payments', [])
  const rotation = await saveRotation({
    ctx: t.ctx(admin),
    input: {
      teamSlug: 'payments',
      name: 'Payments engineering',
      memberIds: [String(ada.id), String(bob.id)],
      shiftDays: '7',
      handoff: '00:00',
      timezone: 'UTC',
      workingDaysOnly: '0',
      responseLow: '48',
      responseNormal: '24',
      responseHigh: '8',
      responseCritical: '2',
    },
  })
  shifts = await t.db.select().from(rotationShifts).where(eq(rotationShifts.rotationId, rotation.id)).orderBy(asc(rotationShifts.startsAt))
})
afterAll(() => t.close())

/** The calendar cell of the day after a shift starts: a day wholly inside that shift. */
const dayInside = (shift: RotationShift) => new Date(shift.startsAt.getTime() + 24 * 3_600_000).toISOString().slice(0, 10)

describe('rotations in the browser', () => {
  it('asks for a swap, the other engineer accepts, and the calendar shows the exchange', async () => {
    // Ada is on now (the first shift); Bob has the next one; then Ada again.
    const [, bobsShift, adasShift] = shifts as [RotationShift, RotationShift, RotationShift]
    expect([bobsShift.userId, adasShift.userId]).toEqual([bob.id, ada.id])
    const browser = await launchBrowser()
    try {
      const page = browser.page
      await signIn(page, t.baseUrl, 'ada@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/rotations`)
      expect(await page.locator('#team-payments .who-is-on').textContent()).toBe('Ada Lovelace')
      const row = page.locator(`#my-shifts tr[data-shift="${adasShift.id}"]`)
      expect(await page.locator('#my-shifts tbody tr').count()).toBeGreaterThan(1)
      expect(await row.locator('td').first().textContent()).toMatch(/^\w{3} \d{1,2} \w{3}, 00:00 – /)
      await row.getByLabel('Ask to swap with…').selectOption(String(bobsShift.id))
      await Promise.all([page.waitForURL(/\/rotations#my-shifts$/), row.getByRole('button', { name: 'Ask' }).click()])
      await expect.poll(() => row.textContent()).toContain('Waiting for Bob Babbage to answer')

      await browser.context.clearCookies()
      await signIn(page, t.baseUrl, 'bob@example.com', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/rotations`)
      expect(await page.locator('#swaps').textContent()).toMatch(/Ada Lovelace \(payments\) asks to swap/)
      await Promise.all([page.waitForURL(/\/rotations#my-shifts$/), page.getByRole('button', { name: 'Accept swap' }).click()])
      const cell = (shift: RotationShift) => page.locator(`#team-payments td[data-date="${dayInside(shift)}"] .on-call`)
      await expect.poll(() => cell(bobsShift).textContent()).toBe('Ada Lovelace')
      expect(await cell(adasShift).textContent()).toBe('Bob Babbage')
      expect(await page.locator('#swaps').count()).toBe(0)
      await page.screenshot({ path: 'test-results/screenshots/rotations.png', fullPage: true })
    } finally {
      await browser.close()
    }
  })
})
