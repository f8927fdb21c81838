import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mailMessages, users, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createReply, createThread, createUser } from '../support/factories'

// With no SMTP_URL, mail is kept in the database and admins read it at /admin/mail: the list,
// newest first, and each mail's headers and both parts (the HTML in a sandboxed frame).

let t: TestApp
let admin: User
let asker: User
let helper: User
let threadId: number

beforeAll(async () => {
  t = await createTestApp()
  const category = await createCategory(t.db, { name: 'General', slug: 'general' })
  admin = await createUser(t.db, { displayName: 'Ann Admin', role: 'admin' })
  asker = await createUser(t.db, { displayName: 'Mo Customer', email: 'mo@customer.example' })
  helper = await createUser(t.db, { displayName: 'Hal Helper' })
  const thread = await createThread(t, asker, category, { title: 'Where is the <b>export</b> button?', body: 'I cannot find it on the orders page.' })
  threadId = thread.id
  await createReply(t, helper, thread.id, 'It is under **Orders → Export**.')
  for (let round = 0; round < 6 && (await t.drain()) > 0; round++);
})
afterAll(() => t.close())

describe('/admin/mail', () => {
  it('lists the kept mail newest first, with whom it is to, its kind and status', async () => {
    const [kept] = await t.db.select().from(mailMessages).where(eq(mailMessages.threadId, threadId))
    expect(kept).toMatchObject({ status: 'kept', kind: 'reply' })
    const page = await html(await (await t.client().signInAs(admin)).get('/admin/mail'))
    expect(page.querySelector('nav[aria-label="Admin sections"] a[href="/admin/mail"]')?.getAttribute('aria-current')).toBeTruthy()
    const row = page.querySelector(`#mail-${kept!.id}`)!
    expect(row.text).toContain('New reply: Where is the <b>export</b> button?')
    expect(row.text).toContain('"Mo Customer" <mo@customer.example>')
    expect(row.text).toContain('reply')
    expect(row.text).toContain('Kept (no SMTP server)')
    expect(page.text).toContain('No SMTP server is configured')
  })

  it('shows one mail: its headers, its plain text, and its HTML in a sandboxed frame that runs nothing', async () => {
    const [kept] = await t.db.select().from(mailMessages).where(eq(mailMessages.threadId, threadId))
    const response = await (await t.client().signInAs(admin)).get(`/admin/mail/${kept!.id}`)
    expect(response.status).toBe(200)
    const page = await html(response)
    const headers = Object.fromEntries(page.querySelectorAll('.mail-headers tr').map((tr) => [tr.querySelector('th')!.text, tr.querySelector('td')!.text]))
    expect(headers['Message-ID']).toBe(kept!.messageId)
    expect(headers['In-Reply-To']).toBe(`<thread-${threadId}@localhost>`)
    expect(headers.To).toBe('"Mo Customer" <mo@customer.example>')
    expect(page.querySelector('pre.mail-text')?.text).toContain('Hal Helper replied to your question')
    const frame = page.querySelector('iframe.mail-html')!
    expect(frame.getAttribute('sandbox')).toBe('')
    expect(frame.getAttribute('srcdoc')).toContain('<strong>Orders → Export</strong>')
    // The title stays escaped inside the mail's HTML, and the frame's markup cannot break out of the attribute.
    expect(frame.getAttribute('srcdoc')).toContain('Where is the &lt;b&gt;export&lt;/b&gt; button?')
    expect(page.querySelectorAll('body script').every((script) => !script.text.includes('Orders'))).toBe(true)
    expect(page.querySelector('pre.mail-source')?.text).toContain('<!doctype html>')
  })

  it('pages by keyset: a cursor past the newest mail shows the older ones, and none past the last', async () => {
    const client = await t.client().signInAs(admin)
    const [newest] = await t.db.select().from(mailMessages).where(eq(mailMessages.threadId, threadId))
    const older = await html(await client.get(`/admin/mail?before=${newest!.createdAt.getTime()}.${newest!.id}`))
    expect(older.querySelector(`#mail-${newest!.id}`)).toBeNull()
    expect(texts(older, '.empty').join(' ')).toContain('No older mail.')
  })

  it('refuses support, engineers and members (403), and sends the anonymous to sign in', async () => {
    const [kept] = await t.db.select().from(mailMessages).where(eq(mailMessages.threadId, threadId))
    for (const role of ['support', 'engineer', 'member'] as const) {
      const client = await t.client().signInAs(await createUser(t.db, { role }))
      expect((await client.get('/admin/mail')).status, role).toBe(403)
      expect((await client.get(`/admin/mail/${kept!.id}`)).status, role).toBe(403)
    }
    const anonymous = await t.client().get('/admin/mail')
    expect(anonymous.status).toBe(302)
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fadmin%2Fmail')
  })

  it('says on a person’s admin page (and in the list) since when their mail fails, with their latest mail', async () => {
    await t.db.update(users).set({ mailFailingAt: new Date('2026-03-01T08:00:00Z') }).where(eq(users.id, asker.id))
    const client = await t.client().signInAs(admin)
    const person = await html(await client.get(`/admin/users/${asker.id}`))
    expect(person.querySelector('.mail-failing')?.text).toContain('Mail failing since')
    expect(person.querySelector('.mail-list')?.text).toContain('New reply: Where is the <b>export</b> button?')
    const list = await html(await client.get('/admin/users'))
    expect(list.querySelectorAll('.mail-failing')).toHaveLength(1)
  })
})
