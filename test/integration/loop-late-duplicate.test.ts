import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loopReplies, notifications, replies, type Category, type User } from '../../src/db/schema'
import { answerEscalation, escalateItem, sendLoopReplies } from '../../src/escalations'
import { markDuplicate } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { whoIsOnRotation } from '../../src/rotation'
import { createTestApp, type TestApp } from '../support/app'
import { createCategory, createOrganisation, createRotation, createTeam, createThread, createUser } from '../support/factories'

// Found by the month replay (bench/replay/, issue 22): a thread marked as a duplicate after the
// engineer answered "fixed", but before support sent the drafted replies, got no reply of its
// own. Its asker heard of the fix only as an affected customer of the kept thread, so without a
// public answer on their question and without the mail's "This solved it" / "Still broken" links.

let t: TestApp
let category: Category
let support: User
let engineer: User
let asker: User
let lateAsker: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Exports', slug: 'exports', team: 'platform' })
  const acme = await createOrganisation(t.db, { plan: 'paid' })
  const admin = await createUser(t.db, { role: 'admin' })
  support = await createUser(t.db, { role: 'support', displayName: 'Sam Support' })
  const ada = await createUser(t.db, { role: 'engineer' })
  const bob = await createUser(t.db, { role: 'engineer' })
  asker = await createUser(t.db, { organisationId: acme.id, displayName: 'First Asker' })
  lateAsker = await createUser(t.db, { displayName: 'Late Asker' })
  await createTeam(t, 'platform', [{ user: support }])
  await createRotation(t, admin, 'platform', [ada, bob])
  const on = await whoIsOnRotation(t.db, 'platform', t.clock.now())
  engineer = on!.userId === ada.id ? ada : bob
})
afterAll(() => t.close())

describe('a duplicate marked between the engineer’s answer and the sending', () => {
  it('gets its own reply and its asker the fix notice on their own thread', async () => {
    const kept = await createThread(t, asker, category, { title: 'CSV export drops the last row of every file', body: 'Since 4.2.1 the export fails: the last row is missing every time.' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: kept.id, kind: 'bug', severity: 'high', note: '' } })
    const escalation = await escalateItem({
      ctx: t.ctx(support),
      input: {
        itemId: item.id,
        customerDid: 'Exported the orders list as CSV from the reports page.',
        whatHappened: 'The file has 99 rows where the page shows 100.',
        expected: 'Every row in the file.',
        logs: 'export id 3f2a, no error logged',
        account: 'Acme (paid)',
        frequency: 'Every export',
        customersAffected: '1',
      },
    })
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'fixed', answer: 'An off-by-one in the paging of the export.', release: '4.2.2' } })
    // Only now does the second report come in and get merged.
    const late = await createThread(t, lateAsker, category, { title: 'Exported CSV is missing a row at the end', body: 'Our export always has one row fewer than the report shows.' })
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: late.id, duplicateOfId: kept.id } })
    await t.drain()

    const result = await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, publishTrackerLink: '', drafts: [] } })
    expect(result.sent).toBe(2)
    const [lateLoop] = await t.db.select().from(loopReplies).where(eq(loopReplies.threadId, late.id))
    expect(lateLoop).toMatchObject({ kind: 'fixed', escalationId: escalation.id })
    expect(lateLoop!.sentAt).not.toBeNull()
    const [publicReply] = await t.db.select().from(replies).where(eq(replies.id, lateLoop!.replyId!))
    expect(publicReply!.threadId).toBe(late.id)
    expect(publicReply!.bodyMarkdown).toContain('fixed in 4.2.2')
    const notices = await t.db.select().from(notifications).where(and(eq(notifications.userId, lateAsker.id), eq(notifications.kind, 'loop_fixed')))
    expect(notices.map((notice) => notice.threadId)).toEqual([late.id])
  })

  it('sends each thread’s reply once: a second send has nothing left', async () => {
    const kept = await createThread(t, asker, category, { title: 'Scheduled export runs twice on Mondays', body: 'Since the upgrade the Monday export fails: it runs twice and mails two files.' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: kept.id, kind: 'bug', severity: 'normal', note: '' } })
    const escalation = await escalateItem({
      ctx: t.ctx(support),
      input: { itemId: item.id, customerDid: 'Scheduled the weekly export for Monday 08:00.', whatHappened: 'Two mails with the same file arrive.', expected: 'One mail.', logs: 'job 8812 ran at 08:00 and 08:01', account: 'Acme', frequency: 'Every Monday', customersAffected: '1' },
    })
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'fixed', answer: 'The scheduler retried a job that had finished.', release: '4.2.3' } })
    expect((await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, publishTrackerLink: '', drafts: [] } })).sent).toBe(1)
    await expect(sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, publishTrackerLink: '', drafts: [] } })).rejects.toThrow(/nothing to send/)
    expect(await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))).toHaveLength(1)
  })
})
