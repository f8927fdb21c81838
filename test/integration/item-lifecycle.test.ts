import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerEscalation, confirmFix, escalateItem, sendLoopReplies } from '../../src/escalations'
import { loopReplies, notifications, queueItemEvents, queueItems, replies, type Category, type QueueItem, type User } from '../../src/db/schema'
import { editThread, markDuplicate, setAcceptedReply, setMeToo, setReplyVote, setSubscription, setThreadVote } from '../../src/forum'
import { enqueueThreadEvent } from '../../src/notify'
import { changeItemState, convertThread } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createOrganisation, createReply, createRotation, createTeam, createThread, createUser } from '../support/factories'

// An item's life after it closes: what brings it back and what never does, the one writer of
// its state, and who hears about what happens on its thread.

const DAY = 24 * 3_600_000

const REPRODUCTION = {
  customerDid: 'Opened Reports and pressed “Export to CSV” for last month’s orders.',
  whatHappened: 'The export fails with NullPointerException at ExportJob.run, every time.',
  expected: 'A CSV file with every order of the month.',
  logs: '2026-03-02T09:58:11Z export.run ERROR NullPointerException request=7f3a',
  account: 'Acme Corp (enterprise)',
  frequency: 'Every time since 2.4.0',
  customersAffected: '2',
}

let t: TestApp
let category: Category
let admin: User
let support: User
let engineer: User
let asker: User
let helper: User
let watcher: User
let newcomer: User
let duplicateAsker: User

let counter = 0
/** A question the bug classifier turns into an item at once (crash, exception name, regression, version). */
async function bugThread(author = asker): Promise<{ thread: { id: number; slug: string }; item: QueueItem }> {
  counter++
  const thread = await createThread(t, author, category, {
    title: `Export ${counter} crashes with NullPointerException since upgrading to 2.4.0`,
    body: `Every CSV export (${counter}) crashes since upgrading. The log says NullPointerException at ExportJob.run.`,
  })
  await t.drain()
  const items = await itemsOf(thread.id)
  expect(items, 'the bug signal rule opened an item').toHaveLength(1)
  return { thread, item: items[0]! }
}

const itemsOf = (threadId: number) => t.db.select().from(queueItems).where(eq(queueItems.threadId, threadId)).orderBy(asc(queueItems.id))
const eventsOf = (itemId: number) => t.db.select().from(queueItemEvents).where(eq(queueItemEvents.itemId, itemId)).orderBy(asc(queueItemEvents.id))
const noticesOf = (user: User, threadId: number) =>
  t.db.select().from(notifications).where(and(eq(notifications.userId, user.id), eq(notifications.threadId, threadId))).orderBy(asc(notifications.id))

async function publicStatus(thread: { id: number; slug: string }): Promise<string | undefined> {
  const page = await html(await t.client().get(`/t/${thread.id}/${thread.slug}`))
  return page.querySelector('#support-status')?.text.replace(/\s+/g, ' ').trim()
}

async function reply(author: User, threadId: number, body: string): Promise<number> {
  const { id } = await createReply(t, author, threadId, body)
  await t.drain()
  return id
}

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  const acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  engineer = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer' })
  asker = await createUser(t.db, { displayName: 'Mo Customer', organisationId: acme.id })
  helper = await createUser(t.db, { displayName: 'Hal Helper' })
  watcher = await createUser(t.db, { displayName: 'Wes Watcher' })
  newcomer = await createUser(t.db, { displayName: 'Nia Newcomer' })
  duplicateAsker = await createUser(t.db, { displayName: 'Dee Duplicate' })
  await createTeam(t, 'platform', [{ user: support, onDuty: true }], engineer)
  await createRotation(t, admin, 'platform', [engineer])
})
afterAll(() => t.close())

