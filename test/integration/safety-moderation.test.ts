import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountSanctions, auditEntries, postFlags, removedAccounts, replies, reviewItems, sessions, threads, users, type Category, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

// Flags, the review queue, watched words, suspensions and removing a spammer, through the pages.

let t: TestApp
let category: Category
let asker: User
let moderator: User
let admin: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'General', slug: 'general' })
  asker = await createUser(t.db, { displayName: 'Asker' })
  moderator = await createUser(t.db, { displayName: 'Mo Derator', role: 'support' })
  admin = await createUser(t.db, { displayName: 'Ada Admin', role: 'admin' })
})
afterAll(() => t.close())

const replyRow = async (id: number) => (await t.db.select().from(replies).where(eq(replies.id, id)))[0]!
const pendingFor = (threadId: number) => t.db.select().from(reviewItems).where(and(eq(reviewItems.threadId, threadId), eq(reviewItems.status, 'pending')))
const auditActions = async () => (await t.db.select().from(auditEntries)).map((entry) => entry.action)

describe('flags', () => {
  it('hides a reply once three trusted members flag it, not before, and new accounts’ flags do not count', async () => {
    const thread = await createThread(t, asker, category)
    const reply = await createReply(t, asker, thread.id, 'Buy cheap watches at my shop today, best prices.')
    const flag = async (user: User, reason = 'spam', note = '') => (await t.client().signInAs(user)).post(`/r/${reply.id}/flag`, { reason, note })
    for (let n = 0; n < 3; n++) expect((await flag(await createUser(t.db, { trustLevel: 0, displayName: `Newbie ${n}` }))).status).toBe(200)
    expect((await replyRow(reply.id)).hiddenAt).toBeNull()
    await flag(await createUser(t.db, { displayName: 'Member One' }))
    const second = await flag(await createUser(t.db, { displayName: 'Member Two' }), 'abusive')
    expect((await html(second)).querySelector('[role=status]')?.text).toMatch(/A moderator will look at this post/)
    expect((await replyRow(reply.id)).hiddenAt).toBeNull()
    const third = await flag(await createUser(t.db, { displayName: 'Member Three' }), 'other', 'Looks like an advert.')
    expect((await html(third)).querySelector('[role=status]')?.text).toMatch(/hidden until a moderator/)
    expect((await replyRow(reply.id)).hiddenReason).toBe('flagged')
    // Out of the public thread, waiting in /review with every flag.
    expect(await (await t.client().get(`/t/${thread.id}/${thread.slug}`)).text()).not.toContain('cheap watches')
    const queue = await html(await (await t.client().signInAs(moderator)).get('/review'))
    const entry = queue.querySelectorAll('.review-entry').find((node) => node.text.includes('cheap watches'))!
    expect(entry.querySelectorAll('ul[aria-label=Flags] li')).toHaveLength(6)
    expect(entry.text).toContain('Looks like an advert.')
  })

  it('refuses flagging your own post, asks for a note with "something else", and counts a repeat once', async () => {
    const thread = await createThread(t, asker, category)
    const own = await (await t.client().signInAs(asker)).post(`/t/${thread.id}/flag`, { reason: 'spam' })
    expect(own.status).toBe(403)
    const flagger = await t.client().signInAs(await createUser(t.db))
    const missing = await flagger.post(`/t/${thread.id}/flag`, { reason: 'other', note: '' })
    expect(missing.status).toBe(422)
    expect((await html(missing)).querySelector('.field-error')?.text).toMatch(/Tell the moderators/)
    const bogus = await flagger.post(`/t/${thread.id}/flag`, { reason: 'because' })
    expect(bogus.status).toBe(422)
    await flagger.post(`/t/${thread.id}/flag`, { reason: 'off_topic' })
    const again = await flagger.post(`/t/${thread.id}/flag`, { reason: 'off_topic' })
    expect((await html(again)).querySelector('[role=status]')?.text).toMatch(/already flagged/)
    expect(await t.db.select().from(postFlags).where(eq(postFlags.threadId, thread.id))).toHaveLength(1)
    expect((await t.client().post(`/t/${thread.id}/flag`, { reason: 'spam' })).status).toBe(303)
  })

  it('approving a flagged post shows it again and marks the flags as wrong', async () => {
    const thread = await createThread(t, asker, category)
    const reply = await createReply(t, asker, thread.id, 'A perfectly fine answer that someone disliked.')
    await (await t.client().signInAs(moderator)).post(`/r/${reply.id}/flag`, { reason: 'abusive' })
    expect((await replyRow(reply.id)).hiddenReason).toBe('flagged')
    const [item] = await pendingFor(thread.id)
    const done = await (await t.client().signInAs(moderator)).post(`/review/${item!.id}`, { decision: 'approve' })
    expect(done.headers.get('location')).toBe('/review?done=approved')
    expect((await replyRow(reply.id)).hiddenAt).toBeNull()
    const [flag] = await t.db.select().from(postFlags).where(eq(postFlags.replyId, reply.id))
    expect(flag!.outcome).toBe('disagreed')
    expect(await auditActions()).toContain('review.approved')
  })
})

