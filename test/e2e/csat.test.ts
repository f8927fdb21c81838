import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { csatRatings, type User } from '../../src/db/schema'
import { changeItemState, convertThread } from '../../src/queue'
import { launchBrowser, serveTestApp, signIn, type ServedApp } from '../support/browser'
import { createCategory, createTeam, createThread, createUser, TEST_PASSWORD } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// "Did this solve your problem?" in a real browser without JavaScript: from the mail's link
// (no sign-in, the rating preselected by the link) and from the prompt on the asker's thread.

let sink: SmtpSink
let t: ServedApp
let support: User
let asker: User
const threads: { id: number; slug: string }[] = []
const items: number[] = []

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await serveTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  const category = await createCategory(t.db, { name: 'Billing', slug: 'billing', team: 'money' })
  asker = await createUser(t.db, { email: 'mo@customer.example', displayName: 'Mo Customer' })
  support = await createUser(t.db, { email: 'support@example.com', displayName: 'Sam Support', role: 'support' })
  await createTeam(t, 'money', [{ user: support, onDuty: true }])
  for (const title of ['Invoice shows the old company address', 'Receipt PDF is empty']) {
    const thread = await createThread(t, asker, category, { title, body: `${title}; it started after we moved offices last week.` })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'billing', severity: 'normal' } })
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    threads.push(thread)
    items.push(item.id)
  }
  t.clock.advance(61 * 60_000)
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

describe('CSAT in a browser without JavaScript', () => {
  it('rates from the mail’s “3 – Partly” link, with a comment, once', async () => {
    const mail = sink.received.find((candidate, at) => sink.envelopes[at]?.includes('mo@customer.example') && candidate.subject?.includes('Invoice shows the old company address'))
    const href = /3 – Partly: (http:\/\/localhost\/csat\/[a-z2-7]{32}\?rating=3)/.exec(mail?.text ?? '')?.[1]
    expect(href, 'the CSAT mail carries a link per rating').toBeDefined()
    const url = href!.replace('http://localhost', t.baseUrl)
    const browser = await launchBrowser({ javaScript: false })
    try {
      const { page } = browser
      await page.goto(url)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Did this solve your problem?')
      expect(await page.getByLabel('3 – Partly').isChecked()).toBe(true)
      await page.getByLabel('Comment (optional)').fill('The address is right now, but it took three replies.')
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Send rating' }).click()])
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you')
      const [rating] = await t.db.select().from(csatRatings).where(eq(csatRatings.itemId, items[0]!))
      expect(rating).toMatchObject({ rating: 3, comment: 'The address is right now, but it took three replies.' })
      const again = await page.goto(url)
      expect(again?.status()).toBe(410)
    } finally {
      await browser.close()
    }
  })

  it('rates from the prompt on the asker’s thread page', async () => {
    const browser = await launchBrowser({ javaScript: false })
    try {
      const { page } = browser
      await signIn(page, t.baseUrl, 'mo@customer.example', TEST_PASSWORD)
      await page.goto(`${t.baseUrl}/t/${threads[1]!.id}/${threads[1]!.slug}`)
      await page.getByLabel('5 – Completely').check()
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Send rating' }).click()])
      expect(await page.locator('#csat').textContent()).toContain('Thank you for your rating')
      const [rating] = await t.db.select().from(csatRatings).where(eq(csatRatings.itemId, items[1]!))
      expect(rating?.rating).toBe(5)
    } finally {
      await browser.close()
    }
  })
})
