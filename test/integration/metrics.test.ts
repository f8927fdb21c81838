import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalations, outbox, queueItems, type Category, type User } from '../../src/db/schema'
import { convertThread } from '../../src/queue'
import { createTestApp, type TestApp } from '../support/app'
import { serveTestApp, type ServedApp } from '../support/browser'
import { createCategory, createThread, createUser } from '../support/factories'

const TOKEN = 'metrics-token-for-the-tests-0123456789'
const HOUR = 3_600_000

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

// The exposition format, strictly: HELP and TYPE comments, then `name{label="value",...} number` lines.
// Prometheus reads values with Go's ParseFloat, which takes NaN in any case (prom-client writes `Nan`).
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (-?(?:[0-9.]+(?:e[+-]?[0-9]+)?|[Nn]a[Nn]|[+-]Inf))$`)
const HELP_LINE = new RegExp(`^# HELP ${NAME} .*$`)
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)

function parseExposition(text: string): Sample[] {
  expect(text.endsWith('\n')).toBe(true)
  const samples: Sample[] = []
  const typed = new Set<string>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    if (line.startsWith('#')) {
      const type = TYPE_LINE.exec(line)
      if (type) typed.add(type[1]!)
      else expect(line, `a malformed comment line: ${line}`).toMatch(HELP_LINE)
      continue
    }
    const match = SAMPLE_LINE.exec(line)
    expect(match, `a malformed sample line: ${line}`).not.toBeNull()
    const [, name, labelText, value] = match!
    const labels: Record<string, string> = {}
    for (const [, key, raw] of (labelText ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = raw!
    const family = name!.replace(/_(bucket|sum|count)$/, '')
    expect(typed.has(name!) || typed.has(family), `${name} has no TYPE line`).toBe(true)
    samples.push({ name: name!, labels, value: Number(value) })
  }
  return samples
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0)

describe('/metrics with METRICS_TOKEN', () => {
  let t: TestApp
  let support: User
  let asker: User
  let category: Category
  const auth = { Authorization: `Bearer ${TOKEN}` }
  const scrape = async () => {
    const response = await t.app.request('/metrics', { headers: auth })
    expect(response.status).toBe(200)
    return { response, text: await response.text() }
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: TOKEN } })
    support = await createUser(t.db, { role: 'support', email: 'support-person@example.com' })
    asker = await createUser(t.db, { email: 'secret-asker@example.com', displayName: 'Asker Private' })
    category = await createCategory(t.db)
  })
  afterAll(() => t.close())

  it('refuses a scrape without the token or with a wrong one, and is never cached', async () => {
    const none = await t.app.request('/metrics')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/)
    const wrong = await t.app.request('/metrics', { headers: { Authorization: `Bearer ${TOKEN}x` } })
    expect(wrong.status).toBe(401)
    const basic = await t.app.request('/metrics', { headers: { Authorization: `Basic ${btoa(`x:${TOKEN}`)}` } })
    expect(basic.status).toBe(401)
    const { response } = await scrape()
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('is Prometheus exposition text, with process metrics', async () => {
    const samples = parseExposition((await scrape()).text)
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true)
    expect(value(samples, 'wire_metrics_database_up')).toBe(1)
  })

  it('counts requests by route pattern, method and status class, not by URL, and not the scrapes', async () => {
    const thread = await createThread(t, asker, category, { title: 'Exports time out on large projects' })
    const before = parseExposition((await scrape()).text)
    const path = `/t/${thread.id}/${thread.slug}`
    expect((await t.app.request(path)).status).toBe(200)
    expect((await t.app.request(path)).status).toBe(200)
    expect((await t.app.request('/no/such/page/at-all')).status).toBe(404)
    const { text } = await scrape()
    const after = parseExposition(text)
    const labels = { route: '/t/:id/:slug', method: 'GET', status_class: '2xx' }
    expect(value(after, 'wire_http_requests_total', labels) - value(before, 'wire_http_requests_total', labels)).toBe(2)
    expect(value(after, 'wire_http_request_duration_seconds_count', labels)).toBeGreaterThanOrEqual(2)
    expect(value(after, 'wire_http_requests_total', { status_class: '4xx' })).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain(path)
    expect(text).not.toContain('/no/such/page')
    expect(after.some((s) => s.labels.route === '/metrics')).toBe(false)
  })

  it('shows outbox, queue, SLA and escalation gauges from the rows as they are, with no user data', async () => {
    const now = t.clock.now()
    const thread = await createThread(t, asker, category, { title: 'Invoices show the wrong currency symbol' })
    const item = await convertThread({ ctx: t.ctx(support), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
    await t.db.update(queueItems).set({ breached: ['first_response'] }).where(eq(queueItems.id, item.id))
    await t.db.insert(outbox).values([
      { topic: 'metrics.test', key: 'metrics-parked', payload: { email: 'secret-asker@example.com' }, dueAt: now, parkedAt: now, attempts: 9, createdAt: now },
      { topic: 'metrics.test', key: 'metrics-due', payload: {}, dueAt: new Date(now.getTime() - 90_000), createdAt: now },
      { topic: 'metrics.test', key: 'metrics-later', payload: {}, dueAt: new Date(now.getTime() + HOUR), createdAt: now },
    ])
    const reproduction = { customerDid: 'x', whatHappened: 'x', expected: 'x', logs: 'x', account: 'x', frequency: 'x', customersAffected: '1' }
    await t.db.insert(escalations).values([
      { itemId: item.id, escalatedById: support.id, ...reproduction, responseDueAt: new Date(now.getTime() + HOUR), createdAt: now },
      { itemId: item.id, escalatedById: support.id, ...reproduction, responseDueAt: new Date(now.getTime() - HOUR), createdAt: now },
      { itemId: item.id, escalatedById: support.id, ...reproduction, responseDueAt: new Date(now.getTime() - HOUR), createdAt: now, answeredAt: now, outcome: 'fixed' },
    ])

    const { text } = await scrape()
    const samples = parseExposition(text)
    expect(value(samples, 'wire_outbox_depth', { topic: 'metrics.test' })).toBe(2)
    expect(value(samples, 'wire_outbox_oldest_due_age_seconds', { topic: 'metrics.test' })).toBe(90)
    expect(value(samples, 'wire_outbox_parked_rows', { topic: 'metrics.test' })).toBe(1)
    const [row] = await t.db.select({ state: queueItems.state }).from(queueItems).where(eq(queueItems.id, item.id))
    expect(value(samples, 'wire_queue_open_items', { state: row!.state })).toBeGreaterThanOrEqual(1)
    expect(samples.filter((s) => s.name === 'wire_queue_open_items').every((s) => /^(P[0-3]|unranked)$/.test(s.labels.priority_class!))).toBe(true)
    expect(value(samples, 'wire_queue_sla_breached_items')).toBe(1)
    expect(value(samples, 'wire_queue_sla_breaches', { target: 'first_response' })).toBe(1)
    expect(value(samples, 'wire_escalations_waiting')).toBe(2)
    expect(value(samples, 'wire_escalations_overdue')).toBe(1)
    expect(samples.some((s) => s.name === 'wire_mail_messages' && s.labels.status === 'queued')).toBe(true)
    expect(samples.some((s) => s.name === 'wire_webhook_deliveries' && s.labels.state === 'pending')).toBe(true)

    for (const secret of ['secret-asker@example.com', 'support-person@example.com', 'Asker Private', 'Invoices show the wrong currency symbol', 'Exports time out'])
      expect(text).not.toContain(secret)
    expect(text).not.toMatch(/@example\.com/)
  })

  it('times searches by engine, and the results are the same', async () => {
    await t.drain()
    const page = await t.app.request('/search?q=currency')
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/1 result/)
    const samples = parseExposition((await scrape()).text)
    expect(value(samples, 'wire_search_duration_seconds_count', { engine: 'postgres', operation: 'search' })).toBeGreaterThanOrEqual(1)
  })
})

