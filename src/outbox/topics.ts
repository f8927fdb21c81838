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

/** Forum verbs, with each reply: a customer's reply may bring a closed item back. Payload: ReplyPayload. */
export const QUEUE_EVALUATE_REPLY = 'queue.evaluate_reply'

export interface ReplyPayload {
  replyId: number
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

/** Forum verbs, with each reply and accepted answer: notify/ decides who hears of it. Payload: ThreadEventPayload. */
export const NOTIFY_THREAD_EVENT = 'notify.thread_event'

export type ThreadEventPayload = { kind: 'reply'; replyId: number } | { kind: 'accepted'; replyId: number; threadId: number }

/** Recurring, every few minutes: the rotations' planning horizon. */
export const ROTATION_TICK = 'rotation.tick'

/** Recurring, every few minutes: escalation response targets, handoff drafts, fixes nobody confirmed. */
export const ESCALATION_TICK = 'escalation.tick'

/** Written with every mail (src/mail/queue-mail.ts): delivers it by SMTP, or keeps it. Payload: MailPayload. */
export const MAIL_DELIVER = 'mail.deliver'

export interface MailPayload {
  mailId: number
}

/**
 * Recurring, once a day at 06:00 UTC (and at start-up, catching up): the digests of people who
 * chose "in a digest" (daily, or weekly on Mondays) and the staff's daily summary.
 */
export const MAIL_DIGESTS = 'mail.digests'

/** Written by src/webhooks with each delivery, and again (later) for each retry. Payload: WebhookDeliveryPayload. */
export const WEBHOOK_DELIVER = 'webhook.deliver'

export interface WebhookDeliveryPayload {
  deliveryId: number
}

/** Written by src/webhooks with each team chat alert, and again for each retry. Payload: ChatAlertPayload. */
export const CHAT_DELIVER = 'chat.deliver'

export interface ChatAlertPayload {
  alertId: number
}

/**
 * Written by moveItem when an item resolves, due an hour later (CSAT_CONFIG.askDelayMinutes): its
 * asker is asked once "Did this solve your problem?" if it is still resolved then. Payload: CsatAskPayload.
 */
export const CSAT_ASK = 'csat.ask'

export interface CsatAskPayload {
  itemId: number
}

/** Recurring, every minute: the scoreboard's timing rollup catches up with the item event log. */
export const SCOREBOARD_ROLLUP = 'scoreboard.rollup'

/** Recurring, weekly on Monday at 06:00 UTC (and at start-up, catching up): the scoreboard summary mail to the staff. */
export const SCOREBOARD_WEEKLY = 'scoreboard.weekly'

/**
 * Written by the forum when staff mark a thread as a duplicate: if the kept thread's item already
 * announced its fix, escalations/ tells the newcomers at once (tellLateAskers). Payload: LateAskersPayload.
 */
export const LOOP_TELL_LATE_ASKERS = 'loop.tell_late_askers'

export interface LateAskersPayload {
  /** The thread just marked as a duplicate. */
  threadId: number
  /** Who marked it: they post the fix reply on the thread. */
  actorId: number
}

/**
 * Written by safety with every entry put in /review, due a few minutes later so a burst of
 * entries (a spam wave) makes one notice: moderation tells support and admins what waits
 * hidden (held by the filters, or hidden by flags). One pending row at a time (a fixed key).
 */
export const REVIEW_STAFF_NOTICE = 'review.staff_notice'

/**
 * Written by sanctionAccount for a suspension or silence with an end, due at that end: moderation
 * announces that it ran out (user.unsuspended / user.unsilenced). Keyed per sanction; the event is
 * too, so a lift, a retry or a second worker never sends it twice. Payload: SanctionEndedPayload.
 */
export const MODERATION_SANCTION_ENDED = 'moderation.sanction_ended'

export interface SanctionEndedPayload {
  sanctionId: number
}
