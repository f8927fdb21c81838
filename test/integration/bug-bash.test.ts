import { and, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bugBashClusters, bugBashEvents, csatRequests, notifications, queueItemEvents, queueItems, replies, type Category, type User } from '../../src/db/schema'
import { fixCluster, getBugBashList, pickCluster, unpickCluster } from '../../src/bug-bash'
import { markDuplicate, setMeToo } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createTeam, createThread, createUser } from '../support/factories'
import { deliverAll, linkIn, mailsTo } from '../support/mail-links'
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink'

// The bug-bash list against a scenario built by hand: three clusters, one per way of belonging
// together (duplicate marks, shared tags, similar titles), and questions that belong to none.
// Picking and fixing a cluster closes the loop with every asker, in the app and by mail.

const ENV = { SMTP_URL: '', MAIL_FROM: 'Test Community <community@forum.example>' }

let sink: SmtpSink
let t: TestApp
let category: Category
let support: User
let engineer: User
let member: User
const customers: User[] = []
type Thread = { id: number; slug: string }
const threads: Record<string, Thread> = {}
const items: Record<string, number> = {}

async function ask(key: string, author: User, title: string, body: string, tags = '', asItem = true): Promise<void> {
  threads[key] = await createThread(t, author, category, { title, body, tags })
  if (asItem) items[key] = (await convertThread({ ctx: t.ctx(support), input: { threadId: threads[key]!.id, kind: 'bug', severity: 'normal' } })).id
}