describe('/metrics without METRICS_TOKEN', () => {
  let served: ServedApp
  beforeAll(async () => {
    served = await serveTestApp()
  })
  afterAll(() => served.close())

  it('answers a client on 127.0.0.1', async () => {
    const response = await fetch(`${served.baseUrl}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(value(parseExposition(await response.text()), 'wire_metrics_database_up')).toBe(1)
  })

  it('is not there for a client that is not loopback', async () => {
    // app.request has no socket, so its client address is unknown: not loopback.
    const response = await served.app.request('/metrics')
    expect(response.status).toBe(404)
    expect(await response.text()).not.toContain('wire_')
  })

  it('goes by the socket, not X-Forwarded-For, without TRUST_PROXY', async () => {
    // The socket is loopback here; a forged header must not change the answer either way.
    const response = await fetch(`${served.baseUrl}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } })
    expect(response.status).toBe(200)
  })
})

describe('/metrics behind a proxy (TRUST_PROXY) without a token', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUST_PROXY: 'true' } })
  })
  afterAll(() => t.close())

  it('goes by the forwarded client address', async () => {
    expect((await t.app.request('/metrics', { headers: { 'X-Forwarded-For': '203.0.113.9' } })).status).toBe(404)
    expect((await t.app.request('/metrics', { headers: { 'X-Forwarded-For': '127.0.0.1' } })).status).toBe(200)
  })
})
