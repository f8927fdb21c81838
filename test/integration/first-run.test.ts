import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { categories, setupSteps, teamMembers, teams, threads, type User } from '../../src/db/schema'
import { loadEnv } from '../../src/env'
import { ensureDefaultCategory, getSetupChecklist } from '../../src/setup'
import { setUpFreshForum, startForum } from '../../src/start'
import { createApp } from '../../src/web/app'
import { loadAssets } from '../../src/web/assets'
import { ForbiddenError } from '../../src/errors'
import { createTestApp, type TestApp } from '../support/app'
import { html, texts } from '../support/client'
import { createCategory, createPolicy, createRotation, createTeam, createUser } from '../support/factories'
import { testDatabaseKind } from '../support/db'

// What a newcomer meets: a fresh forum can take a question at once, the admin is walked through
// the rest of the setup, and staff find their queue.

const question = {
  title: 'How do I invite my colleagues to the workspace?',
  body: 'We just signed up and I cannot find where to invite the rest of the team.',
  tags: 'onboarding',
}

describe('a fresh forum', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('has no category before the start sequence, then the default one, routed to the support team that now exists', async () => {
    expect(await t.db.select().from(categories)).toEqual([])
    expect(await setUpFreshForum(t.database, t.clock)).toEqual({ created: true })
    const rows = await t.db.select().from(categories)
    expect(rows).toMatchObject([{ slug: 'general', name: 'General', team: 'support', unansweredWindowMinutes: null }])
    expect(await t.db.select({ slug: teams.slug, name: teams.name }).from(teams)).toEqual([{ slug: 'support', name: 'Support' }])
    expect(await t.db.select({ step: setupSteps.step }).from(setupSteps)).toEqual([{ step: 'default-category' }])
  })

  it('lets the first member ask through the real /ask form', async () => {
    const member = await createUser(t.db)
    const client = await t.client().signInAs(member)
    const form = await html(await client.get('/ask'))
    const options = form.querySelectorAll('select[name=categoryId] option').filter((option) => option.getAttribute('value'))
    expect(options.map((option) => option.text.trim())).toEqual(['General'])
    const response = await client.post('/ask', { ...question, categoryId: options[0]!.getAttribute('value')! })
    expect(response.status).toBe(303)
    const page = await html(await t.client().get(response.headers.get('location')!))
    expect(page.querySelector('h1')?.text).toBe(question.title)
    const [thread] = await t.db.select({ categoryId: threads.categoryId }).from(threads)
    const [general] = await t.db.select({ id: categories.id }).from(categories).where(eq(categories.slug, 'general'))
    expect(thread?.categoryId).toBe(general!.id)
  })

  it('does it once: a restart changes nothing, and a deleted default category does not come back', async () => {
    expect(await setUpFreshForum(t.database, t.clock)).toEqual({ created: false })
    expect(await t.db.select({ slug: categories.slug }).from(categories)).toEqual([{ slug: 'general' }])

    const admin = await createUser(t.db, { role: 'admin' })
    const client = await t.client().signInAs(admin)
    const [empty] = await t.db.insert(categories).values({ slug: 'scratch', name: 'Scratch', team: 'support', createdAt: t.clock.now() }).returning()
    await t.db.update(threads).set({ categoryId: empty!.id })
    const [general] = await t.db.select({ id: categories.id }).from(categories).where(eq(categories.slug, 'general'))
    expect((await client.post(`/admin/categories/${general!.id}/delete`)).status).toBe(303)
    await t.db.delete(threads)
    expect((await client.post(`/admin/categories/${empty!.id}/delete`)).status).toBe(303)
    expect(await t.db.select().from(categories)).toEqual([])

    expect(await setUpFreshForum(t.database, t.clock)).toEqual({ created: false })
    expect(await t.db.select().from(categories)).toEqual([])
  })

  it('is the start sequence’s alone: a signed-in person cannot run it', async () => {
    const admin = await createUser(t.db, { role: 'admin' })
    await expect(ensureDefaultCategory({ ctx: t.ctx(admin) })).rejects.toBeInstanceOf(ForbiddenError)
  })
})