beforeAll(async () => {
  sink = await startSmtpSink()
  ENV.SMTP_URL = sink.url
  t = await createTestApp({ env: ENV })
  category = await createCategory(t.db, { name: 'Reports', slug: 'reports', team: 'platform' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support', email: 'sam@staff.example' })
  engineer = await createUser(t.db, { displayName: 'Ada Engineer', role: 'engineer', email: 'ada@staff.example' })
  member = await createUser(t.db, { displayName: 'Mo Member', email: 'mo@customer.example' })
  for (const n of [1, 2, 3, 4, 5, 6]) customers.push(await createUser(t.db, { displayName: `Customer ${n}`, email: `c${n}@customer.example` }))
  await createTeam(t, 'platform', [{ user: support, onDuty: true }])
  const [c1, c2, c3, c4, c5, c6] = customers as [User, User, User, User, User, User]

  // A: marked duplicates (A2, A3 of A1) and a "me too": 3 questions, 1 item, customers 1–4.
  await ask('A1', c1, 'CSV export fails with NullPointerException', 'Pressing the export button on the orders report shows a stack trace.')
  await ask('A2', c2, 'Export to CSV crashes', 'Our accountant cannot download last month as a spreadsheet file.', '', false)
  await ask('A3', c3, 'Exporting orders as CSV gives an error', 'Downloading the orders listing stopped working yesterday afternoon.', '', false)
  await markDuplicate({ ctx: t.ctx(support), input: { threadId: threads.A2!.id, duplicateOfId: String(threads.A1!.id) } })
  await markDuplicate({ ctx: t.ctx(support), input: { threadId: threads.A3!.id, duplicateOfId: String(threads.A1!.id) } })
  await setMeToo({ ctx: t.ctx(c4), input: { threadId: threads.A1!.id, on: '1' } })
  // B: two shared tags, nothing else in common: 2 questions, 2 items, customers 5–6.
  await ask('B1', c5, 'Dark mode looks washed out', 'Contrast on the dashboard is far too low after sunset.', 'dark-mode, appearance')
  await ask('B2', c6, 'Sidebar unreadable at night', 'Menu labels almost vanish against the background.', 'dark-mode, appearance')
  // C: similar titles only: 3 questions, 3 items, customers 1–3.
  await ask('C1', c1, 'Password reset email never arrives', 'Clicked forgot my login secret twice and waited an hour.')
  await ask('C2', c2, 'Password reset email never arrives for our team', 'Three colleagues tried this morning without luck.')
  await ask('C3', c3, 'The password reset email never arrives', 'Checked the spam folder as well; still nothing.')
  // Noise: one shared tag only (not a topic), and a lone question.
  await ask('E1', c4, 'Request: custom accent palette', 'We would like our brand hue on buttons.', 'appearance, feature-request')
  await ask('D1', c6, 'How do I change the invoice currency?', 'We moved our company from Germany to Switzerland.')
  await deliverAll(t)
})
afterAll(async () => {
  await t?.close()
  await sink?.close()
})

const idsOf = (...keys: string[]) => keys.map((key) => threads[key]!.id).sort((a, b) => a - b)

describe('bug-bash list', () => {
  it('clusters duplicates, shared tags and similar titles, with counts and affected customers', async () => {
    const list = await getBugBashList(t.ctx(support))
    const clusters = list.open.map((cluster) => ({
      threads: cluster.threads.map((thread) => thread.id).sort((a, b) => a - b),
      items: cluster.itemCount,
      customers: cluster.affectedCustomers,
      reasons: cluster.reasons,
    }))
    // Ranked by affected customers: A (4), C (3), B (2); D1 and E1 belong to none.
    expect(clusters).toEqual([
      { threads: idsOf('A1', 'A2', 'A3'), items: 1, customers: 4, reasons: ['marked duplicates', 'similar titles'] },
      { threads: idsOf('C1', 'C2', 'C3'), items: 3, customers: 3, reasons: ['similar titles'] },
      { threads: idsOf('B1', 'B2'), items: 2, customers: 2, reasons: ['tags appearance, dark-mode'] },
    ])
    expect(list.open[0]!.title).toBe('CSV export fails with NullPointerException')
    // The newest occurrence of C is its newest question (asked at the same instant here: its item).
    expect(list.open[1]!.newestAt.getTime()).toBe(t.clock.now().getTime())
    expect(list.picked).toEqual([])

    // The page: each cluster with its counts and links to the questions and items.
    const page = await html(await (await t.client().signInAs(support)).get('/bug-bash'))
    const open = page.querySelectorAll('section[aria-labelledby=open-heading] article')
    expect(open.map((article) => article.querySelector('h3')?.text)).toEqual([
      'CSV export fails with NullPointerException',
      'Password reset email never arrives',
      'Dark mode looks washed out',
    ])
    expect(open[0]!.querySelector('.chips')?.text).toContain('3 questions')
    expect(open[0]!.querySelector('.chips')?.text).toContain('4 affected customers')
    expect(open[0]!.querySelector(`a[href="/t/${threads.A2!.id}/${threads.A2!.slug}"]`)).not.toBeNull()
    expect(open[0]!.querySelector(`a[href="/queue/items/${items.A1}"]`)).not.toBeNull()
  })

  it('refuses customers and anonymous visitors, on the page and in the verbs', async () => {
    expect((await (await t.client().signInAs(member)).get('/bug-bash')).status).toBe(403)
    const anonymous = await t.client().get('/bug-bash')
    expect([302, 303, 401]).toContain(anonymous.status)
    const refused = await (await t.client().signInAs(member)).post('/bug-bash/pick', { threadId: threads.B1!.id, day: '2026-03-05' })
    expect(refused.status).toBe(403)
    await expect(pickCluster({ ctx: t.ctx(member), input: { threadId: threads.B1!.id, day: '2026-03-05' } })).rejects.toThrow('Only support staff')
    await expect(fixCluster({ ctx: t.ctx(member), input: { clusterId: 1, note: 'Fixed it for everyone.', release: '' } })).rejects.toThrow('Only support staff')
    expect(await t.db.select().from(bugBashClusters)).toEqual([])
  })

  it('picks a cluster for a bug-bash day, refusing a day that is not one, keeping the input', async () => {
    const client = await t.client().signInAs(engineer)
    const invalid = await client.post('/bug-bash/pick', { threadId: threads.C1!.id, day: '2026-02-30' })
    expect(invalid.status).toBe(422)
    const invalidPage = await html(invalid)
    expect(invalidPage.querySelector(`#day-${threads.C1!.id}-error`)?.text).toContain('Give the day as a date')
    expect(invalidPage.querySelector(`#day-${threads.C1!.id}`)?.getAttribute('value')).toBe('2026-02-30')
    const past = await client.post('/bug-bash/pick', { threadId: threads.C1!.id, day: '2026-03-01' })
    expect(past.status).toBe(422)
    expect((await html(past)).querySelector(`#day-${threads.C1!.id}-error`)?.text).toContain('Choose today (2026-03-02) or a later day')

    const picked = await client.post('/bug-bash/pick', { threadId: threads.C1!.id, day: '2026-03-05' })
    expect(picked.status).toBe(303)
    const [cluster] = await t.db.select().from(bugBashClusters)
    expect(cluster).toMatchObject({ state: 'picked', bugBashDay: '2026-03-05', pickedById: engineer.id, anchorThreadId: threads.C1!.id })
    expect((await t.db.select().from(bugBashEvents).where(eq(bugBashEvents.clusterId, cluster!.id))).map((event) => event.kind)).toEqual(['picked'])
    const itemEvents = await t.db.select().from(queueItemEvents).where(and(eq(queueItemEvents.kind, 'bug_bash_picked'), inArray(queueItemEvents.itemId, [items.C1!, items.C2!, items.C3!])))
    expect(itemEvents).toHaveLength(3)

    const list = await getBugBashList(t.ctx(support))
    expect(list.picked.map((entry) => entry.threads.map((thread) => thread.id).sort((a, b) => a - b))).toEqual([idsOf('C1', 'C2', 'C3')])
    expect(list.open.map((entry) => entry.anchorThreadId)).toEqual([threads.A1!.id, threads.B1!.id])
    // Fixing asks for words for the customers.
    const empty = await client.post(`/bug-bash/${cluster!.id}/fix`, { note: 'ok', release: '' })
    expect(empty.status).toBe(422)
    expect((await html(empty)).querySelector(`#note-${cluster!.id}-error`)?.text).toContain('at least 10 characters')
  })

  it('takes a picked cluster off its day (open again, still stored), and fixes only picked clusters', async () => {
    const picked = await pickCluster({ ctx: t.ctx(support), input: { threadId: threads.B2!.id, day: '2026-03-09' } })
    expect(picked.anchorThreadId).toBe(threads.B1!.id)
    await expect(pickCluster({ ctx: t.ctx(support), input: { threadId: threads.B1!.id, day: '2026-03-09' } })).rejects.toThrow('already picked for 2026-03-09')
    const client = await t.client().signInAs(support)
    expect((await client.post(`/bug-bash/${picked.id}/unpick`)).status).toBe(303)
    const [stored] = await t.db.select().from(bugBashClusters).where(eq(bugBashClusters.id, picked.id))
    expect(stored).toMatchObject({ state: 'open', bugBashDay: null })
    expect((await t.db.select().from(bugBashEvents).where(eq(bugBashEvents.clusterId, picked.id))).map((event) => event.kind)).toEqual(['picked', 'unpicked'])
    const list = await getBugBashList(t.ctx(support))
    expect(list.open.find((cluster) => cluster.storedId === picked.id)?.threads.map((thread) => thread.id).sort((a, b) => a - b)).toEqual(idsOf('B1', 'B2'))
    const refused = await client.post(`/bug-bash/${picked.id}/fix`, { note: 'Contrast fixed in the dark theme.', release: '' })
    expect(refused.status).toBe(409)
    expect((await html(refused)).querySelector(`#cluster-${picked.id} .form-message`)?.text).toContain('Pick this cluster for a bug-bash day first')
    expect((await client.post(`/bug-bash/${picked.id}/unpick`)).status).toBe(409)
  })

  it('marking fixed closes the loop on every thread: replies, notices, mail with "This solved it", items waiting for confirmation', async () => {
    const [cluster] = await t.db.select().from(bugBashClusters).where(eq(bugBashClusters.anchorThreadId, threads.C1!.id))
    const note = 'Reset mails were stuck behind a misconfigured sender address; they go out within a minute again.'
    const before = sink.received.length
    const done = await (await t.client().signInAs(engineer)).post(`/bug-bash/${cluster!.id}/fix`, { note, release: '2.4.1' })
    expect(done.status).toBe(303)
    await deliverAll(t)

    // A public "fixed" reply on each of the three questions.
    for (const key of ['C1', 'C2', 'C3']) {
      const posted = await t.db.select().from(replies).where(eq(replies.threadId, threads[key]!.id))
      expect(posted.some((reply) => reply.bodyMarkdown.includes(note) && reply.bodyMarkdown.startsWith('This is fixed in 2.4.1.'))).toBe(true)
    }
    // Each open item now waits for its asker's confirmation; the cluster is fixed.
    const states = await t.db.select({ state: queueItems.state }).from(queueItems).where(inArray(queueItems.id, [items.C1!, items.C2!, items.C3!]))
    expect(states.map((row) => row.state)).toEqual(['fixed_pending_confirmation', 'fixed_pending_confirmation', 'fixed_pending_confirmation'])
    expect((await t.db.select().from(bugBashClusters).where(eq(bugBashClusters.id, cluster!.id)))[0]).toMatchObject({ state: 'fixed', fixedById: engineer.id, release: '2.4.1' })

    // Every asker told once in the app and by mail (through the SMTP server), with the fix's links.
    const [c1, c2, c3] = customers as [User, User, User]
    for (const customer of [c1, c2, c3]) {
      const notices = await t.db.select().from(notifications).where(and(eq(notifications.userId, customer.id), eq(notifications.kind, 'loop_fixed')))
      expect(notices).toHaveLength(1)
    }
    await sink.waitFor(before + 3)
    const mail = mailsTo(sink, 'c2@customer.example').find((candidate) => candidate.subject?.startsWith('Fixed:'))
    expect(mail?.text).toContain(note)
    const solved = linkIn(mail, '/mail/fix/')

    // The asker answers from the mail: "This solved it" resolves the item, as for an engineer's fix.
    const visitor = t.client()
    expect((await visitor.get(solved)).status).toBe(200)
    expect((await visitor.post(solved)).status).toBe(303)
    const [c2Item] = await t.db.select().from(queueItems).where(eq(queueItems.id, items.C2!))
    expect(c2Item!.state).toBe('resolved')
    // …and an hour later they are asked how well it was solved (CSAT).
    t.clock.advance(61 * 60_000)
    await deliverAll(t)
    expect(await t.db.select().from(csatRequests).where(eq(csatRequests.itemId, items.C2!))).toHaveLength(1)

    // The list: C is under Fixed, out of the open clusters; a second fix is refused.
    const list = await getBugBashList(t.ctx(support))
    expect(list.fixed.map((entry) => entry.storedId)).toEqual([cluster!.id])
    expect(list.open.some((entry) => entry.threads.some((thread) => thread.id === threads.C1!.id))).toBe(false)
    await expect(fixCluster({ ctx: t.ctx(support), input: { clusterId: cluster!.id, note, release: '' } })).rejects.toThrow('marked fixed already')
  })

  it('fixing a cluster of duplicates tells the askers of the duplicates and the "me too"s', async () => {
    const picked = await pickCluster({ ctx: t.ctx(support), input: { threadId: threads.A1!.id, day: '2026-03-02' } })
    await fixCluster({ ctx: t.ctx(support), input: { clusterId: picked.id, note: 'Exports of months with refunds work again.', release: '' } })
    await deliverAll(t)
    const [c1, c2, c3, c4] = customers as [User, User, User, User]
    for (const customer of [c1, c2, c3, c4]) {
      const notices = await t.db.select().from(notifications).where(and(eq(notifications.userId, customer.id), eq(notifications.kind, 'loop_fixed')))
      // c1–c3 heard of C's fix before; everyone hears once of A's.
      expect(notices.filter((notice) => [threads.A1!.id, threads.A2!.id, threads.A3!.id].includes(notice.threadId!))).toHaveLength(1)
    }
    const page = await html(await (await t.client().signInAs(support)).get('/bug-bash'))
    expect(texts(page, 'section[aria-labelledby=fixed-heading] article h3')).toEqual(['CSV export fails with NullPointerException', 'Password reset email never arrives'])
    const [item] = await t.db.select().from(queueItems).where(eq(queueItems.id, items.A1!))
    expect(item!.state).toBe('fixed_pending_confirmation')
  })
})
