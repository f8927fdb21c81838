import type { ItemKind, ItemState, Severity } from '../../src/db/schema'
import type { TimelineEntry } from '../../src/queue'

// Words for the queue's values, shared by its pages.

export const STATE_LABEL: Record<ItemState, string> = {
  new: 'New',
  triaged: 'Triaged',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  escalated: 'Escalated',
  fixed_pending_confirmation: 'Fixed, pending confirmation',
  resolved: 'Resolved',
  wont_fix: 'Heard – won’t fix now',
}

export const KIND_LABEL: Record<ItemKind, string> = {
  question: 'Question',
  bug: 'Bug',
  incident: 'Incident',
  feature_request: 'Feature request',
  billing: 'Billing',
}

export const SEVERITY_LABEL: Record<Severity, string> = { low: 'Low', normal: 'Normal', high: 'High', critical: 'Critical' }

export const TARGET_LABEL: Record<string, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
}

export const FACTOR_LABEL: Record<string, string> = {
  urgency: 'SLA urgency',
  breached: 'SLA breached',
  affectedCustomers: 'affected customers',
  plan: 'plan',
  mrr: 'revenue (MRR)',
  votes: 'votes and “me too”',
  views: 'views',
  age: 'age',
}

const str = (value: unknown) => (value === null || value === undefined ? '' : String(value))

/** One line of an item's timeline, in words. */
export function describeEvent(event: TimelineEntry, names: Map<number, string>): string {
  const data = event.data
  const who = (id: unknown) => (typeof id === 'number' ? (names.get(id) ?? `#${id}`) : 'nobody')
  switch (event.kind) {
    case 'created':
      return `Created by the ${str(data.rule)} rule from ${str(data.source)} (${str(data.kind)}, ${str(data.severity)} severity, team ${str(data.team)}, SLA “${str(data.sla)}”).`
    case 'rule_fired':
      return `Rule fired again: ${str(data.rule)}${data.score !== undefined ? ` (score ${str(data.score)})` : ''}${data.customers !== undefined ? ` (${str(data.customers)} customers)` : ''}.`
    case 'assigned':
      return `Assigned to ${who(data.assigneeId)}${data.by === 'routing' ? ' by routing' : ''}.`
    case 'unassigned':
      return `Unassigned${data.reason ? `: ${str(data.reason)}` : ''}.`
    case 'state_changed':
      return `State: ${STATE_LABEL[data.from as ItemState] ?? str(data.from)} → ${STATE_LABEL[data.to as ItemState] ?? str(data.to)}${data.reason ? ` (${str(data.reason)})` : ''}${data.note ? `: “${str(data.note)}”` : ''}.`
    case 'priority_changed':
      return `Priority ${str(data.from)} → ${str(data.to)} (${str(data.reason)}).`
    case 'sla_met':
      return `Met the ${TARGET_LABEL[str(data.target)] ?? str(data.target)} target${data.late ? ', late' : ''}.`
    case 'sla_warning':
      return `Warning: the ${TARGET_LABEL[str(data.target)] ?? str(data.target)} target is due soon.`
    case 'sla_breached':
      return `Breached the ${TARGET_LABEL[str(data.target)] ?? str(data.target)} target.`
    case 'customers_added': {
      const added = Object.entries((data.added ?? {}) as Record<string, number>)
        .map(([reason, count]) => `${count} by ${reason.replace('_', ' ')}`)
        .join(', ')
      return `Affected customers: ${added}; ${str(data.total)} in all.`
    }
    case 'note_added':
      return 'Added an internal note.'
    case 'public_reply':
      return 'Replied publicly on the thread.'
    case 'merged':
      return data.intoItemId !== undefined ? `Closed into item #${str(data.intoItemId)} (duplicate).` : `Merged into the item of thread #${str(data.intoThreadId)} (duplicate).`
    case 'duplicate_merged':
      return `Item #${str(data.fromItemId)} (“${str(data.title)}”) was closed into this one; its customers are here now.`
    case 'escalated':
      return `Escalated to ${str(data.engineerName)}${data.via === 'lead' ? ' (team lead: nobody on rotation)' : data.via === 'override' ? ' (covering the rotation)' : ' (on rotation)'}, answer within ${str(data.responseHours)} h${data.outOfHours ? ', out of hours' : ''}.`
    case 'escalation_breached':
      return `The escalation passed its response target without an answer${data.backupId ? `; ${who(data.backupId)} was called in` : ''}.`
    case 'escalation_answered':
      return `Engineering answered: ${OUTCOME_LABEL[str(data.outcome)] ?? str(data.outcome)}${data.release ? ` in ${str(data.release)}` : ''}${data.duplicateOfItemId ? ` of #${str(data.duplicateOfItemId)}` : ''}${data.inTime === false ? ' (after the target)' : ''}.`
    case 'sent_to_backlog':
      return `Sent to the backlog: ${str(data.url)}.`
    case 'loop_closed':
      return `Sent the ${OUTCOME_LABEL[str(data.kind)]?.toLowerCase() ?? str(data.kind)} reply to ${str(data.threads)} thread${data.threads === 1 ? '' : 's'}; ${str(data.notified)} customer${data.notified === 1 ? '' : 's'} notified.`
    case 'fix_confirmed':
      return 'The customer confirmed the fix solved it.'
    case 'fix_disputed':
      return 'The customer says it is still broken.'
    case 'auto_resolved':
      return `Resolved automatically: no answer ${str(data.afterDays)} days after the fix.`
    case 'csat_requested':
      return 'The asker was asked “Did this solve your problem?”.'
    case 'csat_rated':
      return `The asker rated the resolution ${str(data.rating)} of 5${data.commented ? ', with a comment' : ''}.`
    case 'bug_bash_picked':
      return `Picked for the bug-bash day of ${str(data.day)} (cluster #${str(data.clusterId)}).`
    case 'bug_bash_fixed':
      return `Fixed on a bug-bash day (cluster #${str(data.clusterId)}).`
    case 'flagged':
      return 'Flagged by sales or customer success.'
    case 'unflagged':
      return 'Flag removed.'
    case 'kind_changed':
    case 'severity_changed':
    case 'tier_changed':
    case 'team_changed':
      return `${event.kind.replace('_changed', '').replace(/^./, (c) => c.toUpperCase())}: ${str(data.from)} → ${str(data.to)}.`
    default:
      return event.kind.replace(/_/g, ' ')
  }
}

export const OUTCOME_LABEL: Record<string, string> = {
  fixed: 'Fixed',
  workaround: 'Workaround',
  needs_info: 'Needs info',
  duplicate: 'Duplicate',
  wont_fix: 'Won’t fix now',
}
