import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { internalNotes, queueItems, syncMarks, threads, type Category, type User } from '../../src/db/schema'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createTeam, createThread, createUser } from '../support/factories'

// Forms that used to call their verb outside the form helper: a refusal became an error page
// and the person lost what they typed. Each now comes back on its own page, status 422 (or 409
// for a conflict), with the input kept and the message by the field.

let t: TestApp
let category: Category
let support: User
let asker: User

beforeAll(async () => {
  t = await createTestApp()
  category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  support = await createUser(t.db, { displayName: 'Sam Support', role: 'support' })
  asker = await createUser(t.db, { displayName: 'Mo Customer' })
  await createTeam(t, 'platform', [{ user: support }])
})
afterAll(() => t.close())

describe('the staff tools on a thread page', () => {
  it('"Duplicate of" with a thread number that does not exist comes back with the number and the message by the field', async () => {
    const thread = await createThread(t, asker, category, { title: 'Webhooks fire twice after a retry' })
    const client = await t.client().signInAs(support)
    const response = await client.post(`/queue/threads/${thread.id}/duplicate`, { duplicateOfId: '987654' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('h1')?.text).toBe('Webhooks fire twice after a retry')
    expect(page.querySelector('#duplicate-of')?.getAttribute('value')).toBe('987654')
    expect(page.querySelector('#duplicate-of')?.getAttribute('aria-invalid')).toBe('true')
    expect(page.querySelector('#duplicate-of-error')?.text).toBe('There is no thread with that number.')
    expect(page.querySelector('#duplicate-form .form-message')?.text).toBeTruthy()
    expect((await t.db.select().from(threads).where(eq(threads.id, thread.id)))[0]!.duplicateOfId).toBeNull()

    const itself = await html(await client.post(`/queue/threads/${thread.id}/duplicate`, { duplicateOfId: `/t/${thread.id}/${thread.slug}` }))
    expect(itself.querySelector('#duplicate-of-error')?.text).toMatch(/cannot be a duplicate of itself/)
    expect(itself.querySelector('#duplicate-of')?.getAttribute('value')).toBe(`/t/${thread.id}/${thread.slug}`)
    const garbled = await client.post(`/queue/threads/${thread.id}/duplicate`, { duplicateOfId: 'the other one' })
    expect(garbled.status).toBe(422)
    expect((await html(garbled)).querySelector('#duplicate-of-error')?.text).toMatch(/number or the address/)

    const kept = await createThread(t, asker, category, { title: 'Webhooks are delivered twice' })
    const done = await client.post(`/queue/threads/${thread.id}/duplicate`, { duplicateOfId: String(kept.id) })
    expect(done.status).toBe(303)
    expect((await html(await client.get(`/t/${thread.id}/${thread.slug}`))).querySelector('#duplicate-of')?.getAttribute('value')).toBe(String(kept.id))
  })

  it('an internal note that is too short comes back with its text and the message by the field', async () => {
    const thread = await createThread(t, asker, category, { title: 'The API token page is blank' })
    const client = await t.client().signInAs(support)
    const response = await client.post(`/queue/threads/${thread.id}/notes`, { body: 'x' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#thread-note')?.text).toBe('x')
    expect(page.querySelector('#thread-note-error')?.text).toMatch(/Note must be at least 2 characters/)
    expect(await t.db.select().from(internalNotes).where(eq(internalNotes.threadId, thread.id))).toHaveLength(0)
    const blank = await html(await client.post(`/queue/threads/${thread.id}/notes`, { body: '   ' }))
    expect(blank.querySelector('#thread-note-error')?.text).toMatch(/Note is required/)
    expect((await client.post(`/queue/threads/${thread.id}/notes`, { body: 'Same customer as last week.' })).status).toBe(303)
  })

  it('adding to the queue with a kind that does not exist comes back with the message by the field; a thread already queued says so', async () => {
    const thread = await createThread(t, asker, category, { title: 'Invoices show the wrong currency' })
    const client = await t.client().signInAs(support)
    const response = await client.post(`/queue/threads/${thread.id}/convert`, { kind: 'rant', severity: 'high' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#convert-kind-error')?.text).toBeTruthy()
    expect(page.querySelector('#convert-severity option[selected]')?.getAttribute('value')).toBe('high')
    expect(await t.db.select().from(queueItems).where(eq(queueItems.threadId, thread.id))).toHaveLength(0)

    const added = await client.post(`/queue/threads/${thread.id}/convert`, { kind: 'bug', severity: 'high' })
    expect(added.status).toBe(303)
    const again = await client.post(`/queue/threads/${thread.id}/convert`, { kind: 'bug', severity: 'high' })
    expect(again.status).toBe(409)
    const conflict = await html(again)
    expect(conflict.querySelector('#staff-notes .form-message')?.text).toMatch(/already has an open queue item/)
    expect(conflict.querySelector('h1')?.text).toBe('Invoices show the wrong currency')
  })

  it('refuses members and anonymous visitors as before', async () => {
    const thread = await createThread(t, asker, category)
    const member = await (await t.client().signInAs(asker)).post(`/queue/threads/${thread.id}/notes`, { body: 'Not staff, not allowed.' })
    expect(member.status).toBe(403)
    expect(await member.text()).toMatch(/Only support staff, engineers and admins can write internal notes/)
    const anonymous = await t.client().post(`/queue/threads/${thread.id}/duplicate`, { duplicateOfId: '1' })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    expect(await t.db.select().from(internalNotes).where(eq(internalNotes.threadId, thread.id))).toHaveLength(0)
  })
})

describe('the daily sync', () => {
  it('marking the sync for a team that does not exist comes back on the sync page with the message by the button', async () => {
    const client = await t.client().signInAs(support)
    const response = await client.post('/sync', { teamSlug: 'no-such-team' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('h1')?.text).toMatch(/^Daily sync: /)
    expect(page.querySelector('#sync-team-error')?.text).toBe('There is no team “no-such-team”.')
    expect(await t.db.select().from(syncMarks)).toHaveLength(0)
  })
})
