import { sql, type SQL } from 'drizzle-orm'
import { queueItems } from '../db/schema'
import { periodText } from '../period-text'
import { BoardFigureQuery, type BoardEvent, type BoardSlaOutcome, type BoardTiming } from './schemas'

// The board's figure filters: what a scoreboard number links with, so the board lists exactly
// the items it counts, however many. Each reads the same rows as its figure:
//  - creation window, kind, team, policy, duplicates, unanswered: the item's own columns;
//  - an event between dates (escalated, escalation answered, assigned, replied, closed, rated),
//    optionally by one person: the escalations, the item event log, the CSAT ratings;
//  - a rotation shift: the escalations its rotation took during it;
//  - an SLA outcome or a timing (responded, resolved, reopened): the scoreboard's per-item facts,
//    the rollup its SLA and timing figures read;
//  - a top issue: the item and its linked duplicates (closed into it, or their threads marked
//    duplicates of its thread), and an open escalation on one.
// Each is a semi-join (`id in (select item_id ...)`) from the table whose index serves its dates
// (escalations_created_idx, queue_item_events_created_idx, csat_ratings_rated_idx,
// scoreboard_item_facts_created_idx), so a filtered board reads the period's rows, not every item's.
//
// Where a figure counts something other than items (escalations, ratings, next responses,
// reopenings, affected customers), the board says that number too, next to the items.

export const FIGURE_FILTER_KEYS = ['kind', 'from', 'to', 'answered', 'duplicates', 'policy', 'event', 'by', 'shift', 'hours', 'sla', 'timing', 'issue', 'members', 'escalation'] as const
export type FigureFilterKey = (typeof FIGURE_FILTER_KEYS)[number]

export type BoardFigure = BoardFigureQuery

/** The figure filters among these (null when there are none) and the problems with them, by field. */
export function parseFigureFilters(filters: Partial<Record<FigureFilterKey, string | undefined>>): { figure: BoardFigure | null; errors: Record<string, string> } {
  const given = Object.fromEntries(FIGURE_FILTER_KEYS.filter((key) => filters[key] !== undefined && filters[key] !== '').map((key) => [key, filters[key]]))
  if (Object.keys(given).length === 0) return { figure: null, errors: {} }
  const parsed = BoardFigureQuery.safeParse(given)
  if (parsed.success) return { figure: parsed.data, errors: {} }
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'filters')] ??= issue.message
  return { figure: null, errors }
}

const iso = (at: Date) => at.toISOString()

/** `column` within [from, to) of the figure (either end may be open). */
function within(column: SQL, figure: BoardFigure): SQL {
  const parts: SQL[] = []
  if (figure.from) parts.push(sql`${column} >= ${iso(figure.from)}::timestamptz`)
  if (figure.to) parts.push(sql`${column} < ${iso(figure.to)}::timestamptz`)
  return parts.length ? sql.join(parts, sql` and `) : sql`true`
}

/** Whether team and kind are the rating's (frozen when rated, as the CSAT figure reads them) rather than the item's. */
export function teamAndKindOfRating(figure: BoardFigure | null): boolean {
  return figure?.event === 'rated'
}

const person = (column: SQL, by: number | 'none' | undefined) => (by === undefined ? sql`` : by === 'none' ? sql`and ${column} is null` : sql`and ${column} = ${by}`)

/** The escalations an escalation filter selects (alias e), for the semi-join and the tally. */
function escalationRows(figure: BoardFigure): SQL | null {
  const outOfHours = figure.hours === 'out' ? sql`and e.out_of_hours` : sql``
  if (figure.shift !== undefined)
    return sql`select e.item_id from escalations e join rotation_shifts s on s.id = ${figure.shift}
      where e.rotation_id = s.rotation_id and e.created_at >= s.starts_at and e.created_at < s.ends_at ${outOfHours}`
  if (figure.event === 'escalated')
    return sql`select e.item_id from escalations e where ${within(sql`e.created_at`, figure)} ${person(sql`e.engineer_id`, figure.by)} ${outOfHours}`
  if (figure.event === 'escalation_answered')
    return sql`select e.item_id from escalations e where e.answered_at is not null and ${within(sql`e.answered_at`, figure)} ${person(sql`e.answered_by_id`, figure.by)}`
  return null
}

