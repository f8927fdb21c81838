import { z } from 'zod'
import { webhookUrl } from '../webhooks'
import { apiScopes, itemKinds, itemSources, itemStates, plans, severities } from '../db/schema'
import { flag, id, instantParam, optionalId, optionalText, text } from '../validation'

const choice = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.enum(values, { error: `Choose a ${label}: ${values.join(', ').replace(/_/g, ' ')}.` })

export const Kind = choice(itemKinds, 'kind')
export const SeverityField = choice(severities, 'severity')

export const ConvertThreadInput = z.object({
  threadId: id('thread'),
  kind: Kind,
  severity: SeverityField,
  note: optionalText('Note', { max: 2000 }),
})

export const FileItemInput = z.object({
  source: z.enum(itemSources.filter((source) => source !== 'forum') as ['email', 'chat', 'call', 'api', 'other'], {
    error: 'Choose where this came from: email, chat, call or other.',
  }),
  title: text('Title', { min: 5, max: 200, singleLine: true }),
  description: text('Description', { min: 10, max: 20_000 }),
  requesterEmail: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.union([z.literal(''), z.email({ error: 'Enter the customer’s email address, or leave it empty.' })]).default(''),
  ),
  organisationId: optionalId('organisation'),
  kind: Kind,
  severity: SeverityField,
  teamSlug: text('Team', { min: 1, max: 40, singleLine: true }),
})
export type FileItemInput = z.infer<typeof FileItemInput>

export const ChangeStateInput = z.object({
  itemId: id('item'),
  state: choice(itemStates, 'state'),
  note: optionalText('Note', { max: 2000 }),
})

export const AssignInput = z.object({
  itemId: id('item'),
  // '' unassigns, 'me' is the actor.
  assigneeId: z.union([z.literal(''), z.literal('me'), id('assignee')]),
})

export const UpdateDetailsInput = z.object({
  itemId: id('item'),
  kind: Kind,
  severity: SeverityField,
  tier: z.preprocess((value) => (typeof value === 'string' ? Number(value) : value), z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'Tier is 1, 2 (support) or 3 (engineering).' })),
  teamSlug: text('Team', { min: 1, max: 40, singleLine: true }),
  flagged: flag,
})

export const NoteInput = z.object({
  itemId: optionalId('item'),
  threadId: optionalId('thread'),
  body: text('Note', { min: 2, max: 20_000 }),
})

export const ReplyInput = z.object({
  itemId: id('item'),
  body: text('Reply', { min: 10, max: 20_000 }),
  then: z.enum(['keep', 'waiting_on_customer', 'resolved'], { error: 'Choose what happens after the reply.' }).default('keep'),
})

export const OnDutyInput = z.object({ userId: optionalId('person'), onDuty: flag })

const slug = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'Slug uses lowercase letters, digits and hyphens (at most 40).' }),
)

export const TeamInput = z.object({
  slug,
  name: text('Name', { min: 2, max: 60, singleLine: true }),
  leadId: optionalId('lead'),
  memberIds: z.array(id('member')).max(200).default([]),
  // Where the team's chat alerts go (Slack-compatible incoming webhook); empty: no alerts.
  chatWebhookUrl: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), webhookUrl('Chat webhook URL').optional()),
  chatAllowPrivateNetwork: flag,
})

export const CalendarInput = z.object({
  calendarId: optionalId('calendar'),
  name: text('Name', { min: 2, max: 60, singleLine: true }),
  timezone: text('Timezone', { min: 1, max: 60, singleLine: true }),
  windows: optionalText('Opening hours', { max: 2000 }),
  holidays: optionalText('Holidays', { max: 5000 }),
})

const minutes = (label: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : value),
    z
      .number({ error: `${label} must be a whole number of minutes.` })
      .int({ error: `${label} must be a whole number of minutes.` })
      .min(1, { error: `${label} must be at least 1 minute.` })
      .max(525_600, { error: `${label} must be at most a year (525600 minutes).` }),
  )

const anyOr = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.preprocess((value) => (value === '' || value === undefined ? null : value), z.enum(values, { error: `Choose a ${label}, or any.` }).nullable())