describe('the review queue', () => {
  async function heldQuestion(author: User, word = 'forbiddenthing') {
    await t.db.insert((await import('../../src/db/schema')).watchedWords).values({ word, action: 'require_approval', createdAt: t.clock.now() }).onConflictDoNothing()
    const c = await t.client().signInAs(author)
    await c.post('/ask', { title: `Question about the ${word} settings page`, body: `Where do I change the ${word} option in the settings?`, categoryId: category.id, tags: '' })
    const [thread] = await t.db.select().from(threads).where(eq(threads.authorId, author.id))
    return thread!
  }

  it('is for staff only', async () => {
    expect((await t.client().get('/review')).status).toBe(302)
    expect((await (await t.client().signInAs(asker)).get('/review')).status).toBe(403)
    const [anyItem] = await t.db.select().from(reviewItems).limit(1)
    expect((await (await t.client().signInAs(asker)).post(`/review/${anyItem?.id ?? 1}`, { decision: 'approve' })).status).toBe(403)
    expect((await (await t.client().signInAs(moderator)).get('/review')).status).toBe(200)
  })

  it('rejects a held post for good, and a second decision is refused', async () => {
    const author = await createUser(t.db, { displayName: 'Word User' })
    const thread = await heldQuestion(author)
    expect(thread.hiddenReason).toBe('held')
    const [item] = await pendingFor(thread.id)
    expect(item!.reason).toBe('watched_word')
    const staff = await t.client().signInAs(moderator)
    expect((await staff.post(`/review/${item!.id}`, { decision: 'reject' })).status).toBe(303)
    expect((await t.db.select().from(threads).where(eq(threads.id, thread.id)))[0]!.hiddenReason).toBe('rejected')
    const twice = await staff.post(`/review/${item!.id}`, { decision: 'approve' })
    expect(twice.status).toBe(409)
    expect((await html(twice)).querySelector('.form-message')?.text).toMatch(/already reviewed \(rejected by Mo Derator\)/)
    expect(await auditActions()).toContain('review.rejected')
  })

  it('hides a post, and suspends an author with a reason, a message and an end, rejecting their other held posts', async () => {
    const author = await createUser(t.db, { displayName: 'Repeat Offender' })
    const first = await heldQuestion(author, 'badword')
    const c = await t.client().signInAs(author)
    await c.post('/ask', { title: 'Another question with the badword inside', body: 'Some more badword text to be held for review.', categoryId: category.id, tags: '' })
    const staff = await t.client().signInAs(moderator)
    const [item] = await pendingFor(first.id)
    const refused = await staff.post(`/review/${item!.id}`, { decision: 'suspend', reason: '', message: '', duration: '7' })
    expect(refused.status).toBe(422)
    expect(texts(await html(refused), '.field-error').join(' ')).toMatch(/Give a reason/)
    const done = await staff.post(`/review/${item!.id}`, { decision: 'suspend', reason: 'Repeated spam', message: 'Please stop posting adverts.', duration: '7' })
    expect(done.status).toBe(303)
    const [sanction] = await t.db.select().from(accountSanctions).where(eq(accountSanctions.userId, author.id))
    expect(sanction!.kind).toBe('suspend')
    expect(sanction!.endsAt!.getTime() - t.clock.now().getTime()).toBe(7 * 24 * 3600 * 1000)
    // Every session ended (kept, expired, so the next request says why: account-doors.test.ts).
    expect((await t.db.select().from(sessions).where(eq(sessions.userId, author.id))).filter((session) => session.expiresAt > t.clock.now())).toHaveLength(0)
    const theirs = await t.db.select().from(threads).where(eq(threads.authorId, author.id))
    expect(theirs.map((thread) => thread.hiddenReason)).toEqual(['rejected', 'rejected'])
    expect(await t.db.select().from(reviewItems).where(and(eq(reviewItems.authorId, author.id), eq(reviewItems.status, 'pending')))).toHaveLength(0)
    expect(await auditActions()).toEqual(expect.arrayContaining(['review.author_suspended', 'user.suspended']))

    const plain = await createThread(t, asker, category)
    const reply = await createReply(t, asker, plain.id, 'Off-topic musings that a member flagged.')
    await (await t.client().signInAs(await createUser(t.db))).post(`/r/${reply.id}/flag`, { reason: 'off_topic' })
    const [flagged] = await pendingFor(plain.id)
    await staff.post(`/review/${flagged!.id}`, { decision: 'hide' })
    expect((await replyRow(reply.id)).hiddenReason).toBe('staff')
  })
})

