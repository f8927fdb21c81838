import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../support/app'
import { html } from '../support/client'
import { createCategory, createThread, createUser } from '../support/factories'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('smoke', () => {
  it('shows a thread on the home page and its page', async () => {
    const category = await createCategory(t.db, { name: 'Billing', slug: 'billing' })
    const author = await createUser(t.db)
    const thread = await createThread(t, author, category, { title: 'Invoice shows the wrong currency', tags: 'billing, invoices' })
    const client = t.client()
    const home = await html(await client.get('/'))
    expect(home.querySelector('.thread-row h3 a')?.text).toBe('Invoice shows the wrong currency')
    const page = await client.get(`/t/${thread.id}/${thread.slug}`)
    expect(page.status).toBe(200)
    const doc = await html(page)
    expect(doc.querySelector('h1')?.text).toBe('Invoice shows the wrong currency')
  })
})