export const PolicyInput = z.object({
  policyId: optionalId('policy'),
  name: text('Name', { min: 2, max: 80, singleLine: true }),
  position: z.preprocess(
    (value) => (value === '' || value === undefined ? 0 : typeof value === 'string' ? Number(value) : value),
    z.number({ error: 'Position must be a whole number.' }).int({ error: 'Position must be a whole number.' }).min(0).max(10_000),
  ),
  matchPlan: anyOr(plans, 'plan'),
  matchSeverity: anyOr(severities, 'severity'),
  matchKind: anyOr(itemKinds, 'kind'),
  firstResponseMinutes: minutes('First response'),
  nextResponseMinutes: minutes('Next response'),
  resolutionMinutes: minutes('Resolution'),
  calendarId: optionalId('calendar'),
})

export const MacroInput = z.object({
  macroId: optionalId('macro'),
  title: text('Title', { min: 2, max: 80, singleLine: true }),
  body: text('Text', { min: 2, max: 20_000 }),
  teamSlug: z.preprocess((value) => (value === '' || value === undefined ? null : value), z.string().max(40).nullable()),
})

export const ApiTokenInput = z.object({
  name: text('Name', { min: 2, max: 80, singleLine: true }),
  scopes: z.array(z.enum(apiScopes, { error: 'Unknown scope.' })).min(1, { error: 'Choose at least one scope.' }),
})

// --- The board's figure filters ------------------------------------------------------------
// The filters a scoreboard number links with, so the board lists exactly the items behind it,
// however many. Each is a URL parameter of /queue; see src/queue/board-filters.ts for what each
// selects and how it is said on the page.

/** What `from`/`to` date: the item's creation (no event), or one kind of thing done to it. */
export const BOARD_EVENTS = ['escalated', 'escalation_answered', 'assigned', 'replied', 'closed', 'rated'] as const
export type BoardEvent = (typeof BOARD_EVENTS)[number]
export const BOARD_SLA_OUTCOMES = [
  'first_response_met',
  'first_response_missed',
  'first_response_running',
  'next_response_met',
  'next_response_missed',
  'resolution_met',
  'resolution_missed',
  'resolution_running',
] as const
export type BoardSlaOutcome = (typeof BOARD_SLA_OUTCOMES)[number]
export const BOARD_TIMINGS = ['responded', 'resolved', 'reopened'] as const
export type BoardTiming = (typeof BOARD_TIMINGS)[number]

const boardChoice = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.enum(values, { error: `${label} is one of: ${values.join(', ')}.` })

export const BoardFigureQuery = z
  .object({
    kind: boardChoice(itemKinds, 'Kind').optional(),
    from: instantParam('The start').optional(),
    to: instantParam('The end').optional(),
    answered: z.literal('no', { error: 'Answered is “no” (no first response yet) or absent.' }).optional(),
    duplicates: z.literal('no', { error: 'Duplicates is “no” (leave out items closed as duplicates) or absent.' }).optional(),
    policy: z.union([z.literal('none'), id('SLA policy')], { error: 'Choose an SLA policy by number, or “none”.' }).optional(),
    event: boardChoice(BOARD_EVENTS, 'Event').optional(),
    by: z.union([z.literal('none'), id('person')], { error: 'Choose a person by number (or “none” for ratings no engineer was credited with).' }).optional(),
    shift: id('rotation shift').optional(),
    hours: z.literal('out', { error: 'Hours is “out” (out of hours only) or absent.' }).optional(),
    sla: boardChoice(BOARD_SLA_OUTCOMES, 'SLA outcome').optional(),
    timing: boardChoice(BOARD_TIMINGS, 'Timing').optional(),
    issue: id('issue').optional(),
    members: z.literal('duplicates', { error: 'Members is “duplicates” (the issue’s linked duplicates only) or absent.' }).optional(),
    escalation: z.literal('open', { error: 'Escalation is “open” (an escalation not answered yet) or absent.' }).optional(),
  })
  .superRefine((value, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    if (value.from && value.to && value.to <= value.from) problem('to', 'The end must be after the start.')
    if (value.by !== undefined && !value.event) problem('by', 'A person needs an event: what they did (assigned, replied, closed, escalated, escalation answered, rated).')
    if (value.by === 'none' && value.event !== 'rated') problem('by', '“none” applies to ratings only (no engineer credited).')
    if (value.hours && value.event !== 'escalated' && value.shift === undefined) problem('hours', 'Out of hours applies to escalations (event escalated, or a shift).')
    if (value.shift !== undefined && value.event) problem('shift', 'A shift already means the escalations taken during it; leave out the event.')
    if (value.members && value.issue === undefined) problem('members', 'Linked duplicates need an issue.')
  })
export type BoardFigureQuery = z.infer<typeof BoardFigureQuery>
