import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueItems, type User } from '../../src/db/schema'
import { answerEscalation, escalateItem, sendLoopReplies } from '../../src/escalations'
import { whoIsOnRotation } from '../../src/rotation'
import { launchBrowser, serveTestApp, type ServedApp } from '../support/browser'
import { createCategory, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// The fix mail, as the asker gets it by SMTP, followed in a real browser without signing in:
// "This solved it" opens a confirm page, its button resolves the item and shows the thread.

let sink: SmtpSink
let t: ServedApp
let itemId: number
let thread: { id: number; slug: string }

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await serveTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  const category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  const asker = await createUser(t.db, { email: 'mo@customer.example', displayName: 'Mo Customer' })
  const support = await createUser(t.db, { email: 'support@example.com', displayName: 'Sam Support', role: 'support' })
  const admin = await createUser(t.db, { email: 'admin@example.com', displayName: 'Ann Admin', role: 'admin' })
  const engineers: User[] = [await createUser(t.db, { email: 'ada@example.com', displayName: 'Ada Engineer', role: 'engineer' })]
  await createTeam(t, 'platform', [{ user: support, onDuty: true }])
  await createRotation(t, admin, 'platform', engineers)
  expect(await whoIsOnRotation(t.db, 'platform', t.clock.now())).not.toBeNull()
  thread = await createThread(t, asker, category, {
    title: 'Export crashes with NullPointerException since upgrading to 2.4.0',
    body: 'Every CSV export crashes since upgrading. The log says NullPointerException at ExportJob.run.',
  })
  await t.drain()
  const [item] = await t.db.select().from(queueItems).where(eq(queueItems.threadId, thread.id))
  itemId = item!.id
  const escalation = await escalateItem({
    ctx: t.ctx(support),
    input: {
      itemId,
      customerDid: 'Opened Reports and pressed “Export to CSV”.',
      whatHappened: 'The export fails with NullPointerException at ExportJob.run.',
      expected: 'A CSV file with every order.',
      logs: 'export.run ERROR NullPointerException',
      account: 'Mo Customer',
      frequency: 'Every time',
      customersAffected: '1',
    },
  })
  await answerEscalation({ ctx: t.ctx(engineers[0]!), input: { escalationId: escalation.id, outcome: 'fixed', release: '2.4.1', answer: 'A missing null check in the export job.' } })
  await sendLoopReplies({ ctx: t.ctx(support), input: { itemId, drafts: [] } })
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

describe('the fix mail in a browser', () => {
  it('“This solved it” from the received mail: a confirm page, then the thread with the fix accepted', async () => {
    const index = sink.received.findIndex((mail, at) => sink.envelopes[at]?.includes('mo@customer.example') && mail.subject?.startsWith('Fixed in 2.4.1'))
    const mail = sink.received[index]
    const href = /This solved it: (http:\/\/localhost\/mail\/fix\/[a-z2-7]{32})/.exec(mail?.text ?? '')?.[1]
    expect(href, 'the fix mail carries the link').toBeDefined()
    // The mail's links name PUBLIC_URL (http://localhost); the test server listens elsewhere.
    const url = href!.replace('http://localhost', t.baseUrl)

    const browser = await launchBrowser()
    try {
      const { page } = browser
      await page.goto(url)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Did the fix solve it?')
      const [before] = await t.db.select({ state: queueItems.state }).from(queueItems).where(eq(queueItems.id, itemId))
      expect(before!.state).toBe('fixed_pending_confirmation')

      await Promise.all([page.waitForURL((target) => target.pathname === `/t/${thread.id}/${thread.slug}`), page.getByRole('button', { name: 'Yes, this solved it' }).click()])
      expect(await page.locator('.accepted-answer').count()).toBe(1)
      const [after] = await t.db.select({ state: queueItems.state }).from(queueItems).where(eq(queueItems.id, itemId))
      expect(after!.state).toBe('resolved')

      // Followed again: the link is spent, and says so.
      const again = await page.goto(url)
      expect(again?.status()).toBe(410)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You answered already')
    } finally {
      await browser.close()
    }
  })
})
