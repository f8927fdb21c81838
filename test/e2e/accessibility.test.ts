import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { User } from '../../src/db/schema'
import { answerEscalation, escalateItem } from '../../src/escalations'
import { pickCluster } from '../../src/bug-bash'
import { markDuplicate, setAcceptedReply } from '../../src/forum'
import { convertThread } from '../../src/queue'
import { launchBrowser, serveTestApp, signIn, type Browser, type ServedApp } from '../support/browser'
import { createCategory, createOrganisation, createReply, createRotation, createTeam, createThread, createUser, TEST_PASSWORD } from '../support/factories'

// What a phone and a screen reader meet: every main page fits a 390 px wide screen without
// scrolling sideways (a phone screenshot of each is kept under test-results/phone/), and axe-core
// finds no violation on it, at phone and desktop widths.

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const PHONE = { width: 390, height: 844 }

let t: ServedApp
let pages: { name: string; path: string; as: 'anonymous' | 'member' | 'support' | 'engineer' | 'admin' }[]
const people: Record<string, User> = {}

interface AxeViolation {
  id: string
  impact: string
  help: string
  nodes: { target: string[]; html: string; summary: string }[]
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Through the DevTools protocol, which the page's CSP (no inline scripts) does not govern.
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    type Found = { id: string; impact: string; help: string; nodes: { target: string[]; html: string; failureSummary?: string }[] }
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Found[] }> } }).axe
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice', 'experimental'] } })
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => ({ target: node.target, html: node.html.slice(0, 160), summary: (node.failureSummary ?? '').split('\n').slice(1, 2).join(' ').trim() })),
    }))
  })
}

