import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Category, User } from '../../src/db/schema'
import { launchBrowser, serveTestApp, signIn, type Browser, type ServedApp } from '../support/browser'
import { createCategory, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// Trust and safety in Chromium: the review queue end to end through the forms (an admin holds new
// accounts' first posts, a new account asks, a member flags, staff decide in /review), and hostile
// text in every field this feature added (flag note, watched word, sanction reason and message)
// shown as text and never run on the pages that show it. One browser; people change by cookies.

const HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
const HOSTILE_SCRIPT = '"><script>window.__pwned=1</script>'
const HOSTILE = `${HOSTILE_IMG} ${HOSTILE_SCRIPT}`

let t: ServedApp
let browser: Browser
let page: Page
let category: Category
let admin: User
let moderator: User
let member: User
let newcomer: User
let regular: User
let troublemaker: User
let flaggedThread: { id: number; slug: string }
let troublemakerThread: { id: number; slug: string }

beforeAll(async () => {
  t = await serveTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations' })
  admin = await createUser(t.db, { email: 'admin@example.com', displayName: 'Ada Admin', role: 'admin' })
  moderator = await createUser(t.db, { email: 'mod@example.com', displayName: 'Moe Moderator', role: 'support' })
  member = await createUser(t.db, { email: 'member@example.com', displayName: 'Mia Member' })
  regular = await createUser(t.db, { email: 'regular@example.com', displayName: 'Rex Regular' })
  newcomer = await createUser(t.db, { email: 'new@example.com', displayName: 'Nina Newcomer', trustLevel: 0 })
  troublemaker = await createUser(t.db, { email: 'trouble@example.com', displayName: 'Tom Trouble' })
  flaggedThread = await createThread(t, regular, category, {
    title: 'Cheap widget licences for sale, message me',
    body: 'Selling widget licences at half price, send me a private message and I will get back to you.',
  })
  troublemakerThread = await createThread(t, troublemaker, category, {
    title: 'Webhook retries pile up after an outage',
    body: 'After last night’s outage the webhook retries keep piling up; is there a way to drop them?',
  })
  browser = await launchBrowser()
  page = browser.page
  page.on('dialog', (dialog) => void dialog.dismiss())
})
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

async function as(person: User | null): Promise<void> {
  await page.context().clearCookies()
  if (person) await signIn(page, t.baseUrl, person.email, TEST_PASSWORD)
}

async function submit(button: ReturnType<Page['getByRole']>): Promise<void> {
  // A form post answers with a page or a redirect; either way the page loads again.
  await Promise.all([page.waitForEvent('load'), button.click()])
}

const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)

/** Nothing the hostile text carries became markup or ran on the current page. */
async function expectInert(where: string): Promise<void> {
  await page.waitForLoadState('load')
  expect(await pwned(), where).toBeUndefined()
  expect(await page.locator('main img[src="x"], main img[onerror], main script').count(), where).toBe(0)
}

async function expectPublic(thread: { id: number; slug: string }, visible: boolean): Promise<void> {
  const response = await page.goto(`${t.baseUrl}/t/${thread.id}/${thread.slug}`)
  expect(response?.status(), `/t/${thread.id} for an anonymous visitor`).toBe(visible ? 200 : 404)
}