/**
 * The work events of the log: an assignment counts for the assignee, a public reply and a close
 * for whoever did it (a person's, never the product's). The same definition as the scoreboard's
 * load per person (src/scoreboard/person-work.ts, eventWork), which cannot be imported here
 * (the scoreboard reads the queue); the scoreboard's link test holds the two equal.
 */
function workRows(event: 'assigned' | 'replied' | 'closed', figure: BoardFigure): SQL {
  const when = within(sql`e.created_at`, figure)
  if (event === 'assigned')
    return sql`select e.item_id from queue_item_events e where e.kind = 'assigned' and ${when}
      and e.data->>'assigneeId' is not null ${person(sql`(e.data->>'assigneeId')::int`, figure.by)}`
  if (event === 'replied') return sql`select e.item_id from queue_item_events e where e.kind = 'public_reply' and ${when} and e.actor_id is not null ${person(sql`e.actor_id`, figure.by)}`
  return sql`select e.item_id from queue_item_events e where e.kind = 'state_changed' and ${when}
    and e.actor_id is not null and e.data->>'to' in ('resolved', 'wont_fix') ${person(sql`e.actor_id`, figure.by)}`
}

function ratingRows(figure: BoardFigure, team: string | undefined): SQL {
  return sql`select r.item_id from csat_ratings r where ${within(sql`r.rated_at`, figure)}
    ${team ? sql`and r.team_slug = ${team}` : sql``} ${figure.kind ? sql`and r.item_kind = ${figure.kind}` : sql``} ${person(sql`r.engineer_id`, figure.by)}`
}

const SLA_CONDITION: Record<BoardSlaOutcome, SQL> = {
  first_response_met: sql`f.first_response_met`,
  first_response_missed: sql`not f.first_response_met`,
  first_response_running: sql`f.first_response_met is null`,
  next_response_met: sql`f.next_responses_met > 0`,
  next_response_missed: sql`f.next_responses_missed > 0`,
  resolution_met: sql`f.resolution_met`,
  resolution_missed: sql`not f.resolution_met`,
  resolution_running: sql`f.resolution_met is null`,
}

const TIMING_CONDITION: Record<BoardTiming, SQL> = {
  responded: sql`f.first_response_minutes is not null`,
  resolved: sql`f.resolution_minutes is not null`,
  reopened: sql`f.reopenings > 0`,
}

/**
 * Whether the filter reads the scoreboard's facts: an SLA outcome, a timing, or the timing and SLA
 * figures' cohort (created in a window, duplicates left out), which is exactly the facts' rows of
 * the window, found through scoreboard_item_facts_created_idx instead of a scan of every item.
 */
function readsFacts(figure: BoardFigure): boolean {
  return Boolean(figure.sla || figure.timing || (figure.duplicates === 'no' && !figure.event && (figure.from || figure.to)))
}

/** The scoreboard facts such a filter selects (alias f): created in the window, as the figures count them. */
function factRows(figure: BoardFigure): SQL | null {
  if (!readsFacts(figure)) return null
  const conditions = [within(sql`f.created_at`, figure)]
  if (figure.duplicates === 'no') conditions.push(sql`not f.duplicate`)
  if (figure.sla) conditions.push(SLA_CONDITION[figure.sla])
  if (figure.timing) conditions.push(TIMING_CONDITION[figure.timing])
  return sql`select f.item_id from scoreboard_item_facts f where ${sql.join(conditions, sql` and `)}`
}

/**
 * The top issue's members: the item and its linked duplicates (or the duplicates alone). A union
 * of three indexed lookups (the key, queue_items_merged_into_idx, the duplicate threads' items by
 * queue_items_thread_idx): as one condition with `or` it was a scan of every item.
 */
function issueCondition(figure: BoardFigure): SQL | null {
  if (figure.issue === undefined) return null
  const issue = figure.issue
  const duplicates = sql`select d.id from queue_items d where d.merged_into_item_id = ${issue}
    union select d.id from queue_items o join threads t on t.duplicate_of_id = o.thread_id join queue_items d on d.thread_id = t.id where o.id = ${issue}`
  return figure.members === 'duplicates'
    ? sql`${queueItems.id} in (select id from (${duplicates}) x where id <> ${issue})`
    : sql`${queueItems.id} in (select ${issue}::int union ${duplicates})`
}

