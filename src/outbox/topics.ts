// Every outbox topic in one place: who writes it, and what its payload is.

/** Forum verbs, whenever a thread's searchable content or filters change. Payload: SearchIndexPayload. */
export const SEARCH_INDEX_THREADS = 'search.index_threads'

export interface SearchIndexPayload {
  threadIds: number[]
}

/** Recurring, every ten minutes: the search engine's upkeep (the PostgreSQL engine's tier of newest documents). */
export const SEARCH_MAINTAIN = 'search.maintain'

/** Forum verbs, whenever a thread changes: the queue's rules look at it. Payload: ThreadPayload. */
export const QUEUE_EVALUATE_THREAD = 'queue.evaluate_thread'

export interface ThreadPayload {
  threadId: number
}

/** Recurring, every minute: time-based rules, SLA warnings and breaches, routing, priorities. */
export const QUEUE_TICK = 'queue.tick'

/**
 * Written with every in-app notification to staff (assignments, SLA warnings and breaches), so
 * email and webhooks can deliver them later without touching the code that notifies.
 * Payload: StaffNotificationPayload.
 */
export const NOTIFY_STAFF = 'notify.staff'

export interface StaffNotificationPayload {
  notificationIds: number[]
  kind: string
  itemId: number | null
}

/** Written with customers' in-app notifications (a fix or answer reached their thread). Payload: CustomerNotificationPayload. */
export const NOTIFY_CUSTOMERS = 'notify.customers'

export interface CustomerNotificationPayload {
  notificationIds: number[]
  kind: string
}

/** Recurring, every few minutes: rotation planning horizon, escalation targets, handoff drafts, auto-resolving confirmed fixes. */
export const ROTATION_TICK = 'rotation.tick'
