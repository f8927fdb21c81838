import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Clock } from '../clock'
import type { Db } from '../db/client'
import type { SearchIndex } from '../search'
import { instrumentSearch } from './instrument-search'
import { readOperationsSnapshot, type OperationsSnapshot } from './operations'

export interface RequestObservation {
  method: string
  /** The matched route pattern (`/t/:id/:slug`), never the URL: the label set stays bounded. */
  route: string
  status: number
  seconds: number
}

export interface Metrics {
  readonly contentType: string
  observeRequest(observation: RequestObservation): void
  /** The engine with its calls timed into the search latency histogram. */
  instrumentSearch(engine: SearchIndex): SearchIndex
  /** The exposition text: process, HTTP and search metrics, and the gauges read from the database now. */
  render(): Promise<string>
}

// Process metrics describe the process, not an app: one registry of them for the process, merged
// into each app's at scrape time. collectDefaultMetrics per app would start an event-loop monitor
// and a GC observer for every app a test file builds, and never stop them.
let processRegistry: Registry | undefined
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const PRIORITY_LABELS = ['P0', 'P1', 'P2', 'P3', 'unranked']

/** One app's metrics, in a registry of its own (never prom-client's global one), so apps in one process do not collide. */
export function createMetrics(deps: { db: Db; clock: Clock; onError?: (error: unknown) => void }): Metrics {
  const registry = new Registry()
  const registers = [registry]

  const requests = new Counter({
    name: 'wire_http_requests_total',
    help: 'HTTP requests answered, by matched route pattern, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    registers,
  })
  const requestSeconds = new Histogram({
    name: 'wire_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by matched route pattern, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })
  const searchSeconds = new Histogram({
    name: 'wire_search_duration_seconds',
    help: 'Time the search engine took to answer, by engine and operation (search, similar questions, similar questions for many titles at once).',
    labelNames: ['engine', 'operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  })

  // Every gauge below reads one shared snapshot: prom-client starts all collect() callbacks of a
  // scrape in the same tick, so they share the in-flight read and a scrape costs two queries.
  let inFlight: Promise<OperationsSnapshot | null> | undefined
  const snapshot = (): Promise<OperationsSnapshot | null> => {
    inFlight ??= readOperationsSnapshot(deps.db, deps.clock.now())
      .catch((error: unknown) => {
        deps.onError?.(error)
        return null
      })
      .finally(() => {
        inFlight = undefined
      })
    return inFlight
  }
  const fromSnapshot = <L extends string>(
    options: { name: string; help: string; labelNames?: readonly L[] },
    fill: (gauge: Gauge<L>, data: OperationsSnapshot) => void,
  ): Gauge<L> =>
    new Gauge<L>({
      ...options,
      registers,
      async collect() {
        const data = await snapshot()
        this.reset()
        if (data) fill(this, data)
      },
    })
  const count = (data: OperationsSnapshot, metric: string) => data.counts.filter((row) => row.metric === metric)
  const total = (data: OperationsSnapshot, metric: string) => count(data, metric).reduce((sum, row) => sum + row.n, 0)

  new Gauge({
    name: 'wire_metrics_database_up',
    help: '1 when the gauges below could be read from the database at this scrape, 0 when the read failed.',
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0)
    },
  })
  fromSnapshot({ name: 'wire_outbox_depth', help: 'Outbox rows waiting for delivery (due or not), parked rows excluded, by topic.', labelNames: ['topic'] }, (g, d) => {
    for (const row of d.outbox) g.set({ topic: row.topic }, row.depth)
  })
  fromSnapshot(
    { name: 'wire_outbox_oldest_due_age_seconds', help: 'Seconds since the oldest due, undelivered outbox row fell due, by topic (0: nothing due).', labelNames: ['topic'] },
    (g, d) => {
      for (const row of d.outbox) g.set({ topic: row.topic }, row.oldest_due_age)
    },
  )
  fromSnapshot({ name: 'wire_outbox_parked_rows', help: 'Outbox rows parked after too many failed attempts, by topic.', labelNames: ['topic'] }, (g, d) => {
    for (const row of d.outbox) if (row.parked > 0) g.set({ topic: row.topic }, row.parked)
  })
  fromSnapshot(
    { name: 'wire_queue_open_items', help: 'Open queue items by state and priority class (unranked: not yet prioritised).', labelNames: ['state', 'priority_class'] },
    (g, d) => {
      for (const row of count(d, 'queue')) g.set({ state: row.a, priority_class: PRIORITY_LABELS[Number(row.b)] ?? 'unranked' }, row.n)
    },
  )
  fromSnapshot({ name: 'wire_queue_sla_breached_items', help: 'Open queue items with at least one breached SLA target.' }, (g, d) => {
    g.set(total(d, 'breached_items'))
  })
  fromSnapshot({ name: 'wire_queue_sla_breaches', help: 'Breached SLA targets of open queue items, by target.', labelNames: ['target'] }, (g, d) => {
    for (const row of count(d, 'breach')) g.set({ target: row.a }, row.n)
  })
  fromSnapshot({ name: 'wire_escalations_waiting', help: 'Escalations waiting for an engineer\u2019s answer.' }, (g, d) => {
    g.set(total(d, 'escalations_waiting'))
  })
  fromSnapshot({ name: 'wire_escalations_overdue', help: 'Escalations waiting for an answer past their response target.' }, (g, d) => {
    g.set(total(d, 'escalations_overdue'))
  })
  fromSnapshot({ name: 'wire_mail_messages', help: 'Mail not yet sent (queued) or given up on (failed), by status.', labelNames: ['status'] }, (g, d) => {
    for (const status of ['queued', 'failed']) g.set({ status }, count(d, 'mail').find((row) => row.a === status)?.n ?? 0)
  })
  fromSnapshot({ name: 'wire_webhook_deliveries', help: 'Outgoing webhook deliveries pending or failed, by state.', labelNames: ['state'] }, (g, d) => {
    for (const state of ['pending', 'failed']) g.set({ state }, count(d, 'webhook').find((row) => row.a === state)?.n ?? 0)
  })
  fromSnapshot({ name: 'wire_chat_alerts', help: 'Team chat alerts pending or failed, by state.', labelNames: ['state'] }, (g, d) => {
    for (const state of ['pending', 'failed']) g.set({ state }, count(d, 'chat').find((row) => row.a === state)?.n ?? 0)
  })

  return {
    contentType: registry.contentType,
    observeRequest({ method, route, status, seconds }) {
      const labels = { route, method: METHODS.has(method) ? method : 'other', status_class: `${Math.floor(status / 100)}xx` }
      requests.inc(labels)
      requestSeconds.observe(labels, seconds)
    },
    instrumentSearch: (engine) => instrumentSearch(engine, searchSeconds),
    render: () => Registry.merge([processMetrics(), registry]).metrics(),
  }
}