describe('a resolved item stays resolved', () => {
  it('a thanks after support resolved it opens nothing; "still broken" reopens that same item, naming the reply', async () => {
    const { thread, item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    expect(await publicStatus(thread)).toMatch(/answered/i)

    await reply(asker, thread.id, 'Thanks, works again!')
    expect(await itemsOf(thread.id)).toMatchObject([{ id: item.id, state: 'resolved' }])
    expect(await publicStatus(thread)).toMatch(/answered/i)

    const evidence = await reply(asker, thread.id, 'Sorry, it is still broken after the update: the export never finishes.')
    const [reopened, ...others] = await itemsOf(thread.id)
    expect(others).toHaveLength(0)
    expect(reopened).toMatchObject({ id: item.id, state: 'in_progress', resolvedAt: null })
    const events = await eventsOf(item.id)
    expect(events.find((event) => event.kind === 'reopened')?.data).toMatchObject({ reason: 'still broken', replyId: evidence })
    expect(events.at(-1)?.data).toMatchObject({ from: 'resolved', to: 'in_progress', replyId: evidence })
    expect(await publicStatus(thread)).toMatch(/being looked at/i)
    // The engineer who owns it hears that it came back.
    if (reopened!.assigneeId)
      expect((await t.db.select().from(notifications).where(and(eq(notifications.userId, reopened!.assigneeId), eq(notifications.kind, 'item_reopened')))).length).toBe(1)
  })

  it('a reply that is itself a defect report reopens it; a follow-up question does not', async () => {
    const { thread, item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    await reply(asker, thread.id, 'Great, thank you. One more question: can I schedule the export weekly?')
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['resolved'])
    await reply(helper, thread.id, 'Same here today:\n\n```\nException in thread "main" java.lang.IllegalStateException\n    at ExportJob.run(ExportJob.java:42)\n```\n\nIt crashes with HTTP 500.')
    expect((await itemsOf(thread.id)).map((row) => [row.id, row.state])).toEqual([[item.id, 'in_progress']])
    expect((await eventsOf(item.id)).find((event) => event.kind === 'reopened')?.data).toMatchObject({ reason: 'bug signal' })
  })

  it('staff replies, accepting an answer, votes and a staff edit never open an item', async () => {
    const { thread, item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    const staffReply = await reply(support, thread.id, 'Glad it works. For reference: the crash was a NullPointerException in ExportJob, fixed in 2.4.1.')
    await setAcceptedReply({ ctx: t.ctx(asker), input: { replyId: staffReply, on: true } })
    await setThreadVote({ ctx: t.ctx(helper), input: { threadId: thread.id, on: true } })
    await setReplyVote({ ctx: t.ctx(helper), input: { replyId: staffReply, on: true } })
    await editThread({
      ctx: t.ctx(admin),
      input: { threadId: thread.id, title: `${item.title} (solved)`, body: 'Exception in thread "main" java.lang.NullPointerException\n    at ExportJob.run(ExportJob.java:42)\n\nThe app crashes since upgrading.', categoryId: String(category.id), tags: '' },
    })
    await t.drain()
    await t.tick()
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['resolved'])
    expect((await eventsOf(item.id)).some((event) => event.kind === 'reopened')).toBe(false)
  })

  it('a me too from a new customer reopens it; the asker’s own me too does not', async () => {
    const { thread, item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    await setMeToo({ ctx: t.ctx(asker), input: { threadId: thread.id, on: true } }).catch(() => undefined)
    await t.drain()
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['resolved'])
    await setMeToo({ ctx: t.ctx(newcomer), input: { threadId: thread.id, on: true } })
    await t.drain()
    const [row] = await itemsOf(thread.id)
    expect(row).toMatchObject({ id: item.id, state: 'in_progress' })
    expect((await eventsOf(item.id)).find((event) => event.kind === 'reopened')?.data).toMatchObject({ reason: 'me too', customers: [newcomer.id] })
  })

  it('evidence after the reopen window opens a new item that links to the old one', async () => {
    const { thread, item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    t.clock.advance(20 * DAY)
    try {
      await reply(asker, thread.id, 'It is happening again since this morning, the same error is back.')
      const [old, followUp, ...rest] = await itemsOf(thread.id)
      expect(rest).toHaveLength(0)
      expect(old).toMatchObject({ id: item.id, state: 'resolved' })
      expect(followUp).toMatchObject({ state: 'new', kind: 'bug' })
      expect(followUp!.signals.follows).toMatchObject({ itemId: item.id, reason: 'still broken' })
      expect((await eventsOf(item.id)).find((event) => event.kind === 'followed_up')?.data).toMatchObject({ byItemId: followUp!.id })
      expect(await publicStatus(thread)).toMatch(/received/i)
    } finally {
      t.clock.advance(-20 * DAY)
    }
  })

  it('after “This solved it”, a thanks opens nothing', async () => {
    const { thread, item } = await bugThread()
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'fixed', release: '2.4.1', answer: 'A missing null check in the export job.' } })
    await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, drafts: [] } })
    const [loop] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    await confirmFix({ ctx: t.ctx(asker), input: { loopReplyId: loop!.id, solved: true } })
    await t.drain()
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['resolved'])
    await reply(asker, thread.id, 'Thanks, works again! The export finished in a second.')
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['resolved'])
    expect(await publicStatus(thread)).toMatch(/answered/i)
  })

  it('after a won’t-fix answer is sent, a thanks opens nothing', async () => {
    const { thread, item } = await bugThread()
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await answerEscalation({
      ctx: t.ctx(engineer),
      input: { escalationId: escalation.id, outcome: 'wont_fix', answer: 'Exports of more than a million rows are not supported; we suggest the API for those instead.' },
    })
    await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, drafts: [] } })
    await t.drain()
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['wont_fix'])
    await reply(asker, thread.id, 'Thanks for explaining, we will use the API.')
    expect((await itemsOf(thread.id)).map((row) => row.state)).toEqual(['wont_fix'])
  })

  it('a customer’s reply brings an item waiting on them back to in progress, through the one writer', async () => {
    const { thread, item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'waiting_on_customer' } })
    t.clock.advance(60_000)
    await reply(asker, thread.id, 'Here is the export id you asked for: 7f3a-22.')
    const [row] = await itemsOf(thread.id)
    expect(row!.state).toBe('in_progress')
    expect(row!.pausedAt).toBeNull()
    expect((await eventsOf(item.id)).at(-1)?.data).toMatchObject({ from: 'waiting_on_customer', to: 'in_progress', reason: 'The customer replied.' })
  })
})