describe('first-run setup on a database that is not fresh', () => {
  it('leaves a forum that already has categories as it is, and records the step', async () => {
    const t = await createTestApp()
    try {
      await createCategory(t.db, { slug: 'billing', team: 'billing' })
      expect(await setUpFreshForum(t.database, t.clock)).toEqual({ created: false })
      expect(await t.db.select({ slug: categories.slug }).from(categories)).toEqual([{ slug: 'billing' }])
      expect(await t.db.select().from(teams)).toEqual([])
      expect(await t.db.select({ step: setupSteps.step }).from(setupSteps)).toEqual([{ step: 'default-category' }])
    } finally {
      await t.close()
    }
  })

  it('creates one default category when several instances start at once', async () => {
    const t = await createTestApp()
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => setUpFreshForum(t.database, t.clock)))
      expect(results.filter((result) => result.created)).toHaveLength(1)
      expect(await t.db.select({ slug: categories.slug }).from(categories)).toEqual([{ slug: 'general' }])
    } finally {
      await t.close()
    }
  })
})

describe.runIf(testDatabaseKind() === 'pglite')('the start sequence', () => {
  it('starts a fresh install that serves the default category and a setup link', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wire-first-run-'))
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const forum = await startForum(loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost' }))
    try {
      const printed = log.mock.calls.map((call) => String(call[0])).join('\n')
      expect(printed).toMatch(/category "General"/)
      expect(printed).toMatch(/\/setup\//)
      const response = await fetch(`http://127.0.0.1:${forum.port}/c/general`)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('General')
      expect((await fetch(`http://127.0.0.1:${forum.port}/demo`)).status).toBe(404)
    } finally {
      log.mockRestore()
      await forum.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('the first-run checklist', () => {
  let t: TestApp
  let admin: User
  beforeAll(async () => {
    t = await createTestApp()
    await setUpFreshForum(t.database, t.clock)
    admin = await createUser(t.db, { role: 'admin', displayName: 'Ada Admin' })
  })
  afterAll(() => t.close())

  const stepsOn = async (path: string, user: User | null = admin) => {
    const client = user ? await t.client().signInAs(user) : t.client()
    const page = await html(await client.get(path))
    const panel = page.querySelector('.setup-checklist')
    if (!panel) return null
    return Object.fromEntries(panel.querySelectorAll('li[data-step]').map((li) => [li.getAttribute('data-step'), li.classList.contains('done')]))
  }

  it('shows every step to an admin of a fresh forum, on the home page and the admin page, each linking to where to do it', async () => {
    const expected = { categories: false, sla: false, rotation: false, staff: false }
    expect(await stepsOn('/')).toEqual(expected)
    expect(await stepsOn('/admin/users')).toEqual(expected)
    const page = await html(await (await t.client().signInAs(admin)).get('/'))
    const links = page.querySelectorAll('.setup-checklist a').map((a) => a.getAttribute('href'))
    expect(links).toEqual(['/admin/categories', '/queue/settings/teams', '/queue/settings/sla', '/rotations/new', '/admin/users'])
    expect(texts(page, '.setup-checklist li')[0]).toMatch(/^To do: Categories and teams/)
  })

  it('is not shown to members, staff who are not admins, or visitors', async () => {
    expect(await stepsOn('/', await createUser(t.db))).toBeNull()
    expect(await stepsOn('/', null)).toBeNull()
    // (The support person created here also ticks "invite staff" for the next test.)
    const support = await createUser(t.db, { role: 'support' })
    expect(await stepsOn('/', support)).toBeNull()
    expect(await getSetupChecklist(t.ctx(support))).toBeNull()
  })

  it('ticks each step as the data appears, and disappears when all are done', async () => {
    expect(await stepsOn('/')).toEqual({ categories: false, sla: false, rotation: false, staff: true })

    const engineer = await createUser(t.db, { role: 'engineer' })
    await createTeam(t, 'support', [{ user: engineer }])
    expect(await stepsOn('/')).toMatchObject({ categories: true })

    await createPolicy(t.db)
    expect(await stepsOn('/')).toEqual({ categories: true, sla: true, rotation: false, staff: true })

    await createRotation(t, admin, 'support', [engineer])
    expect(await stepsOn('/')).toBeNull()
    expect(await stepsOn('/admin/users')).toBeNull()
    expect(await getSetupChecklist(t.ctx(admin))).toMatchObject({ complete: true })
  })

  it('counts categories of the admin’s own as done, even with no team members', async () => {
    await t.db.delete(teamMembers)
    expect((await getSetupChecklist(t.ctx(admin)))?.items.find((item) => item.key === 'categories')?.done).toBe(false)
    await createCategory(t.db, { slug: 'billing', team: 'billing' })
    expect((await getSetupChecklist(t.ctx(admin)))?.items.find((item) => item.key === 'categories')?.done).toBe(true)
  })

  it('does not count the admin themself as staff invited', async () => {
    const other = await createTestApp()
    try {
      const only = await createUser(other.db, { role: 'admin' })
      expect((await getSetupChecklist(other.ctx(only)))?.items.find((item) => item.key === 'staff')?.done).toBe(false)
    } finally {
      await other.close()
    }
  })
})

describe('a category’s unanswered window', () => {
  let t: TestApp
  let admin: User
  beforeAll(async () => {
    t = await createTestApp()
    admin = await createUser(t.db, { role: 'admin' })
  })
  afterAll(() => t.close())

  const fields = { name: 'Billing', slug: 'billing', description: '', team: 'billing', position: '1' }

  it('is saved from hours as business minutes, shown in the list and the edit form, and empty means the default', async () => {
    const client = await t.client().signInAs(admin)
    expect((await client.post('/admin/categories', { ...fields, unansweredWindowHours: '1.5' })).status).toBe(303)
    const [billing] = await t.db.select().from(categories).where(eq(categories.slug, 'billing'))
    expect(billing?.unansweredWindowMinutes).toBe(90)

    expect((await client.post('/admin/categories', { ...fields, name: 'Security', slug: 'security', unansweredWindowHours: '' })).status).toBe(303)
    const [security] = await t.db.select().from(categories).where(eq(categories.slug, 'security'))
    expect(security?.unansweredWindowMinutes).toBeNull()

    const list = await html(await client.get('/admin/categories'))
    const rows = list.querySelectorAll('tbody tr').map((row) => row.querySelectorAll('td').map((cell) => cell.text.trim()))
    expect(rows.find((row) => row[2] === 'billing')?.[4]).toBe('1.5 h')
    expect(rows.find((row) => row[2] === 'security')?.[4]).toBe('8 h (default)')
    expect(list.querySelector('#field-unansweredWindowHours')).not.toBeNull()
    expect(list.querySelector('#field-unansweredWindowHours-hint')?.text).toMatch(/default, 8 business hours/)

    const edit = await html(await client.get(`/admin/categories/${billing!.id}`))
    expect(edit.querySelector('#field-unansweredWindowHours')?.getAttribute('value')).toBe('1.5')
    expect((await client.post(`/admin/categories/${billing!.id}`, { ...fields, unansweredWindowHours: '24' })).status).toBe(303)
    const [updated] = await t.db.select().from(categories).where(eq(categories.id, billing!.id))
    expect(updated?.unansweredWindowMinutes).toBe(24 * 60)
    expect((await client.post(`/admin/categories/${billing!.id}`, { ...fields, unansweredWindowHours: '' })).status).toBe(303)
    const [cleared] = await t.db.select().from(categories).where(eq(categories.id, billing!.id))
    expect(cleared?.unansweredWindowMinutes).toBeNull()
  })

  for (const bad of ['soon', '0', '-2', '721', '1.255', '8h']) {
    it(`refuses "${bad}" with 422, a message by the field and the input kept`, async () => {
      const client = await t.client().signInAs(admin)
      const response = await client.post('/admin/categories', { ...fields, name: 'Data', slug: 'data', unansweredWindowHours: bad })
      expect(response.status).toBe(422)
      const page = await html(response)
      expect(page.querySelector('#field-unansweredWindowHours-error')?.text).toMatch(/Unanswered window: give business hours/)
      expect(page.querySelector('#field-unansweredWindowHours')?.getAttribute('value')).toBe(bad)
      expect(page.querySelector('#field-name')?.getAttribute('value')).toBe('Data')
      expect(await t.db.select().from(categories).where(eq(categories.slug, 'data'))).toEqual([])
    })
  }

  it('refuses a bad window on the edit form too, keeping the input', async () => {
    const client = await t.client().signInAs(admin)
    const [billing] = await t.db.select().from(categories).where(eq(categories.slug, 'billing'))
    const response = await client.post(`/admin/categories/${billing!.id}`, { ...fields, unansweredWindowHours: '1000' })
    expect(response.status).toBe(422)
    const page = await html(response)
    expect(page.querySelector('#field-unansweredWindowHours-error')?.text).toMatch(/from 0.25 to 720/)
    expect(page.querySelector('#field-unansweredWindowHours')?.getAttribute('value')).toBe('1000')
  })

  it('refuses a member', async () => {
    const client = await t.client().signInAs(await createUser(t.db))
    const response = await client.post('/admin/categories', { ...fields, name: 'Other', slug: 'other', unansweredWindowHours: '2' })
    expect(response.status).toBe(403)
    expect(await t.db.select().from(categories).where(eq(categories.slug, 'other'))).toEqual([])
  })
})

describe('the header', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const headerLinks = async (user: User | null) => {
    const client = user ? await t.client().signInAs(user) : t.client()
    const page = await html(await client.get('/'))
    return page.querySelectorAll('.site-header nav > ul > li > a').map((a) => `${a.text.trim()} ${a.getAttribute('href')}`)
  }

  it('shows the queue to staff, escalations to engineers, and neither to members or visitors', async () => {
    expect(await headerLinks(await createUser(t.db, { role: 'support' }))).toEqual(expect.arrayContaining(['Queue /queue']))
    expect(await headerLinks(await createUser(t.db, { role: 'admin' }))).toEqual(expect.arrayContaining(['Queue /queue']))
    const engineer = await headerLinks(await createUser(t.db, { role: 'engineer' }))
    expect(engineer).toEqual(expect.arrayContaining(['Queue /queue', 'Escalations /escalations/mine']))
    expect((await headerLinks(await createUser(t.db, { role: 'support' }))).some((link) => link.startsWith('Escalations'))).toBe(false)
    for (const links of [await headerLinks(await createUser(t.db)), await headerLinks(null)]) {
      expect(links.some((link) => link.startsWith('Queue') || link.startsWith('Escalations'))).toBe(false)
    }
  })
})

describe('demo mode', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('serves no /demo page and no banner outside the demo', async () => {
    const response = await t.client().get('/demo')
    expect(response.status).toBe(404)
    expect((await html(await t.client().get('/'))).querySelector('.demo-banner')).toBeNull()
  })

  it('lists the demo accounts of this start on /demo, linked from a banner on every page', async () => {
    const accounts = [
      { email: 'sam@example.com', password: 'fresh-password-1', name: 'Sam Support', label: 'support engineer' },
      { email: 'eve@example.com', password: 'fresh-password-2', name: 'Eve Engineer', label: 'engineer on rotation' },
    ]
    const demo = createApp({
      database: t.database,
      env: loadEnv({ PUBLIC_URL: 'http://localhost', SITE_NAME: 'Demo Community' }),
      logger: pino({ level: 'silent' }),
      clock: t.clock,
      assets: loadAssets(),
      search: t.search,
      demo: { accounts: () => accounts },
    })
    const page = await html(await demo.request('/demo'))
    const rows = page.querySelectorAll('.demo-accounts tbody tr').map((row) => row.querySelectorAll('td').map((cell) => cell.text.replace(/\s+/g, ' ').trim()))
    expect(rows).toEqual([
      ['Sam Support support engineer', 'sam@example.com', 'fresh-password-1'],
      ['Eve Engineer engineer on rotation', 'eve@example.com', 'fresh-password-2'],
    ])
    expect(page.querySelector('meta[name=robots]')?.getAttribute('content')).toBe('noindex')
    for (const path of ['/', '/categories', '/login']) {
      const banner = (await html(await demo.request(path))).querySelector('.demo-banner a')
      expect(banner?.getAttribute('href'), path).toBe('/demo')
    }
  })
})