/** The conditions on queue_items that the figure filters add (the board adds state, team and the rest). */
export function figureConditions(figure: BoardFigure, team: string | undefined): SQL[] {
  const conditions: SQL[] = []
  const id = queueItems.id
  // From/to date the event when there is one, else the item's creation (on the facts' rows when
  // those are read: the same instant, through their index).
  if (!figure.event && (figure.from || figure.to) && !readsFacts(figure)) conditions.push(within(sql`${queueItems.createdAt}`, figure))
  if (figure.kind && !teamAndKindOfRating(figure)) conditions.push(sql`${queueItems.kind} = ${figure.kind}`)
  if (figure.answered === 'no') conditions.push(sql`${queueItems.firstResponseAt} is null`)
  if (figure.duplicates === 'no' && !readsFacts(figure))
    conditions.push(sql`${queueItems.mergedIntoItemId} is null and not exists (select 1 from queue_item_events m where m.item_id = ${id} and m.kind = 'merged')`)
  if (figure.policy === 'none') conditions.push(sql`${queueItems.sla}->>'policyId' is null`)
  else if (figure.policy !== undefined) conditions.push(sql`(${queueItems.sla}->>'policyId')::int = ${figure.policy}`)
  const escalated = escalationRows(figure)
  if (escalated) conditions.push(sql`${id} in (${escalated})`)
  if (figure.event === 'assigned' || figure.event === 'replied' || figure.event === 'closed') conditions.push(sql`${id} in (${workRows(figure.event, figure)})`)
  if (figure.event === 'rated') conditions.push(sql`${id} in (${ratingRows(figure, team)})`)
  const facts = factRows(figure)
  if (facts) conditions.push(sql`${id} in (${facts})`)
  const issue = issueCondition(figure)
  if (issue) conditions.push(issue)
  if (figure.escalation === 'open') conditions.push(sql`exists (select 1 from escalations x where x.item_id = ${id} and x.answered_at is null)`)
  return conditions
}

export interface FigureTally {
  noun: string
  /** A scalar over `matching` (the ids of the filtered items). */
  sql: SQL
}

/**
 * What the figure counts when it is not items: escalations (per week, per shift), ratings, next
 * responses met or missed, reopenings, open escalations, affected customers.
 */
export function figureTally(figure: BoardFigure, team: string | undefined): FigureTally | null {
  const inMatching = (column: SQL) => sql`${column} in (select id from matching)`
  if (figure.shift !== undefined || figure.event === 'escalated') {
    const outOfHours = figure.hours === 'out' ? sql`and e.out_of_hours` : sql``
    const rows =
      figure.shift !== undefined
        ? sql`escalations e join rotation_shifts s on s.id = ${figure.shift} where e.rotation_id = s.rotation_id and e.created_at >= s.starts_at and e.created_at < s.ends_at`
        : sql`escalations e where ${within(sql`e.created_at`, figure)} ${person(sql`e.engineer_id`, figure.by)}`
    return { noun: figure.hours === 'out' ? 'escalations out of hours' : 'escalations', sql: sql`(select count(*) from ${rows} ${outOfHours} and ${inMatching(sql`e.item_id`)})` }
  }
  if (figure.event === 'rated') return { noun: 'ratings', sql: sql`(select count(*) from (${ratingRows(figure, team)}) r where ${inMatching(sql`r.item_id`)})` }
  if (figure.sla === 'next_response_met' || figure.sla === 'next_response_missed') {
    const column = figure.sla === 'next_response_met' ? sql`f.next_responses_met` : sql`f.next_responses_missed`
    return { noun: figure.sla === 'next_response_met' ? 'next responses met' : 'next responses missed', sql: sql`(select coalesce(sum(${column}), 0) from scoreboard_item_facts f where ${inMatching(sql`f.item_id`)})` }
  }
  if (figure.timing === 'reopened') return { noun: 'reopenings', sql: sql`(select coalesce(sum(f.reopenings), 0) from scoreboard_item_facts f where ${inMatching(sql`f.item_id`)})` }
  if (figure.escalation === 'open') return { noun: 'open escalations', sql: sql`(select count(*) from escalations x where x.answered_at is null and ${inMatching(sql`x.item_id`)})` }
  if (figure.issue !== undefined) return { noun: 'affected customers', sql: sql`(select count(distinct c.user_id) from queue_item_customers c where ${inMatching(sql`c.item_id`)})` }
  return null
}