function describeViolations(violations: AxeViolation[]): string[] {
  return violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

beforeAll(async () => {
  t = await serveTestApp()
  const category = await createCategory(t.db, { name: 'Integrations', slug: 'integrations', team: 'platform' })
  const acme = await createOrganisation(t.db, { name: 'Acme Corp', plan: 'enterprise' })
  people.member = await createUser(t.db, { email: 'member@example.com', displayName: 'Mo Customer', organisationId: acme.id })
  people.support = await createUser(t.db, { email: 'support@example.com', displayName: 'Sam Support', role: 'support' })
  people.engineer = await createUser(t.db, { email: 'engineer@example.com', displayName: 'Ada Engineer', role: 'engineer' })
  people.admin = await createUser(t.db, { email: 'admin@example.com', displayName: 'Ann Admin', role: 'admin' })
  await createTeam(t, 'platform', [{ user: people.support, onDuty: true }], people.engineer)
  await createRotation(t, people.admin, 'platform', [people.engineer])

  const solved = await createThread(t, people.member, category, {
    title: 'How do I retry a failed webhook delivery from the dashboard?',
    body: 'Deliveries to our endpoint failed overnight. Is there a way to send them again?\n\n```\ncurl -X POST https://api.example.com/v1/webhooks/deliveries/7f3a-22/retry -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json"\n```',
    tags: 'webhooks',
  })
  const answer = await createReply(t, people.support, solved.id, 'Open **Settings → Webhooks**, pick the endpoint and press *Retry failed*. From the API:\n\n```js\nawait client.webhooks.deliveries.retry({ id: "7f3a-22", reason: "endpoint was down for maintenance overnight" })\n```')
  await setAcceptedReply({ ctx: t.ctx(people.member), input: { replyId: answer.id, on: true } })
  const bug = await createThread(t, people.member, category, {
    title: 'CSV export crashes with TypeError since upgrading to 2.4.0',
    body: 'The export crashes every time:\n\n```\nTypeError: Cannot read properties of undefined (reading "rows")\n    at ExportJob.run (export.js:42:13)\n```',
  })
  // Nobody is on duty for billing: its items wait unassigned, with a "Take" button on the board.
  const billing = await createCategory(t.db, { name: 'Billing', slug: 'billing', team: 'billing' })
  await createTeam(t, 'billing', [])
  for (const title of ['Invoice PDF download fails with HTTP 500 since upgrading', 'Card payment crashes with TypeError on checkout'])
    await createThread(t, people.member, billing, { title, body: `${title}. It used to work; now it fails every time with an Internal Server Error.` })
  for (let n = 1; n <= 4; n++) await createThread(t, people.member, category, { title: `Question number ${n} about the reporting dashboard filters`, body: `How do I filter report ${n} by region and by month at the same time?` })
  await t.drain()
  const item = await convertThread({ ctx: t.ctx(people.support), input: { threadId: solved.id, kind: 'question', severity: 'normal', note: '' } })
  const [bugItem] = await t.db.query.queueItems.findMany({ where: (items, { eq }) => eq(items.threadId, bug.id) })
  const escalation = await escalateItem({
    ctx: t.ctx(people.support),
    input: {
      itemId: bugItem!.id,
      customerDid: 'Opened Reports and pressed “Export to CSV” for last month.',
      whatHappened: 'TypeError: Cannot read properties of undefined, every time.',
      expected: 'A CSV file with every order of the month.',
      logs: '```\n2026-03-02T09:58:11Z export.run ERROR TypeError request=7f3a\n```',
      account: 'Acme Corp (enterprise)',
      frequency: 'Every time since 2.4.0',
      customersAffected: '1',
    },
  })
  await answerEscalation({ ctx: t.ctx(people.engineer), input: { escalationId: escalation.id, outcome: 'needs_info', answer: 'Which browser and which export size?' } })
  await escalateItem({
    ctx: t.ctx(people.support),
    input: {
      itemId: item.id,
      customerDid: 'Pressed Retry failed on the webhooks page.',
      whatHappened: 'Nothing was sent again; the log still shows 502.',
      expected: 'The failed deliveries are sent again.',
      logs: 'delivery 7f3a-22 status=502',
      account: 'Acme Corp (enterprise)',
      frequency: 'Every time',
      customersAffected: '1',
    },
  })
  const [rotation] = await t.db.query.rotations.findMany()
  // A recurring papercut for the bug-bash page: the export crash asked again, marked a duplicate, picked for a day.
  const again = await createThread(t, people.member, category, { title: 'Exporting orders to CSV throws TypeError', body: 'Same stack trace as the others: reading "rows" of undefined.' })
  await markDuplicate({ ctx: t.ctx(people.support), input: { threadId: again.id, duplicateOfId: String(bug.id) } })
  await t.drain()
  await pickCluster({ ctx: t.ctx(people.support), input: { threadId: bug.id, day: t.clock.now().toISOString().slice(0, 10) } })

  pages = [
    { name: 'home', path: '/', as: 'anonymous' },
    { name: 'thread', path: `/t/${solved.id}/${solved.slug}`, as: 'anonymous' },
    { name: 'thread-member', path: `/t/${bug.id}/${bug.slug}`, as: 'member' },
    { name: 'ask', path: '/ask', as: 'member' },
    { name: 'search', path: '/search?q=webhook+retry', as: 'anonymous' },
    { name: 'queue-board', path: '/queue', as: 'support' },
    { name: 'queue-item', path: `/queue/items/${item.id}`, as: 'support' },
    // The board behind a scoreboard number: its filter in words, as removable chips, with the count.
    { name: 'queue-board-figure', path: `/queue?state=all&issue=${item.id}&from=2020-01-01`, as: 'support' },
    { name: 'staff-questions', path: '/staff/questions?from=2020-01-01&to=2030-01-01&outcome=answered', as: 'support' },
    { name: 'search-lookups', path: '/staff/search/lookups?kind=search&from=2020-01-01', as: 'support' },
    { name: 'bug-bash', path: '/bug-bash', as: 'support' },
    { name: 'scoreboard', path: '/scoreboard?period=90', as: 'support' },
    { name: 'escalation-inbox', path: '/escalations/mine', as: 'engineer' },
    { name: 'rotations', path: '/rotations', as: 'engineer' },
    { name: 'rotation', path: `/rotations/${rotation!.id}`, as: 'admin' },
    { name: 'admin', path: '/admin', as: 'admin' },
  ]
})
afterAll(() => t?.close())

async function visit(browser: Browser, signedInAs: string | null, as: string, path: string): Promise<string | null> {
  if (as !== signedInAs) {
    await browser.context.clearCookies()
    if (as !== 'anonymous') await signIn(browser.page, t.baseUrl, `${as}@example.com`, TEST_PASSWORD)
  }
  await browser.page.goto(`${t.baseUrl}${path}`)
  return as
}

describe('phones and screen readers', () => {
  it('every main page fits a 390 px screen and has no axe violation', async () => {
    const browser = await launchBrowser({ viewport: PHONE })
    const problems: string[] = []
    try {
      let signedInAs: string | null = null
      for (const target of pages) {
        signedInAs = await visit(browser, signedInAs, target.as, target.path)
        const page = browser.page
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        if (width > PHONE.width) {
          const wide = await page.evaluate((limit) => {
            const found: string[] = []
            for (const element of document.querySelectorAll('body *')) {
              const box = element.getBoundingClientRect()
              let clipped = false
              for (let up = element.parentElement; up && !clipped; up = up.parentElement) clipped = ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)
              if (!clipped && box.right > limit + 1 && box.width > 0 && getComputedStyle(element).position !== 'fixed')
                found.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}.${[...element.classList].join('.')} (${Math.round(box.right)} px)`)
            }
            return found.slice(0, 5)
          }, PHONE.width)
          problems.push(`${target.name}: ${width} px wide; widest: ${wide.join(', ')}`)
        }
        await page.screenshot({ path: `test-results/phone/${target.name}.png`, fullPage: true })
        for (const line of describeViolations(await axeViolations(page))) problems.push(`${target.name} (phone): ${line}`)
      }
      await browser.page.setViewportSize({ width: 1280, height: 900 })
      for (const target of pages) {
        signedInAs = await visit(browser, signedInAs, target.as, target.path)
        for (const line of describeViolations(await axeViolations(browser.page))) problems.push(`${target.name} (desktop): ${line}`)
      }
    } finally {
      await browser.close()
    }
    expect(problems).toEqual([])
    // Two viewports and two axe runs per page, a dozen pages: past the browser project's 60 s on two busy cores.
  }, 120_000)
})