describe('the transition table holds for every move', () => {
  it('answering an escalation “duplicate of” resolves the escalated item, a move the table now allows', async () => {
    const { item: kept } = await bugThread()
    const { item } = await bugThread()
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    expect((await itemsOf(item.threadId!))[0]!.state).toBe('escalated')
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'duplicate', duplicateOfItemId: String(kept.id) } })
    const [row] = await itemsOf(item.threadId!)
    expect(row).toMatchObject({ state: 'resolved', mergedIntoItemId: kept.id, resolvedById: engineer.id })
    const moved = (await eventsOf(item.id)).filter((event) => event.kind === 'state_changed').at(-1)
    expect(moved?.data).toMatchObject({ from: 'escalated', to: 'resolved' })
  })

  it('refuses a move the table forbids, whoever asks, and changes nothing', async () => {
    const { item } = await bugThread()
    await changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'resolved' } })
    await expect(changeItemState({ ctx: t.ctx(support), input: { itemId: item.id, state: 'escalated' } })).rejects.toThrow(/cannot become/)
    expect((await itemsOf(item.threadId!))[0]!.state).toBe('resolved')
  })
})

describe('everyone involved hears about it, once', () => {
  it('the asker and every subscriber hear of a reply, support’s reply and the accepted answer; the author does not', async () => {
    const thread = await createThread(t, asker, category, { title: 'How do I schedule a weekly export?', body: 'I would like the orders export every Monday morning.' })
    await setSubscription({ ctx: t.ctx(watcher), input: { threadId: thread.id, on: true } })
    const answer = await reply(helper, thread.id, 'Use Settings → Schedules → Weekly, then pick Monday.')
    expect((await noticesOf(asker, thread.id)).map((notice) => [notice.kind, notice.message])).toEqual([['reply', 'Hal Helper replied to your question “How do I schedule a weekly export?”.']])
    expect((await noticesOf(watcher, thread.id)).map((notice) => notice.kind)).toEqual(['reply'])
    expect(await noticesOf(helper, thread.id)).toHaveLength(0)

    await reply(support, thread.id, 'Adding to that: schedules run at 06:00 in your organisation’s timezone.')
    expect((await noticesOf(asker, thread.id)).map((notice) => notice.kind)).toEqual(['reply', 'support_reply'])
    // The helper follows the thread since they replied.
    expect((await noticesOf(helper, thread.id)).map((notice) => notice.kind)).toEqual(['support_reply'])

    await setAcceptedReply({ ctx: t.ctx(asker), input: { replyId: answer, on: true } })
    await t.drain()
    expect((await noticesOf(helper, thread.id)).map((notice) => notice.message).at(-1)).toBe('Your answer to “How do I schedule a weekly export?” was accepted as the solution.')
    expect((await noticesOf(watcher, thread.id)).map((notice) => notice.kind)).toEqual(['reply', 'support_reply', 'accepted'])
    expect((await noticesOf(asker, thread.id)).map((notice) => notice.kind)).toEqual(['reply', 'support_reply'])

    // Delivered again (at least once), the same events tell nobody twice.
    await enqueueThreadEvent(t.db, { kind: 'reply', replyId: answer }, t.clock.now())
    await enqueueThreadEvent(t.db, { kind: 'accepted', threadId: thread.id, replyId: answer }, t.clock.now())
    await t.drain()
    expect((await noticesOf(watcher, thread.id)).map((notice) => notice.kind)).toEqual(['reply', 'support_reply', 'accepted'])
  })

  it('a fix reaches a duplicate’s asker once, not once per thread, and the tracker link stays internal unless support publishes it', async () => {
    const { thread, item } = await bugThread()
    const duplicate = await createThread(t, duplicateAsker, category, { title: 'CSV export fails for me too', body: 'Same problem here with the orders export.' })
    await markDuplicate({ ctx: t.ctx(support), input: { threadId: duplicate.id, duplicateOfId: String(thread.id) } })
    // The duplicate's asker also follows the kept thread: two ways to reach one person.
    await setSubscription({ ctx: t.ctx(duplicateAsker), input: { threadId: thread.id, on: true } })
    await t.drain()
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await answerEscalation({
      ctx: t.ctx(engineer),
      input: { escalationId: escalation.id, outcome: 'fixed', release: '2.4.1', trackerUrl: 'https://tracker.internal.example/ENG-4411', answer: 'A missing null check.' },
    })
    const drafts = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    expect(drafts).toHaveLength(2)
    for (const draft of drafts) expect(draft.body).not.toContain('tracker.internal.example')

    const client = await t.client().signInAs(support)
    const itemPage = await html(await client.get(`/queue/items/${item.id}`))
    expect(itemPage.querySelector('input[name="publishTrackerLink"]')).toBeTruthy()
    await sendLoopReplies({ ctx: t.ctx(support), input: { itemId: item.id, drafts: [] } })
    await t.drain()
    const sent = await t.db.select({ body: replies.bodyMarkdown }).from(replies).innerJoin(loopReplies, eq(loopReplies.replyId, replies.id)).where(eq(loopReplies.itemId, item.id))
    expect(sent).toHaveLength(2)
    for (const row of sent) expect(row.body).not.toContain('tracker.internal.example')

    const everything = await t.db.select().from(notifications).where(eq(notifications.userId, duplicateAsker.id))
    expect(everything.filter((notice) => notice.kind.startsWith('loop_'))).toHaveLength(1)
    // The loop reply is announced by the loop, not again as an ordinary reply.
    expect(everything.filter((notice) => notice.kind === 'support_reply' || notice.kind === 'reply')).toHaveLength(0)
    expect((await t.db.select().from(notifications).where(and(eq(notifications.userId, asker.id), eq(notifications.threadId, thread.id)))).filter((notice) => notice.kind === 'loop_fixed')).toHaveLength(1)
  })

  it('support can choose to publish the tracker link with the replies', async () => {
    const { item } = await bugThread()
    const escalation = await escalateItem({ ctx: t.ctx(support), input: { itemId: item.id, ...REPRODUCTION } })
    await answerEscalation({
      ctx: t.ctx(engineer),
      input: { escalationId: escalation.id, outcome: 'fixed', release: '2.4.1', trackerUrl: 'https://github.example/acme/app/issues/88', answer: 'Fixed the export job.' },
    })
    const client = await t.client().signInAs(support)
    const [draft] = await t.db.select().from(loopReplies).where(eq(loopReplies.itemId, item.id))
    const response = await client.post(`/queue/items/${item.id}/loop`, { draftIds: String(draft!.id), publishTrackerLink: '1' })
    expect(response.status).toBe(303)
    const [sent] = await t.db.select({ body: replies.bodyMarkdown }).from(replies).innerJoin(loopReplies, eq(loopReplies.replyId, replies.id)).where(eq(loopReplies.id, draft!.id))
    expect(sent!.body).toContain('Details: https://github.example/acme/app/issues/88')
  })
})

describe('one notice per person per event on the staff side', () => {
  it('an engineer’s answer tells the assignee once, not once for the answer and again for the move', async () => {
    const { item } = await bugThread()
    const [routed] = await itemsOf(item.threadId!)
    expect(routed!.assigneeId).toBe(support.id)
    const noticesOfSupport = () => t.db.select().from(notifications).where(and(eq(notifications.userId, support.id), eq(notifications.itemId, item.id))).orderBy(asc(notifications.id))
    const before = (await noticesOfSupport()).length
    const escalation = await escalateItem({ ctx: t.ctx(admin), input: { itemId: item.id, ...REPRODUCTION } })
    const afterEscalation = (await noticesOfSupport()).length
    // Someone else escalated the assignee's item: they hear of the move, once.
    expect(afterEscalation - before).toBe(1)
    await answerEscalation({ ctx: t.ctx(engineer), input: { escalationId: escalation.id, outcome: 'needs_info', answer: 'Which export size fails, and since when exactly?' } })
    const told = (await noticesOfSupport()).slice(afterEscalation)
    expect(told.map((notice) => notice.kind)).toEqual(['escalation_answered'])
  })
})
