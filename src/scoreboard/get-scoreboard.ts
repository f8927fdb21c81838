import { asc, inArray, sql } from 'drizzle-orm'
import type { BarDatum } from '../charts'
import type { Ctx } from '../ctx'
import type { Db } from '../db/client'
import { scoreboardRollups, users } from '../db/schema'
import { requireStaff, staffRoles } from '../policy'
import { searchDeflection } from '../search'
import { knownTeamSlugs } from '../teams'
import {
  acceptedSolutions,
  csatFigures,
  escalationsPerWeek,
  loadPerPerson,
  loadPerShift,
  responseTimes,
  slaCompliance,
  topIssues,
  unansweredBacklog,
  type TopIssueRow,
} from './figures'
import { boardLink, forumLink } from './links'
import { resolveWindow, type ScoreboardFilterInput, type ScoreboardWindow } from './window'

// The scoreboard's read model: every figure as a table of cells (the text the page shows and the
// CSV holds, and where it links), with the chart drawn from the same numbers.

export const CHART_KEYS = [
  'top-issues',
  'escalations',
  'first-response',
  'resolution',
  'sla',
  'backlog',
  'accepted-solutions',
  'deflection',
  'shifts',
  'people',
  'csat',
] as const
export type ChartKey = (typeof CHART_KEYS)[number]

export interface Cell {
  text: string
  /** The board (or page) listing what the number counts. */
  href?: string
}

export interface FigureTable {
  columns: string[]
  rows: Cell[][]
}

export interface FigureChart {
  type: 'bar' | 'line'
  yLabel: string
  xLabel?: string
  data: BarDatum[]
}

export interface Figure {
  key: ChartKey
  title: string
  /** What is counted and how: the chart's accessible description and the paragraph above it. */
  description: string
  chart: FigureChart | null
  table: FigureTable
  /** Shown when the figure cannot be filtered as asked (deflection has no team). */
  note?: string
}

export interface TopIssue extends TopIssueRow {
  trend: 'up' | 'down' | 'flat'
}

export interface Scoreboard {
  window: ScoreboardWindow
  errors: Record<string, string>
  input: ScoreboardFilterInput
  teams: string[]
  staff: { id: number; displayName: string }[]
  topIssues: TopIssue[]
  figures: Figure[]
  /** When the timing rollup last ran (its figures are as of then). */
  factsAsOf: Date | null
  now: Date
}

const EMPTY = '—'
const minutes = (value: number | null) => (value === null ? EMPTY : value.toFixed(1))
const percent = (part: number, whole: number) => (whole === 0 ? EMPTY : ((100 * part) / whole).toFixed(1))
const count = (value: number, href?: string): Cell => ({ text: String(value), ...(href && value > 0 ? { href } : {}) })
const day = (at: Date) => at.toISOString().slice(0, 10)
const stamp = (at: Date) => at.toISOString().slice(0, 16).replace('T', ' ')

function trendOf(issue: TopIssueRow): TopIssue['trend'] {
  return issue.newLoad > issue.previousLoad ? 'up' : issue.newLoad < issue.previousLoad ? 'down' : 'flat'
}

/** The scoreboard for these filters, for a staff member. */
export async function getScoreboard(ctx: Ctx, input: ScoreboardFilterInput): Promise<Scoreboard> {
  requireStaff(ctx, 'see the scoreboard')
  return buildScoreboard(ctx.db, input, ctx.now())
}