describe('the review queue in Chromium', () => {
  it('holds a new account’s first question, takes a member’s flag, and lets staff approve one and hide the other', async () => {
    // The admin turns on approval of new accounts' first posts through the form.
    await as(admin)
    await page.goto(`${t.baseUrl}/admin/safety`)
    const hold = page.getByLabel('Hold the first posts of new accounts for approval')
    expect(await hold.isChecked()).toBe(false)
    await hold.check()
    await submit(page.getByRole('button', { name: 'Save settings' }))
    expect(new URL(page.url()).pathname).toBe('/admin/safety')
    expect(await page.getByRole('status').textContent()).toBe('Saved.')
    expect(await page.getByLabel('Hold the first posts of new accounts for approval').isChecked()).toBe(true)

    // A new account asks through the ask form; the question is held and its author is told so.
    await as(newcomer)
    await page.goto(`${t.baseUrl}/ask`)
    const title = 'Widget sync stops after renaming a project'
    await page.getByLabel('Title', { exact: true }).fill(title)
    await page.getByLabel('Category', { exact: true }).selectOption({ label: 'Integrations' })
    await page.getByLabel('Question', { exact: true }).fill('When I rename a project the widget sync stops and the log says nothing. How do I restart it?')
    await Promise.all([page.waitForURL(/\/t\/\d+\/widget-sync-stops-after-renaming-a-project$/), page.getByRole('button', { name: 'Post your question' }).click()])
    const [, heldId, heldSlug] = /\/t\/(\d+)\/([a-z0-9-]+)$/.exec(new URL(page.url()).pathname)!
    const heldThread = { id: Number(heldId), slug: heldSlug! }
    expect(await page.locator('main .notice').first().textContent()).toContain("waiting for a moderator's approval")

    // An anonymous visitor sees neither the question nor its title in the list.
    await as(null)
    await expectPublic(heldThread, false)
    await page.goto(`${t.baseUrl}/`)
    expect(await page.locator('main').textContent()).not.toContain(title)

    // A member flags another post from its "Flag" link with "something else" and a note.
    await as(member)
    await page.goto(`${t.baseUrl}/t/${flaggedThread.id}/${flaggedThread.slug}`)
    await Promise.all([page.waitForURL(`**/t/${flaggedThread.id}/flag`), page.locator('main').getByRole('link', { name: 'Flag', exact: true }).first().click()])
    await page.getByLabel('Something else').check()
    await page.getByLabel('Note for the moderators (optional)').fill('Selling licences here breaks the licence terms.')
    await submit(page.getByRole('button', { name: 'Flag this post' }))
    expect(await page.getByRole('status').textContent()).toContain('Thank you. A moderator will look at this post.')
    // One flag from a member is under the threshold: the post stays public until staff decide.
    await as(null)
    await expectPublic(flaggedThread, true)

    // Staff see both entries in /review, oldest first, with why they are there.
    await as(moderator)
    await page.goto(`${t.baseUrl}/review`)
    expect(await page.locator('main > p').filter({ hasText: 'waiting' }).textContent()).toContain('2 posts waiting, oldest first.')
    const entries = page.locator('.review-entry')
    expect(await entries.count()).toBe(2)
    const held = entries.filter({ hasText: title })
    const flagged = entries.filter({ hasText: 'Cheap widget licences for sale' })
    expect(await held.locator('header strong').textContent()).toBe('First post of a new account')
    expect(await held.locator('header').textContent()).toContain('by Nina Newcomer (new')
    expect(await held.locator('header em').textContent()).toBe('Held: nobody but its author has seen it')
    expect(await flagged.locator('header strong').textContent()).toBe('Flagged by members')
    expect(await flagged.locator('header em').textContent()).toBe('Public')
    expect(await flagged.getByRole('list', { name: 'Flags' }).textContent()).toBe('other from Mia Member (member): “Selling licences here breaks the licence terms.”')

    // Approve the held question, hide the flagged one; each decision is announced and leaves the queue.
    await submit(held.getByRole('button', { name: 'Approve and show' }))
    expect(await page.getByRole('status').textContent()).toBe('Approved: the post is public.')
    expect(await page.locator('.review-entry').count()).toBe(1)
    await submit(page.locator('.review-entry').filter({ hasText: 'Cheap widget licences for sale' }).getByRole('button', { name: 'Hide', exact: true }))
    expect(await page.getByRole('status').textContent()).toBe('Hidden: only staff and its author see it.')
    expect(await page.locator('.review-entry').count()).toBe(0)
    expect(await page.locator('main').textContent()).toContain('Nothing waits for review.')
    await t.drain()

    // The public now sees the approved question and not the hidden one.
    await as(null)
    await expectPublic(heldThread, true)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain(title)
    expect(await page.locator('main .notice').filter({ hasText: 'waiting for a moderator' }).count()).toBe(0)
    await expectPublic(flaggedThread, false)
    await page.goto(`${t.baseUrl}/`)
    expect(await page.locator('main').textContent()).toContain(title)

    // The audit log shows both decisions with the posts they were about.
    await as(admin)
    await page.goto(`${t.baseUrl}/admin/audit?action=review.approved`)
    expect(await page.locator('main table').textContent()).toContain(title)
    await page.goto(`${t.baseUrl}/admin/audit?action=review.hidden`)
    expect(await page.locator('main table').textContent()).toContain('Cheap widget licences for sale')
  })
})

