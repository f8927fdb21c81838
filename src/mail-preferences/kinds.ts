import type { MailMode } from '../db/schema'

// What a person chooses about: "topics", each one or more kinds of notice that read alike to
// them (an SLA warning and a breach are one choice). Preferences are stored per topic key in
// mail_preferences.kind; a notice kind no topic names is its own topic, mailed immediately.

export interface MailTopic {
  key: string
  label: string
  /** Who sees the choice: customers' topics show to everyone (staff ask questions too). */
  audience: 'everyone' | 'staff'
  /** Notice kinds this topic covers (exact), and kind prefixes for families other code may grow. */
  kinds: readonly string[]
  prefixes?: readonly string[]
  /** The modes offered; the first is the default. */
  modes: readonly MailMode[]
  /** Set when the choice is not the person's to make, with the reason shown on the page. */
  fixed?: string
  hint?: string
}

const CHOOSABLE: readonly MailMode[] = ['immediately', 'digest', 'never']

/**
 * Escalation paging is always immediate and carries no unsubscribe: an engineer on rotation who
 * could mute it would silently break the response target. Paging moves with the shift instead
 * (a swap or an override on the rotation), which is where the page points.
 */
export const PAGING_FIXED =
  'Paging cannot be turned off or delayed: while you are on rotation, escalations reach you at once. To stop being paged, move the shift (ask for a swap or an override on the rotation).'

export const MAIL_TOPICS: readonly MailTopic[] = [
  { key: 'reply', label: 'Replies on questions you asked or follow', audience: 'everyone', kinds: ['reply'], modes: CHOOSABLE },
  { key: 'support_reply', label: 'Support’s replies and questions to you', audience: 'everyone', kinds: ['support_reply', 'needs_info'], modes: CHOOSABLE },
  { key: 'accepted', label: 'Accepted answers', audience: 'everyone', kinds: ['accepted'], modes: CHOOSABLE },
  {
    key: 'loop',
    label: 'Fixes, workarounds and won’t-fix answers from the team',
    audience: 'everyone',
    kinds: ['loop_fixed', 'loop_workaround', 'loop_wont_fix'],
    modes: CHOOSABLE,
  },
  {
    key: 'csat',
    label: 'Requests to rate how we solved your question (once per question)',
    audience: 'everyone',
    kinds: ['csat_request'],
    modes: CHOOSABLE,
  },
  { key: 'assigned', label: 'Items assigned to you', audience: 'staff', kinds: ['assigned'], modes: CHOOSABLE },
  { key: 'sla', label: 'SLA warnings and breaches', audience: 'staff', kinds: ['sla_warning', 'sla_breached'], modes: CHOOSABLE },
  {
    key: 'customer_reply',
    label: 'Customers’ replies on your items, “still broken”, reopened items',
    audience: 'staff',
    kinds: ['customer_reply', 'fix_disputed', 'item_reopened', 'item_state_changed'],
    modes: CHOOSABLE,
  },
  { key: 'escalated', label: 'Escalations to you (paging)', audience: 'staff', kinds: ['escalated'], modes: ['immediately'], fixed: PAGING_FIXED },
  {
    key: 'escalation_breached',
    label: 'Missed escalation response targets (paging the backup and the lead)',
    audience: 'staff',
    kinds: ['escalation_breached'],
    modes: ['immediately'],
    fixed: PAGING_FIXED,
  },
  { key: 'escalation_answered', label: 'Engineers’ answers to your escalations', audience: 'staff', kinds: ['escalation_answered'], modes: CHOOSABLE },
  {
    key: 'review',
    label: 'Posts waiting for review: held by the filters or hidden by members’ flags',
    audience: 'staff',
    kinds: ['review_waiting'],
    modes: CHOOSABLE,
    hint: 'Gathered: one mail for all that arrived within five minutes.',
  },
  { key: 'swap', label: 'Shift swap requests and answers', audience: 'staff', kinds: [], prefixes: ['swap_'], modes: CHOOSABLE },
  { key: 'handoff', label: 'Shift handoffs', audience: 'staff', kinds: [], prefixes: ['handoff_'], modes: CHOOSABLE },
  { key: 'shift_reminder', label: 'Reminders of a shift starting tomorrow', audience: 'staff', kinds: [], prefixes: ['shift_'], modes: CHOOSABLE },
  {
    key: 'staff_summary',
    label: 'Daily summary: your open items, SLA breaches, your teams’ unanswered questions',
    audience: 'staff',
    kinds: ['staff_summary'],
    modes: ['immediately', 'never'],
    hint: 'Sent each morning (UTC) when you have open items or breaches.',
  },
  {
    key: 'scoreboard_weekly',
    label: 'Weekly scoreboard: the top issues by support load, response times, SLA compliance, backlog',
    audience: 'staff',
    kinds: ['scoreboard_weekly'],
    modes: ['immediately', 'never'],
    hint: 'Sent to support and engineering on Monday mornings (UTC).',
  },
]

/** The digest mail itself: unsubscribing from it turns every topic held for the digest off. */
export const DIGEST_KIND = 'digest'

const byKey = new Map(MAIL_TOPICS.map((topic) => [topic.key, topic]))

/** The topic a notice kind belongs to (its own key when no topic names it). */
export function topicKeyOf(kind: string): string {
  for (const topic of MAIL_TOPICS) if (topic.kinds.includes(kind) || topic.prefixes?.some((prefix) => kind.startsWith(prefix))) return topic.key
  return kind
}

export function topicOf(key: string): MailTopic | undefined {
  return byKey.get(key)
}

/** Whether mail of this topic is essential (paging): no unsubscribe, no choice. */
export function isFixedTopic(key: string): boolean {
  return !!byKey.get(key)?.fixed
}

/** Customers and staff both start at "immediately" for every topic. */
export function defaultModeOf(key: string): MailMode {
  return byKey.get(key)?.modes[0] ?? 'immediately'
}

/** A stored mode the topic no longer offers (a fixed topic) reads as its default. */
export function effectiveMode(key: string, stored: MailMode | undefined): MailMode {
  const topic = byKey.get(key)
  if (!stored || (topic && !topic.modes.includes(stored))) return defaultModeOf(key)
  return stored
}