/** The figures themselves; callers check who may see them (the page: staff; the weekly mail: staff recipients). */
export async function buildScoreboard(db: Db, input: ScoreboardFilterInput, now: Date): Promise<Scoreboard> {
  const teams = await knownTeamSlugs(db)
  const { window, errors } = resolveWindow(input, now, teams)
  const [issues, weeks, timings, sla, backlog, accepted, deflection, shifts, people, csat, staff, [rollup]] = await Promise.all([
    topIssues(db, window, now),
    escalationsPerWeek(db, window),
    responseTimes(db, window),
    slaCompliance(db, window),
    unansweredBacklog(db, window, now),
    acceptedSolutions(db, window),
    searchDeflection(db, window.from, window.to),
    loadPerShift(db, window),
    loadPerPerson(db, window),
    csatFigures(db, window),
    db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inArray(users.role, [...staffRoles]))
      .orderBy(asc(users.displayName), asc(users.id)),
    db.select({ ranAt: scoreboardRollups.ranAt }).from(scoreboardRollups).where(sql`${scoreboardRollups.name} = 'item_facts'`),
  ])
  const team = window.team
  // Items created in the period, duplicates left out: those the timing and SLA figures count.
  const cohort = { team, state: 'all' as const, from: window.from, to: window.to, duplicates: 'no' as const }
  const period = { team, state: 'all' as const, from: window.from, to: window.to }
  const periodWords = `created ${day(window.from)} to ${day(new Date(window.to.getTime() - 1))}`

  const topIssueList: TopIssue[] = issues.map((issue) => ({ ...issue, trend: trendOf(issue) }))
  const figures: Figure[] = [
    {
      key: 'top-issues',
      title: 'Top five issues by support load now',
      description:
        'Open issues (an item with the duplicates linked to it) ranked by distinct affected customers, then items, then open escalations. Time spent: business hours their items have been open, less waits on the customer. Trend: new customers and duplicates in this period against the period before.',
      chart: topIssueList.length
        ? { type: 'bar', yLabel: 'Affected customers', data: topIssueList.map((issue) => ({ label: `#${issue.id}`, value: issue.customers })) }
        : null,
      table: {
        columns: ['Issue', 'Title', 'Team', 'Items', 'Affected customers', 'Hours spent', 'Linked duplicates', 'Open escalations', 'New load this period', 'New load previous period', 'Trend', 'Owner'],
        rows: topIssueList.map((issue) => [
          { text: `#${issue.id}`, href: `/queue/items/${issue.id}` },
          { text: issue.title },
          { text: issue.teamSlug },
          count(issue.memberIds.length, boardLink({ state: 'all', issue: issue.id })),
          count(issue.customers, boardLink({ state: 'all', issue: issue.id })),
          { text: (issue.minutesOpen / 60).toFixed(1) },
          count(issue.duplicateIds.length, boardLink({ state: 'all', issue: issue.id, members: 'duplicates' })),
          count(issue.openEscalations, boardLink({ state: 'all', issue: issue.id, escalation: 'open' })),
          { text: String(issue.newLoad) },
          { text: String(issue.previousLoad) },
          { text: issue.trend === 'up' ? 'rising' : issue.trend === 'down' ? 'falling' : 'steady' },
          { text: issue.owner?.displayName ?? 'nobody' },
        ]),
      },
    },
    {
      key: 'escalations',
      title: 'Escalations per week',
      description: `Escalations to engineering per week (weeks from Monday, UTC; the first and last clipped to the period)${team ? ` for ${team}` : ''}. ${weeks.reduce((sum, week) => sum + week.escalations, 0)} in all.`,
      chart: { type: 'bar', yLabel: 'Escalations', xLabel: 'Week of', data: weeks.map((week) => ({ label: day(week.weekStart), value: week.escalations })) },
      table: {
        columns: ['Week of', 'From', 'Until', 'Escalations', 'Out of hours', 'Items'],
        rows: weeks.map((week) => {
          const escalated = { team, state: 'all' as const, event: 'escalated' as const, from: week.from, to: week.to }
          return [
            { text: day(week.weekStart) },
            { text: stamp(week.from) },
            { text: stamp(week.to) },
            count(week.escalations, boardLink(escalated)),
            count(week.outOfHours, boardLink({ ...escalated, hours: 'out' })),
            count(week.items, boardLink(escalated)),
          ]
        }),
      },
    },
    {
      key: 'first-response',
      title: 'First-response time (business minutes)',
      description: `Median and 90th percentile of business minutes to the first staff reply, less waits on the customer, for bugs and questions ${periodWords}, per team. Duplicates left out.`,
      chart: {
        type: 'bar',
        yLabel: 'Median business minutes',
        data: timings.filter((row) => row.firstResponseMedian !== null).map((row) => ({ label: row.teamSlug, series: row.kind, value: row.firstResponseMedian! })),
      },
      table: {
        columns: ['Team', 'Kind', 'Items', 'Answered', 'Median (min)', '90th percentile (min)'],
        rows: timings.map((row) => {
          const href = boardLink({ ...cohort, team: row.teamSlug, kind: row.kind })
          return [
            { text: row.teamSlug },
            { text: row.kind },
            count(row.items, href),
            count(row.responded, boardLink({ ...cohort, team: row.teamSlug, kind: row.kind, timing: 'responded' })),
            { text: minutes(row.firstResponseMedian) },
            { text: minutes(row.firstResponseP90) },
          ]
        }),
      },
    },
    {
      key: 'resolution',
      title: 'Time to resolution (business minutes)',
      description: `Median and 90th percentile of business minutes from filing to the last close (a reopened item counts from its filing to its final close), less waits on the customer, for bugs and questions ${periodWords}, per team.`,
      chart: {
        type: 'bar',
        yLabel: 'Median business minutes',
        data: timings.filter((row) => row.resolutionMedian !== null).map((row) => ({ label: row.teamSlug, series: row.kind, value: row.resolutionMedian! })),
      },
      table: {
        columns: ['Team', 'Kind', 'Items', 'Resolved', 'Reopenings', 'Median (min)', '90th percentile (min)'],
        rows: timings.map((row) => {
          const href = boardLink({ ...cohort, team: row.teamSlug, kind: row.kind })
          return [
            { text: row.teamSlug },
            { text: row.kind },
            count(row.items, href),
            count(row.resolved, boardLink({ ...cohort, team: row.teamSlug, kind: row.kind, timing: 'resolved' })),
            count(row.reopenings, boardLink({ ...cohort, team: row.teamSlug, kind: row.kind, timing: 'reopened' })),
            { text: minutes(row.resolutionMedian) },
            { text: minutes(row.resolutionP90) },
          ]
        }),
      },
    },
    {
      key: 'sla',
      title: 'SLA compliance per policy and target',
      description: `Share of targets met, of those decided (met or missed), for items ${periodWords}, by the SLA policy each item started with. Next responses count each customer message that started one.`,
      chart: {
        type: 'bar',
        yLabel: '% met',
        data: sla
          .filter((row) => row.met + row.missed > 0)
          .map((row) => ({ label: row.policyName, series: row.target.replace('_', ' '), value: Number(percent(row.met, row.met + row.missed)) })),
      },
      table: {
        columns: ['Policy', 'Target', 'Met', 'Missed', 'Running', '% met'],
        rows: sla.map((row) => [
          { text: row.policyName, href: boardLink({ ...cohort, policy: row.policyId }) },
          { text: row.target.replace('_', ' ') },
          count(row.met, boardLink({ ...cohort, policy: row.policyId, sla: `${row.target}_met` })),
          count(row.missed, boardLink({ ...cohort, policy: row.policyId, sla: `${row.target}_missed` })),
          // Next responses are never counted as running (each is met or missed when it is decided).
          row.target === 'next_response' ? { text: String(row.pending) } : count(row.pending, boardLink({ ...cohort, policy: row.policyId, sla: `${row.target}_running` })),
          { text: percent(row.met, row.met + row.missed) },
        ]),
      },
    },
    {
      key: 'backlog',
      title: 'Unanswered backlog by age',
      description: `Open items with no first response yet, now${team ? `, for ${team}` : ''}: ${backlog.total} in all${backlog.oldestAt ? `, the oldest filed ${stamp(backlog.oldestAt)} UTC` : ''}${backlog.medianAgeMinutes !== null ? `, median age ${(backlog.medianAgeMinutes / 60).toFixed(1)} hours` : ''}.`,
      chart: { type: 'bar', yLabel: 'Items', xLabel: 'Waiting', data: backlog.bands.map((band) => ({ label: band.label, value: band.items })) },
      table: {
        columns: ['Waiting', 'Items'],
        rows: [
          ...backlog.bands.map((band) => [
            { text: band.label },
            count(band.items, boardLink({ team, answered: 'no', ...(band.createdFrom ? { from: band.createdFrom } : {}), to: band.createdTo })),
          ]),
          [{ text: 'all' }, count(backlog.total, boardLink({ team, answered: 'no' }))],
        ],
      },
    },
    {
      key: 'accepted-solutions',
      title: 'Accepted-solution rate',
      description: `Forum questions asked in the period (visible ones), per team of their category: how many got an answer, and how many an accepted solution.`,
      chart: accepted.length
        ? { type: 'bar', yLabel: '% with an accepted solution', data: accepted.map((row) => ({ label: row.teamSlug, value: Number(percent(row.accepted, row.questions)) || 0 })) }
        : null,
      table: {
        columns: ['Team', 'Questions', 'Answered', 'Accepted solution', '% accepted'],
        rows: accepted.map((row) => {
          const questions = (outcome?: 'answered' | 'accepted') => forumLink('/staff/questions', { team: row.teamSlug, from: window.from, to: window.to, outcome })
          return [
            { text: row.teamSlug },
            count(row.questions, questions()),
            count(row.answered, questions('answered')),
            count(row.accepted, questions('accepted')),
            { text: percent(row.accepted, row.questions) },
          ]
        }),
      },
    },
    {
      key: 'deflection',
      title: 'Search deflection',
      description:
        'Searches and similar-question lookups in the period after which the visitor opened a solved thread, and of those, how many asked no question in the next 24 hours (deflected).',
      chart: { type: 'bar', yLabel: 'Lookups', data: deflection.flatMap((row) => [
        { label: row.kind, series: 'opened a solved thread', value: row.solvedClicks },
        { label: row.kind, series: 'did not ask', value: row.deflected },
      ]) },
      table: {
        columns: ['Lookup', 'Lookups', 'Opened a solved thread', 'Did not ask (deflected)', '% deflected'],
        rows: deflection.map((row) => {
          const lookups = (outcome?: 'solved' | 'deflected') => forumLink('/staff/search/lookups', { kind: row.kind, from: window.from, to: window.to, outcome })
          return [
            { text: row.kind, href: '/staff/search' },
            count(row.lookups, lookups()),
            count(row.solvedClicks, lookups('solved')),
            count(row.deflected, lookups('deflected')),
            { text: percent(row.deflected, row.lookups) },
          ]
        }),
      },
      ...(team ? { note: 'Searches belong to no team: this figure is for the whole forum.' } : {}),
    },
    {
      key: 'shifts',
      title: 'Load per rotation shift',
      description: 'Engineering rotation shifts overlapping the period (newest first): escalations they took and items filed for their team during them.',
      chart: shifts.length
        ? { type: 'bar', yLabel: 'Escalations', data: [...shifts].reverse().map((shift) => ({ label: `${shift.teamSlug} ${day(shift.startsAt)}`, value: shift.escalations })) }
        : null,
      table: {
        columns: ['Team', 'Engineer', 'From', 'Until', 'Escalations', 'Out of hours', 'Items filed'],
        rows: shifts.map((shift) => [
          { text: shift.teamSlug },
          { text: shift.engineer ?? 'nobody planned (team lead)' },
          { text: stamp(shift.startsAt) },
          { text: stamp(shift.endsAt) },
          count(shift.escalations, boardLink({ state: 'all', shift: shift.shiftId })),
          count(shift.outOfHours, boardLink({ state: 'all', shift: shift.shiftId, hours: 'out' })),
          count(shift.itemsFiled, boardLink({ team: shift.teamSlug, state: 'all', from: shift.startsAt, to: shift.endsAt })),
        ]),
      },
    },
    {
      key: 'people',
      title: 'Load per person',
      description: 'Per staff member, the distinct items of the period they were assigned, answered publicly and closed, and the escalations they received and answered; most work first.',
      chart: people.length
        ? {
            type: 'bar',
            yLabel: 'Items',
            data: people.slice(0, 15).flatMap((person) => [
              { label: person.displayName, series: 'assigned', value: person.assigned },
              { label: person.displayName, series: 'escalations received', value: person.escalationsReceived },
            ]),
          }
        : null,
      table: {
        columns: ['Person', 'Role', 'Assigned', 'Answered', 'Closed', 'Escalations received', 'Escalations answered'],
        rows: people.map((person) => {
          const work = (event: 'assigned' | 'replied' | 'closed' | 'escalated' | 'escalation_answered') => boardLink({ ...period, event, by: person.userId })
          return [
            { text: person.displayName },
            { text: person.role },
            count(person.assigned, work('assigned')),
            count(person.replied, work('replied')),
            count(person.closed, work('closed')),
            count(person.escalationsReceived, work('escalated')),
            count(person.escalationsAnswered, work('escalation_answered')),
          ]
        }),
      },
    },
    {
      key: 'csat',
      title: 'Customer satisfaction (CSAT)',
      description: `“Did this solve your problem?” ratings (1 to 5) given in the period: ${csat.rated} of ${csat.asked} asked answered (${percent(csat.rated, csat.asked)}%). Satisfied means 4 or 5. Comments are on each item's page.`,
      chart: csat.rows.some((row) => row.by === 'team')
        ? { type: 'bar', yLabel: 'Average rating', data: csat.rows.filter((row) => row.by === 'team').map((row) => ({ label: row.label, value: Number(row.average.toFixed(2)) })) }
        : null,
      table: {
        columns: ['By', 'Who', 'Ratings', 'Average', '% satisfied'],
        rows: csat.rows.map((row) => [
          { text: row.by },
          { text: row.label },
          count(row.ratings, boardLink({ ...period, event: 'rated', ...(row.by === 'team' ? { team: row.key } : row.by === 'kind' ? { kind: row.key } : { by: row.key === 'none' ? null : Number(row.key) }) })),
          { text: row.average.toFixed(2) },
          { text: percent(row.satisfied, row.ratings) },
        ]),
      },
    },
  ]
  return { window, errors, input, teams, staff, topIssues: topIssueList, figures, factsAsOf: rollup?.ranAt ?? null, now }
}