describe('watched words', () => {
  it('are managed by admins only', async () => {
    expect((await (await t.client().signInAs(moderator)).post('/admin/safety/words', { word: 'casino*', action: 'block' })).status).toBe(403)
    expect((await (await t.client().signInAs(moderator)).get('/admin/safety')).status).toBe(403)
    const c = await t.client().signInAs(admin)
    const bad = await c.post('/admin/safety/words', { word: '*', action: 'block' })
    expect(bad.status).toBe(422)
    expect((await c.post('/admin/safety/words', { word: 'Casino*', action: 'block' })).status).toBe(303)
    expect((await c.post('/admin/safety/words', { word: 'crypto giveaway', action: 'flag' })).status).toBe(303)
    const page = await html(await c.get('/admin/safety'))
    expect(texts(page, 'table code')).toEqual(expect.arrayContaining(['casino*', 'crypto giveaway']))
    expect(await auditActions()).toContain('safety.watched_word_saved')
  })

  it('block a post with a message by the field (keeping the text), and flag one into /review while it stays public', async () => {
    const thread = await createThread(t, asker, category)
    const member = await t.client().signInAs(await createUser(t.db, { displayName: 'Word Tester' }))
    const blocked = await member.post(`/t/${thread.id}/replies`, { body: 'Visit our CASINOS for the best odds tonight.' })
    expect(blocked.status).toBe(422)
    const page = await html(blocked)
    expect(page.querySelector('.field-error')?.text).toMatch(/“casino\*” is not allowed/)
    expect(page.querySelector('textarea[name=body]')?.text).toContain('CASINOS')
    // Letters before it make another word: "oldcasino" is not "casino*".
    expect((await member.post(`/t/${thread.id}/replies`, { body: 'Our oldcasino reunion evenings are fine.' })).status).toBe(303)
    const flagged = await member.post(`/t/${thread.id}/replies`, { body: 'Join the crypto   giveaway channel for updates.' })
    expect(flagged.status).toBe(303)
    const [item] = await pendingFor(thread.id)
    expect(item!.reason).toBe('watched_word')
    const [reply] = await t.db.select().from(replies).where(eq(replies.id, item!.replyId!))
    expect(reply!.hiddenAt).toBeNull()
  })
})

describe('suspending and silencing', () => {
  it('tells a suspended person why at sign-in, and a silenced person why when they post; lifting restores them', async () => {
    const person = await createUser(t.db, { displayName: 'Sanctioned Sam', email: 'sam@example.com' })
    const staff = await t.client().signInAs(moderator)
    const bad = await staff.post(`/moderation/users/${person.id}/sanctions`, { kind: 'silence', reason: 'x', message: '', duration: '0' })
    expect(bad.status).toBe(422)
    expect((await staff.post(`/moderation/users/${person.id}/sanctions`, { kind: 'silence', reason: 'Heated threads', message: 'Take a day off, please.', duration: '1' })).status).toBe(303)
    const thread = await createThread(t, asker, category)
    const silenced = await t.client().signInAs(person)
    const refused = await silenced.post(`/t/${thread.id}/replies`, { body: 'I still want to say something here.' })
    expect(refused.status).toBe(403)
    expect((await html(refused)).querySelector('.form-message')?.text).toMatch(/silenced.*Take a day off, please\./)
    expect((await silenced.post(`/t/${thread.id}/vote`, { on: '1' })).status).toBe(403)
    t.clock.advance(25 * 3600 * 1000)
    expect((await silenced.post(`/t/${thread.id}/replies`, { body: 'Back again after the silence ended.' })).status).toBe(303)

    await staff.post(`/moderation/users/${person.id}/sanctions`, { kind: 'suspend', reason: 'Threats', message: 'Suspended for threats.', duration: 'forever' })
    const signIn = await t.client().post('/login', { email: 'sam@example.com', password: 'correct horse battery staple' })
    expect(signIn.status).toBe(403)
    expect((await html(signIn)).querySelector('.form-message')?.text).toMatch(/suspended until staff lift it\. Suspended for threats\./)
    const [active] = await t.db.select().from(accountSanctions).where(and(eq(accountSanctions.userId, person.id), eq(accountSanctions.kind, 'suspend')))
    expect((await staff.post(`/moderation/sanctions/${active!.id}/lift`, {})).status).toBe(303)
    expect((await t.client().post('/login', { email: 'sam@example.com', password: 'correct horse battery staple' })).status).toBe(303)
    expect(await auditActions()).toEqual(expect.arrayContaining(['user.silenced', 'user.suspended', 'user.suspension_lifted']))
  })

  it('refuses members and sanctioning staff', async () => {
    const person = await createUser(t.db)
    expect((await (await t.client().signInAs(asker)).post(`/moderation/users/${person.id}/sanctions`, { kind: 'suspend', reason: 'x y z', message: 'x y z', duration: '1' })).status).toBe(403)
    expect((await (await t.client().signInAs(asker)).get(`/moderation/users/${person.id}`)).status).toBe(403)
    const refused = await (await t.client().signInAs(moderator)).post(`/moderation/users/${admin.id}/sanctions`, { kind: 'suspend', reason: 'x y z', message: 'x y z', duration: '1' })
    expect(refused.status).toBe(403)
  })
})