// --- Said in words ------------------------------------------------------------------------

/** One filter as the board shows it: its words, and the parameters removing it takes away. */
export interface FilterChip {
  text: string
  remove: string[]
}

/** Names the words need, read by the board's query. */
export interface FigureNames {
  people: Map<number, string>
  policyName: string | null
  shift: { teamSlug: string; engineer: string | null; startsAt: Date; endsAt: Date } | null
  issueTitle: string | null
}

const EVENT_WORDS: Record<BoardEvent, { done: string; by: string }> = {
  escalated: { done: 'Escalated', by: 'to' },
  escalation_answered: { done: 'Escalation answered', by: 'by' },
  assigned: { done: 'Assigned', by: 'to' },
  replied: { done: 'Answered publicly', by: 'by' },
  closed: { done: 'Closed', by: 'by' },
  rated: { done: 'Rated', by: 'crediting' },
}

const SLA_WORDS: Record<BoardSlaOutcome, string> = {
  first_response_met: 'first-response target met',
  first_response_missed: 'first-response target missed',
  first_response_running: 'first-response target still running',
  next_response_met: 'a next-response target met',
  next_response_missed: 'a next-response target missed',
  resolution_met: 'resolution target met',
  resolution_missed: 'resolution target missed',
  resolution_running: 'resolution target still running',
}

const TIMING_WORDS: Record<BoardTiming, string> = { responded: 'answered (a first response)', resolved: 'resolved', reopened: 'reopened' }

/** The figure filters (and the team) in plain words, one removable chip each. */
export function describeFigure(figure: BoardFigure, team: string | undefined, names: FigureNames): FilterChip[] {
  const chips: FilterChip[] = []
  const who = (by: number | 'none' | undefined) => (by === undefined ? '' : by === 'none' ? 'no engineer' : (names.people.get(by) ?? `person #${by}`))
  if (figure.event) {
    const words = EVENT_WORDS[figure.event]
    const by = figure.by !== undefined ? ` ${words.by} ${who(figure.by)}` : ''
    chips.push({ text: `${words.done}${by} ${periodText(figure.from, figure.to)}`, remove: ['event', 'by', 'from', 'to', 'hours'] })
  } else if (figure.from || figure.to) chips.push({ text: `Created ${periodText(figure.from, figure.to)}`, remove: ['from', 'to'] })
  if (figure.shift !== undefined) {
    const shift = names.shift
    chips.push({
      text: shift
        ? `Escalated to the ${shift.teamSlug} rotation during ${shift.engineer ? `${shift.engineer}’s` : 'an unplanned'} shift, ${periodText(shift.startsAt, shift.endsAt)}`
        : `Escalated during rotation shift #${figure.shift} (no longer planned)`,
      remove: ['shift', 'hours'],
    })
  }
  if (figure.hours === 'out') chips.push({ text: 'out of hours', remove: ['hours'] })
  if (figure.issue !== undefined) {
    const title = names.issueTitle ? ` “${names.issueTitle}”` : ''
    chips.push({
      text: figure.members === 'duplicates' ? `duplicates linked to #${figure.issue}${title}` : `#${figure.issue}${title} and its linked duplicates`,
      remove: ['issue', 'members'],
    })
  }
  if (figure.escalation === 'open') chips.push({ text: 'with an open escalation', remove: ['escalation'] })
  if (figure.sla) chips.push({ text: SLA_WORDS[figure.sla], remove: ['sla'] })
  if (figure.timing) chips.push({ text: TIMING_WORDS[figure.timing], remove: ['timing'] })
  if (figure.policy !== undefined)
    chips.push({ text: figure.policy === 'none' ? 'no SLA policy matched' : `SLA policy ${names.policyName ?? `#${figure.policy}`}`, remove: ['policy'] })
  if (figure.kind) chips.push({ text: `${teamAndKindOfRating(figure) ? 'rated as ' : 'kind '}${figure.kind.replace(/_/g, ' ')}`, remove: ['kind'] })
  if (team) chips.push({ text: `${teamAndKindOfRating(figure) ? 'rated for ' : ''}team ${team}`, remove: ['team'] })
  if (figure.answered === 'no') chips.push({ text: 'no first response yet', remove: ['answered'] })
  if (figure.duplicates === 'no') chips.push({ text: 'not closed as a duplicate', remove: ['duplicates'] })
  return chips
}