describe('hostile text in the trust-and-safety fields', () => {
  it('is shown literally and runs nothing on /admin/safety, /review, /moderation/users/:id, the suspended person’s sign-in and the silenced person’s banner', async () => {
    // A watched word, added through the form.
    await as(admin)
    await page.goto(`${t.baseUrl}/admin/safety`)
    await page.getByLabel('Word or phrase').fill(HOSTILE)
    await page.getByLabel('What happens to a post with it').selectOption('flag')
    await submit(page.getByRole('button', { name: 'Watch this word' }))
    expect(await page.getByRole('status').textContent()).toBe('Saved.')
    await expectInert('/admin/safety')
    expect(await page.locator('main table code').allTextContents()).toContain(HOSTILE)
    expect(await page.getByRole('button', { name: `Stop watching ${HOSTILE}` }).count()).toBe(1)

    // A flag note, written through the flag form.
    await as(member)
    await page.goto(`${t.baseUrl}/t/${troublemakerThread.id}/flag`)
    await page.getByLabel('Something else').check()
    await page.getByLabel('Note for the moderators (optional)').fill(HOSTILE)
    await submit(page.getByRole('button', { name: 'Flag this post' }))
    expect(await page.getByRole('status').textContent()).toContain('A moderator will look at this post.')
    await expectInert('/t/:id/flag')

    // Staff see the note as text in /review.
    await as(moderator)
    await page.goto(`${t.baseUrl}/review`)
    await expectInert('/review')
    const entry = page.locator('.review-entry').filter({ hasText: 'Webhook retries pile up' })
    expect(await entry.getByRole('list', { name: 'Flags' }).textContent()).toBe(`other from Mia Member (member): “${HOSTILE}”`)

    // Staff suspend the author from their moderation page with a hostile reason and message.
    await page.goto(`${t.baseUrl}/moderation/users/${troublemaker.id}`)
    await expectInert('/moderation/users/:id')
    await page.getByLabel('What', { exact: true }).selectOption('suspend')
    await page.getByLabel('Reason (for staff)').fill(`Reason ${HOSTILE}`)
    await page.getByLabel('What the person is told').fill(`Message ${HOSTILE}`)
    await page.getByLabel('For', { exact: true }).selectOption('7')
    await submit(page.getByRole('button', { name: 'Apply' }))
    expect(await page.getByRole('status').textContent()).toBe('Saved: they see your message.')
    await expectInert('/moderation/users/:id after suspending')
    const sanction = page.locator('main li').filter({ hasText: 'Suspended' })
    const shown = await sanction.textContent()
    expect(shown).toContain(`Reason: Reason ${HOSTILE}.`)
    expect(shown).toContain(`They are told: “Message ${HOSTILE}”`)
    expect(shown).toContain('(in force)')

    // The suspended person is told the message, as text, when they try to sign in.
    await as(null)
    await page.goto(`${t.baseUrl}/login`)
    await page.getByLabel('Email', { exact: true }).fill(troublemaker.email)
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await submit(page.getByRole('button', { name: 'Sign in', exact: true }))
    expect(new URL(page.url()).pathname).toBe('/login')
    await expectInert('/login as the suspended person')
    const told = await page.locator('main .form-message').textContent()
    expect(told).toMatch(/^Your account is suspended until \d{4}-\d\d-\d\d \d\d:\d\d UTC\. /)
    expect(told).toContain(`Message ${HOSTILE}`)
    expect(told).not.toContain('Reason ')
    expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain('session')

    // A silenced person reads staff's hostile message, as text, in the banner on every page and
    // by the ask form's text field.
    await as(moderator)
    await page.goto(`${t.baseUrl}/moderation/users/${member.id}`)
    await page.getByLabel('What', { exact: true }).selectOption('silence')
    await page.getByLabel('Reason (for staff)').fill('Heated threads')
    await page.getByLabel('What the person is told').fill(`Calm ${HOSTILE}`)
    await page.getByLabel('For', { exact: true }).selectOption('7')
    await submit(page.getByRole('button', { name: 'Apply' }))
    await as(member)
    await page.goto(`${t.baseUrl}/ask`)
    await page.waitForLoadState('load')
    expect(await pwned(), '/ask as the silenced person').toBeUndefined()
    expect(await page.locator('img[src="x"], img[onerror], .sanction-banner script').count()).toBe(0)
    expect(await page.getByRole('note', { name: 'Your account is silenced' }).locator('q').textContent()).toBe(`Calm ${HOSTILE}`)
    expect(await page.locator('.field-refusal').textContent()).toMatch(/^Your account is silenced until .*, so this cannot be posted\./)

    // The audit log keeps the word, the reason and the message, as text.
    await as(admin)
    for (const [action, expected] of [
      ['safety.watched_word_saved', HOSTILE],
      ['user.suspended', `Reason ${HOSTILE}`],
      ['user.suspended', `Message ${HOSTILE}`],
    ]) {
      await page.goto(`${t.baseUrl}/admin/audit?action=${action}`)
      await expectInert(`/admin/audit?action=${action}`)
      expect(await page.locator('main table').textContent(), action).toContain(expected)
    }
  })
})
