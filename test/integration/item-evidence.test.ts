import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queueItems } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createTeam, createThread, createUser } from '../support/factories'

// A bug signal quotes the customer's post; when the post fenced its logs, the item page showed
// the ``` marks in the quote. The excerpt is one line of text: no fences, no backticks.

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('the item page’s bug signals', () => {
  it('quote the post as one line of text, without Markdown fences or backticks', async () => {
    const category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
    const customer = await createUser(t.db, { displayName: 'Ada Customer' })
    const support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
    await createTeam(t, 'platform', [{ user: support }])
    const thread = await createThread(t, customer, category, {
      title: 'Webhook delivery broken since upgrading',
      body: 'Every webhook fails since upgrading, it used to work:\n\n```log\n2026-03-01 10:00:01 ERROR webhook delivery failed: HTTP 502\n```\n\nRun `hooks --retry` and it fails again.',
    })
    await t.drain()
    const [item] = await t.db.select().from(queueItems).where(eq(queueItems.threadId, thread.id))
    expect(item, 'the bug signal rule opened an item').toBeDefined()
    expect(item!.signals.bug!.signals.some((signal) => signal.evidence.includes('```'))).toBe(true)

    const page = await html(await (await t.client().signInAs(support)).get(`/queue/items/${item!.id}`))
    const quotes = texts(page, '.signals li code')
    expect(quotes.length).toBeGreaterThan(1)
    for (const quote of quotes) expect(quote).not.toMatch(/[`\n]/)
    // The fence and its language name are gone from between the words, not left as "log".
    expect(quotes.join(' | ')).toContain('work: 2026-03-01 10:00:01 ERROR webhook')
    expect(quotes.join(' | ')).toContain('Run hooks --r')
  })
})