describe('hostile input in the new fields', () => {
  it('is shown as text on /review and the moderation page, never as markup', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    const thread = await createThread(t, asker, category)
    const person = await createUser(t.db, { displayName: 'Hostile Flagger' })
    await (await t.client().signInAs(person)).post(`/t/${thread.id}/flag`, { reason: 'other', note: hostile })
    const staff = await t.client().signInAs(moderator)
    const review = await (await staff.get('/review')).text()
    expect(review).not.toContain('<script>alert(1)')
    expect(review).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    await staff.post(`/moderation/users/${person.id}/sanctions`, { kind: 'silence', reason: hostile, message: hostile, duration: '1' })
    const page = await (await staff.get(`/moderation/users/${person.id}`)).text()
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;')
  })
})

describe('removing a spammer', () => {
  it('hides every post, signs them out, keeps a record and refuses their address at sign-up', async () => {
    const spammer = await createUser(t.db, { displayName: 'Spam Bot', email: 'spam@bot.example', trustLevel: 0 })
    const own = await createThread(t, spammer, category)
    const elsewhere = await createThread(t, asker, category)
    const reply = await createReply(t, spammer, elsewhere.id, 'Cheap pills available here now!')
    const staff = await t.client().signInAs(moderator)
    const wrongName = await staff.post(`/moderation/users/${spammer.id}/remove`, { reason: 'Spam', confirmName: 'Someone Else' })
    expect(wrongName.status).toBe(422)
    expect((await staff.post(`/moderation/users/${spammer.id}/remove`, { reason: 'Pill spam', confirmName: 'spam bot' })).status).toBe(303)
    expect((await t.db.select().from(threads).where(eq(threads.id, own.id)))[0]!.hiddenReason).toBe('removed')
    expect((await replyRow(reply.id)).hiddenReason).toBe('removed')
    expect((await t.db.select().from(threads).where(eq(threads.id, elsewhere.id)))[0]!.replyCount).toBe(0)
    const [record] = await t.db.select().from(removedAccounts).where(eq(removedAccounts.email, 'spam@bot.example'))
    expect(record).toMatchObject({ displayName: 'Spam Bot', threadsRemoved: 1, repliesRemoved: 1, reason: 'Pill spam' })
    const [tombstone] = await t.db.select().from(users).where(eq(users.id, spammer.id))
    expect(tombstone!.deletedAt).not.toBeNull()
    expect(tombstone!.email).not.toBe('spam@bot.example')
    expect(await auditActions()).toContain('user.removed_as_spammer')
    const again = await t.client().post('/signup', { email: 'spam@bot.example', displayName: 'Spam Again', password: 'a long enough password 123' })
    expect(again.status).toBe(422)
    // Staff still read what was removed.
    expect((await staff.get(`/t/${own.id}/${own.slug}`)).status).toBe(200)
  })

  it('refuses removing staff and regulars', async () => {
    const staff = await t.client().signInAs(moderator)
    expect((await staff.post(`/moderation/users/${admin.id}/remove`, { confirmName: admin.displayName })).status).toBe(403)
    const regular = await createUser(t.db, { displayName: 'Long Timer', trustLevel: 3 })
    expect((await staff.post(`/moderation/users/${regular.id}/remove`, { confirmName: regular.displayName })).status).toBe(403)
  })
})
