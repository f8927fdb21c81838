import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loopReplies, notifications, replies, type Category, type User } from '../../src/db/schema'
import { answerEscalation, escalateItem, sendLoopReplies } from '../../src/escalations'
import { markDuplicate } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createOrganisation, createRotation, createTeam, createThread, createUser } from '../support/factories'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// Found by the month replay (bench/replay/, issue 22: askers told 92 of 95): a report closed into
// an item after its fix was announced told its asker nothing, neither in the app nor by mail.
// Both ways a report joins an item are here: an engineer answering "duplicate of #n", and
// support marking the thread a duplicate of the fixed one.

let t: TestApp
let sink: SmtpSink
let category: Category
let support: User
let engineer: User
let asker: User

const REPRODUCTION = {
  customerDid: 'Exported the orders list as CSV from the reports page.',
  whatHappened: 'The file has 99 rows where the page shows 100.',
  expected: 'Every row in the file.',
  logs: 'export id 3f2a, no error logged',
  account: 'Acme (paid)',
  frequency: 'Every export',
  customersAffected: '1',
}

beforeAll(async () => {
  sink = await startSmtpSink()
  t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_FROM: 'Test Community <community@forum.example>' } })
  category = await createCategory(t.db, { name: 'Exports', slug: 'exports', team: 'platform' })
  const acme = await createOrganisation(t.db, { plan: 'paid' })
  const admin = await createUser(t.db, { role: 'admin' })
  support = await createUser(t.db, { role: 'support', displayName: 'Sam Support' })
  const ada = await createUser(t.db, { role: 'engineer' })
  const bob = await createUser(t.db, { role: 'engineer' })
  asker = await createUser(t.db, { organisationId: acme.id, displayName: 'First Asker' })
  await createTeam(t, 'platform', [{ user: support }])
  await createRotation(t, admin, 'platform', [ada, bob])
  const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
  engineer = on!.userId === ada.id ? ada : bob
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

/** A bug report, escalated, answered "fixed" in `release`, and the replies sent: the fix is announced. */
async function announcedFix(title: string, release: string) {
  const kept = await createThread(t, asker, category, { title, body: 'Since 4.2.1 the export fails: the last row is missing every time.' })
  const item = await convertThread({ ctx: t.ctx(support), input: { threadId: kept.id, kind: 'bug', severity: 'high', note: '' } })
  const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
  await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'fixed', answer: 'An off-by-one in the paging of the export.', release } })
  await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, publishTrackerLink: '', drafts: [] } })
  await t.drain()
  return { kept, item, escalation }
}

async function fixNotices(user: User) {
  return t.db.select().from(notifications).where(and(eq(notifications.userId, user.id), eq(notifications.kind, 'loop_fixed')))
}

function fixMailsTo(user: User) {
  return sink.received.filter((mail, n) => sink.envelopes[n]!.includes(user.email) && /^Fixed/.test(mail.subject ?? ''))
}

describe('a report closed into an item whose fix was already announced', () => {
  it('tells its asker at once, on their own thread, in the app and by mail with the confirm links, once', async () => {
    const { kept, item } = await announcedFix('CSV export drops the last row of every file', '4.2.2')
    const newcomer = await createUser(t.db, { displayName: 'Late Asker' })
    const late = await createThread(t, newcomer, category, { title: 'Exported CSV is missing a row at the end', body: 'Our export always has one row fewer than the report shows.' })
    await t.drain()
    const before = sink.received.length

    await markDuplicate({ ctx: t.ctx(support), input: { threadId: late.id, duplicateOfId: kept.id } })
    await t.drain()
    await sink.waitFor(before + 1)

    const notices = await fixNotices(newcomer)
    expect(notices.map((notice) => notice.threadId)).toEqual([late.id])
    expect(notices[0]!.message).toContain('Fixed in 4.2.2')
    const mails = fixMailsTo(newcomer)
    expect(mails.map((mail) => mail.subject)).toEqual(['Fixed in 4.2.2: Exported CSV is missing a row at the end'])
    expect([...(mails[0]!.text ?? '').matchAll(/\/mail\/fix\/[A-Za-z0-9_-]+/g)]).toHaveLength(2)
    // The reply on their own thread is a sent loop reply of the fixed item, so the links confirm that fix.
    const [loop] = await t.db.select().from(loopReplies).where(eq(loopReplies.threadId, late.id))
    expect(loop).toMatchObject({ itemId: item.id, kind: 'fixed' })
    const [reply] = await t.db.select().from(replies).where(eq(replies.id, loop!.replyId!))
    expect(reply!.threadId).toBe(late.id)
    expect(reply!.bodyMarkdown).toContain('fixed in 4.2.2')
    // The first asker heard with the announcement, and not again now.
    expect((await fixNotices(asker)).filter((notice) => notice.threadId === kept.id)).toHaveLength(1)

    // Marked again (unmarked, re-marked) and the outbox delivering twice: nobody hears twice.
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: late.id, duplicateOfId: '' } })
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: late.id, duplicateOfId: kept.id } })
    await t.drain()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await fixNotices(newcomer)).toHaveLength(1)
    expect(fixMailsTo(newcomer)).toHaveLength(1)
    expect(await t.db.select().from(loopReplies).where(eq(loopReplies.threadId, late.id))).toHaveLength(1)
  })

  it('tells the asker of an item an engineer closes into the fixed one ("duplicate of #n")', async () => {
    const { item } = await announcedFix('Scheduled export runs twice on Mondays', '4.2.3')
    const newcomer = await createUser(t.db, { displayName: 'Monday Asker' })
    const other = await createThread(t, newcomer, category, { title: 'Two export mails every Monday morning', body: 'Since the upgrade we get the same export twice each Monday.' })
    const otherItem = await convertThread({ ctx: t.ctx(support), input: { threadId: other.id, kind: 'bug', severity: 'normal', note: '' } })
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: otherItem.id, ...REPRODUCTION } })
    await t.drain()
    const before = sink.received.length

    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'duplicate', duplicateOfItemId: String(item.id) } })
    await t.drain()
    await sink.waitFor(before + 1)

    const notices = await fixNotices(newcomer)
    expect(notices.map((notice) => [notice.threadId, notice.message])).toEqual([[other.id, expect.stringContaining('Fixed in 4.2.3')]])
    expect(fixMailsTo(newcomer).map((mail) => mail.subject)).toEqual(['Fixed in 4.2.3: Two export mails every Monday morning'])

    // Support marking the same thread a duplicate of the kept one afterwards is the same news.
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: other.id, duplicateOfId: item.threadId! } })
    await t.drain()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await fixNotices(newcomer)).toHaveLength(1)
    expect(fixMailsTo(newcomer)).toHaveLength(1)
  })

  it('announces nothing as fixed when the item’s last word was not a fix', async () => {
    const kept = await createThread(t, asker, category, { title: 'Report totals differ by a cent', body: 'The totals on the report are wrong by one cent sometimes.' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: kept.id, kind: 'bug', severity: 'normal', note: '' } })
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'wont_fix', answer: 'Rounding per line is what the tax rules ask for; the total follows them.' } })
    await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, publishTrackerLink: '', drafts: [] } })
    const newcomer = await createUser(t.db, { displayName: 'Cent Asker' })
    const late = await createThread(t, newcomer, category, { title: 'One cent off in the totals', body: 'Our totals are off by one cent.' })
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: late.id, duplicateOfId: kept.id } })
    await t.drain()
    expect(await fixNotices(newcomer)).toEqual([])
    expect(await t.db.select().from(loopReplies).where(eq(loopReplies.threadId, late.id))).toEqual([])
  })
})
