import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mailMessages, mailPreferences, notifications, type Category, type User } from '../../src/db/schema'
import { REVIEW_NOTICE_DELAY_MS, saveWatchedWord } from '../../src/safety'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createThread, createUser } from '../support/factories'

// Staff hear of posts that wait out of sight in /review: one notice per batch (a spam wave is one
// mail each, not a hundred), in the app and by mail as each person's preferences say.

let t: TestApp
let category: Category
let support: User
let quietSupport: User
let admin: User
let engineer: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
  support = await createUser(t.db, { displayName: 'Sue Support', email: 'sue@support.example', role: 'support' })
  quietSupport = await createUser(t.db, { displayName: 'Quinn Quiet', email: 'quinn@support.example', role: 'support' })
  admin = await createUser(t.db, { displayName: 'Ada Admin', email: 'ada@admin.example', role: 'admin' })
  engineer = await createUser(t.db, { displayName: 'Eno Engineer', email: 'eno@eng.example', role: 'engineer' })
  await t.db.insert(mailPreferences).values({ userId: quietSupport.id, kind: 'review', mode: 'never', updatedAt: t.clock.now() })
  await saveWatchedWord({ ctx: t.ctx(admin), input: { word: 'casino', action: 'require_approval' } })
})
afterAll(() => t.close())

const noticesOf = (user: User) => t.db.select().from(notifications).where(and(eq(notifications.userId, user.id), eq(notifications.kind, 'review_waiting')))
const reviewMailsTo = async (user: User) =>
  (await t.db.select().from(mailMessages).where(eq(mailMessages.kind, 'review_waiting'))).filter((mail) => mail.toAddress.includes(`<${user.email}>`))

async function afterTheBatchWindow() {
  t.clock.advance(REVIEW_NOTICE_DELAY_MS + 1000)
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
}

describe('staff notice of posts waiting for review', () => {
  it('gathers a spam wave into one notice and one mail each for support and admins, respecting “never”', async () => {
    const spammer = await createUser(t.db, { displayName: 'Wave Spammer' })
    for (let i = 1; i <= 12; i++) await createThread(t, spammer, category, { title: `Best casino bonus number ${i} today`, body: `Visit the casino number ${i} for free spins.` })
    // Nothing before the window closes: more of the wave may come.
    for (let round = 0; round < 3 && (await t.drain()) > 0; round++);
    expect(await noticesOf(support)).toHaveLength(0)

    await afterTheBatchWindow()
    const [notice] = await noticesOf(support)
    expect(notice!.message).toMatch(/^12 posts wait for review \(12 held by the filters\): “Best casino bonus number 1 today”, .* and 9 more\.$/)
    expect(await noticesOf(admin)).toHaveLength(1)
    expect(await noticesOf(quietSupport)).toHaveLength(1)
    expect(await noticesOf(engineer)).toHaveLength(0)
    const mails = await reviewMailsTo(support)
    expect(mails).toHaveLength(1)
    expect(mails[0]!.subject).toMatch(/^12 posts wait for review/)
    expect(mails[0]!.textBody).toContain('http://localhost/review')
    expect(await reviewMailsTo(admin)).toHaveLength(1)
    expect(await reviewMailsTo(quietSupport)).toHaveLength(0)

    // Delivered again or not, nobody hears twice of the same posts.
    await afterTheBatchWindow()
    expect(await noticesOf(support)).toHaveLength(1)
    const page = await html(await (await t.client().signInAs(support)).get('/notifications'))
    expect(page.querySelector('main a[href="/review"]')?.text).toMatch(/^12 posts wait for review/)
  })

  it('tells of a post once members’ flags hide it, not while it is only flagged', async () => {
    const author = await createUser(t.db, { displayName: 'Rude Rita' })
    const thread = await createThread(t, author, category, { title: 'A question with a rude answer in it' })
    const before = (await noticesOf(support)).length
    const flaggers = await Promise.all([1, 2, 3].map((n) => createUser(t.db, { displayName: `Flagger ${n}` })))
    await (await t.client().signInAs(flaggers[0]!)).post(`/t/${thread.id}/flag`, { reason: 'abusive' })
    await afterTheBatchWindow()
    expect(await noticesOf(support)).toHaveLength(before)
    for (const flagger of flaggers.slice(1)) await (await t.client().signInAs(flagger)).post(`/t/${thread.id}/flag`, { reason: 'abusive' })
    await afterTheBatchWindow()
    const latest = (await noticesOf(support)).at(-1)!
    expect((await noticesOf(support)).length).toBe(before + 1)
    expect(latest.message).toBe('1 post waits for review (1 hidden by members’ flags): “A question with a rude answer in it”.')
  })
})
