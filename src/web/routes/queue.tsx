import { Hono, type Context } from 'hono'
import { emptyForm, type FormState } from '../../../views/components'
import { BoardPage, BoardRegion } from '../../../views/queue/board'
import { emptyItemForms, ItemPageView, ReplyBox, type ItemForms } from '../../../views/queue/item'
import type { StaffForms } from '../../../views/forum/thread'
import { FileItemPage, MacrosPage, SlaSettingsPage, TeamsPage, TokensPage } from '../../../views/queue/settings'
import { isAdmin } from '../../policy'
import { threadPath } from '../../../views/format'
import {
  addInternalNote,
  assignItem,
  changeItemState,
  convertThread,
  createApiToken,
  deleteMacro,
  deleteSlaPolicy,
  fileItem,
  fillMacro,
  formatWindows,
  getBoard,
  getFilingChoices,
  getItemPage,
  getMacro,
  getSlaSettings,
  getTeamsSettings,
  getApiTokensPage,
  listMacros,
  replyToItem,
  revokeApiToken,
  saveCalendar,
  saveMacro,
  saveSlaPolicy,
  saveTeam,
  setOnDuty,
  updateItemDetails,
  type BoardFilters,
  FIGURE_FILTER_KEYS,
} from '../../queue'
import { markDuplicate } from '../../forum'
import { escalateItem, getItemEngineering, sendLoopReplies } from '../../escalations'
import { parseId } from '../../validation'
import { chrome } from '../chrome'
import { readForm, readListField, submitForm, type FormFailure, type FormStatus } from '../forms'
import { isHtmx } from '../htmx'
import { idParam } from '../params'
import { keptStaffPage } from '../staff-pages'
import { renderThread } from '../thread-page'
import type { AppEnv } from '../types'
import { getItemCsat } from '../../csat'

export const queueRoutes = new Hono<AppEnv>()

// --- The board ----------------------------------------------------------------------

function boardFilters(c: Context<AppEnv>): BoardFilters {
  const priority = c.req.query('priority')
  return {
    team: c.req.query('team') || undefined,
    assignee: c.req.query('assignee') || undefined,
    state: c.req.query('state') || undefined,
    priority: priority && /^[0-4]$/.test(priority) ? Number(priority) : undefined,
    risk: ['breached', 'soon'].includes(c.req.query('risk') ?? '') ? c.req.query('risk') : undefined,
    after: c.req.query('after') || undefined,
    // The items behind a scoreboard figure (checked by the board's query: src/queue/board-filters.ts).
    ...Object.fromEntries(FIGURE_FILTER_KEYS.map((key) => [key, c.req.query(key) || undefined])),
  }
}

async function boardPage(c: Context<AppEnv>): Promise<Response> {
  const board = await getBoard(c.var.ctx, boardFilters(c))
  const status = Object.keys(board.filterErrors).length > 0 ? 422 : 200
  if (isHtmx(c)) return c.html(<BoardRegion chrome={chrome(c)} board={board} />, status)
  return c.html(<BoardPage chrome={chrome(c)} board={board} />, status)
}

// A board behind a scoreboard number reads tables the staff page stamp does not follow (the
// scoreboard's facts, rewritten by the minute rollup; threads marked duplicates): rendered each
// time, never kept. Such views are rare; the board everyone on shift refreshes stays kept.
queueRoutes.get('/', (c) =>
  FIGURE_FILTER_KEYS.some((key) => c.req.query(key)) ? boardPage(c) : keptStaffPage(c, 'see the support queue', () => boardPage(c)),
)

queueRoutes.post('/duty', async (c) => {
  const values = await readForm(c)
  await setOnDuty({ ctx: c.var.ctx, input: { userId: values.userId ?? '', onDuty: values.onDuty } })
  return c.redirect(values.userId ? '/queue/settings/teams' : '/queue', 303)
})

// --- Items ----------------------------------------------------------------------------

async function itemPage(c: Context<AppEnv>, itemId: number, change: Partial<ItemForms> = {}, status: FormStatus = 200, macroText?: string) {
  const page = await getItemPage(c.var.ctx, itemId)
  const [engineering, csat] = await Promise.all([getItemEngineering(c.var.ctx, page.item), getItemCsat(c.var.ctx, itemId)])
  return c.html(
    <ItemPageView chrome={chrome(c)} page={page} engineering={engineering} csat={csat} forms={{ ...emptyItemForms(page), ...change }} macroText={macroText} />,
    status,
  )
}

async function macroTextFor(c: Context<AppEnv>, itemId: number, macroId: number): Promise<string> {
  const [macro, page] = await Promise.all([getMacro(c.var.ctx, macroId), getItemPage(c.var.ctx, itemId)])
  const customer = page.customer
  return fillMacro(macro.body, {
    customerName: customer?.displayName ?? 'there',
    organisationName: customer?.organisation?.name ?? page.organisationOnly?.name ?? '',
    threadTitle: page.thread?.thread.title ?? page.item.title,
    threadUrl: page.thread ? `${c.var.deps.env.publicUrl}${threadPath(page.thread.thread)}` : '',
    agentName: c.var.actor?.displayName ?? '',
    itemId: page.item.id,
  })
}

async function fileItemPage(c: Context<AppEnv>, form: FormState, status: FormStatus = 200) {
  const choices = await getFilingChoices(c.var.ctx)
  return c.html(<FileItemPage chrome={chrome(c)} form={form} teams={choices.teams} organisations={choices.organisations} />, status)
}

queueRoutes.get('/items/new', (c) => fileItemPage(c, emptyForm({ source: 'email', kind: 'question', severity: 'normal' })))

queueRoutes.post('/items/new', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => fileItem({ ctx: c.var.ctx, input: values }),
    (item) => c.redirect(`/queue/items/${item.id}`, 303),
    (failure) => fileItemPage(c, failure.state, failure.status),
  )
})

queueRoutes.get('/items/:id', (c) =>
  keptStaffPage(c, 'see queue items', async () => {
    const itemId = idParam(c, 'id', 'That queue item')
    const macroId = parseId(c.req.query('macro'))
    const macroText = macroId ? await macroTextFor(c, itemId, macroId) : undefined
    return itemPage(c, itemId, {}, 200, macroText)
  }),
)

/** htmx: the reply box filled with a canned reply. */
queueRoutes.get('/items/:id/macro', async (c) => {
  const itemId = idParam(c, 'id', 'That queue item')
  const macroId = parseId(c.req.query('macro'))
  const body = macroId ? await macroTextFor(c, itemId, macroId) : ''
  return c.html(<ReplyBox form={{ values: { body }, errors: {} }} />)
})

const itemAction = (path: string, formName: keyof ItemForms, action: (c: Context<AppEnv>, itemId: number, values: Record<string, string>) => Promise<unknown>, anchor = '') =>
  queueRoutes.post(`/items/:id/${path}`, async (c) => {
    const itemId = idParam(c, 'id', 'That queue item')
    const values = await readForm(c)
    return submitForm(
      c,
      values,
      () => action(c, itemId, values),
      // The board's "Take" buttons come back to the board.
      () => c.redirect(values.back === 'board' ? '/queue' : `/queue/items/${itemId}${anchor}`, 303),
      (failure) => itemPage(c, itemId, { [formName]: failure.state } as Partial<ItemForms>, failure.status),
    )
  })

itemAction('state', 'state', (c, itemId, values) => changeItemState({ ctx: c.var.ctx, input: { ...values, itemId } }))
itemAction('assign', 'assign', (c, itemId, values) => assignItem({ ctx: c.var.ctx, input: { ...values, itemId } }))
itemAction('details', 'details', (c, itemId, values) => updateItemDetails({ ctx: c.var.ctx, input: { ...values, itemId } }))
itemAction('notes', 'note', (c, itemId, values) => addInternalNote({ ctx: c.var.ctx, input: { body: values.body, itemId: String(itemId) } }), '#notes-heading')
itemAction('reply', 'reply', (c, itemId, values) => replyToItem({ ctx: c.var.ctx, input: { ...values, itemId } }), '#conversation-heading')
itemAction('escalate', 'escalate', (c, itemId, values) => escalateItem({ ctx: c.var.ctx, input: { ...values, itemId } }), '#engineering')
itemAction(
  'loop',
  'loop',
  async (c, itemId, values) => {
    const draftIds = await readListField(c, 'draftIds')
    // Drafts sent without their text field go out as drafted.
    const drafts = draftIds.filter((id) => values[`body-${id}`] !== undefined).map((id) => ({ id, body: values[`body-${id}`]! }))
    return sendLoopReplies({ ctx: c.var.ctx, input: { itemId, drafts, publishTrackerLink: values.publishTrackerLink } })
  },
  '#engineering',
)

// --- From a thread page (staff tools) ---------------------------------------------------

/**
 * A refused staff tool re-renders the thread page with the input and the message by its field.
 * The staff tools are not on the page for someone signed out or not staff: they get the sign-in
 * redirect or the refusal page, as before.
 */
const threadToolRefused = (c: Context<AppEnv>, threadId: number, form: keyof StaffForms) => (failure: FormFailure) => {
  if ((failure.status === 401 || failure.status === 403) && failure.cause) throw failure.cause
  return renderThread(c, threadId, { staffForms: { [form]: failure.state }, status: failure.status })
}

queueRoutes.post('/threads/:id/convert', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => convertThread({ ctx: c.var.ctx, input: { threadId, kind: values.kind ?? 'question', severity: values.severity ?? 'normal', note: values.note ?? '' } }),
    (item) => c.redirect(`/queue/items/${item.id}`, 303),
    threadToolRefused(c, threadId, 'convert'),
  )
})

queueRoutes.post('/threads/:id/notes', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => addInternalNote({ ctx: c.var.ctx, input: { threadId: String(threadId), body: values.body } }),
    () => c.redirect(`/t/${threadId}#staff-notes`, 303),
    threadToolRefused(c, threadId, 'note'),
  )
})

queueRoutes.post('/threads/:id/duplicate', async (c) => {
  const threadId = idParam(c, 'id', 'That thread')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => markDuplicate({ ctx: c.var.ctx, input: { threadId, duplicateOfId: values.duplicateOfId ?? '' } }),
    () => c.redirect(`/t/${threadId}`, 303),
    threadToolRefused(c, threadId, 'duplicate'),
  )
})

// --- Canned replies ------------------------------------------------------------------------

async function macrosPage(c: Context<AppEnv>, form: FormState | null, status: FormStatus = 200) {
  const [macros, choices] = await Promise.all([listMacros(c.var.ctx), getFilingChoices(c.var.ctx)])
  const editId = parseId(c.req.query('edit'))
  const editing = editId ? (macros.find((macro) => macro.id === editId) ?? null) : null
  const state = form ?? emptyForm(editing ? { title: editing.title, body: editing.body, teamSlug: editing.teamSlug ?? '' } : {})
  return c.html(<MacrosPage chrome={chrome(c)} macros={macros} form={state} teams={choices.teams} editing={editing} />, status)
}

queueRoutes.get('/macros', (c) => macrosPage(c, null))

queueRoutes.post('/macros', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => saveMacro({ ctx: c.var.ctx, input: values }),
    () => c.redirect('/queue/macros', 303),
    (failure) => macrosPage(c, failure.state, failure.status),
  )
})

queueRoutes.post('/macros/:id/delete', async (c) => {
  await deleteMacro({ ctx: c.var.ctx, input: { macroId: c.req.param('id') } })
  return c.redirect('/queue/macros', 303)
})

// --- SLA policies and calendars -------------------------------------------------------------

async function slaPage(c: Context<AppEnv>, forms: { policy?: FormState; calendar?: FormState }, status: FormStatus = 200) {
  const { policies, calendars } = await getSlaSettings(c.var.ctx)
  const policyId = parseId(c.req.query('policy'))
  const calendarId = parseId(c.req.query('calendar'))
  const policy = policies.find((row) => row.id === policyId)
  const calendar = calendars.find((row) => row.id === calendarId)
  const policyForm =
    forms.policy ??
    emptyForm(
      policy
        ? {
            policyId: String(policy.id),
            name: policy.name,
            position: String(policy.position),
            matchPlan: policy.matchPlan ?? '',
            matchSeverity: policy.matchSeverity ?? '',
            matchKind: policy.matchKind ?? '',
            firstResponseMinutes: String(policy.firstResponseMinutes),
            nextResponseMinutes: String(policy.nextResponseMinutes),
            resolutionMinutes: String(policy.resolutionMinutes),
            calendarId: policy.calendarId ? String(policy.calendarId) : '',
          }
        : { position: String(policies.length + 1) },
    )
  const calendarForm =
    forms.calendar ??
    emptyForm(
      calendar
        ? { calendarId: String(calendar.id), name: calendar.name, timezone: calendar.timezone, windows: formatWindows(calendar.windows), holidays: calendar.holidays.join('\n') }
        : { timezone: 'Europe/Berlin', windows: 'Mon-Fri 09:00-17:00' },
    )
  return c.html(
    <SlaSettingsPage chrome={chrome(c)} policies={policies} calendars={calendars} policyForm={policyForm} calendarForm={calendarForm} canEdit={isAdmin(c.var.actor)} />,
    status,
  )
}

queueRoutes.get('/settings/sla', (c) => slaPage(c, {}))

queueRoutes.post('/settings/sla/policies', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => saveSlaPolicy({ ctx: c.var.ctx, input: values }),
    () => c.redirect('/queue/settings/sla', 303),
    (failure) => slaPage(c, { policy: failure.state }, failure.status),
  )
})

queueRoutes.post('/settings/sla/policies/:id/delete', async (c) => {
  await deleteSlaPolicy({ ctx: c.var.ctx, input: { policyId: c.req.param('id') } })
  return c.redirect('/queue/settings/sla', 303)
})

queueRoutes.post('/settings/sla/calendars', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => saveCalendar({ ctx: c.var.ctx, input: values }),
    () => c.redirect('/queue/settings/sla', 303),
    (failure) => slaPage(c, { calendar: failure.state }, failure.status),
  )
})

// --- Teams ---------------------------------------------------------------------------------------

async function teamsPage(c: Context<AppEnv>, form: FormState | null, memberIds: string[] | null, status: FormStatus = 200) {
  const settings = await getTeamsSettings(c.var.ctx)
  const slug = c.req.query('team')
  const team = settings.teams.find((row) => row.slug === slug)
  const state = form ?? emptyForm(
      team
        ? { slug: team.slug, name: team.name, leadId: team.leadId ? String(team.leadId) : '', chatWebhookUrl: team.chatWebhookUrl ?? '', chatAllowPrivateNetwork: team.chatAllowPrivateNetwork ? '1' : '0' }
        : slug ? { slug, name: slug } : {})
  const members = memberIds ?? settings.members.filter((member) => member.teamSlug === slug).map((member) => String(member.userId))
  return c.html(<TeamsPage chrome={chrome(c)} {...settings} form={state} memberIds={members} canEdit={isAdmin(c.var.actor)} />, status)
}

queueRoutes.get('/settings/teams', (c) => teamsPage(c, null, null))

queueRoutes.post('/settings/teams', async (c) => {
  const values = await readForm(c)
  const memberIds = await readListField(c, 'memberIds')
  return submitForm(
    c,
    values,
    () => saveTeam({ ctx: c.var.ctx, input: { ...values, memberIds } }),
    () => c.redirect('/queue/settings/teams', 303),
    (failure) => teamsPage(c, failure.state, memberIds, failure.status),
  )
})

// --- API tokens and notifications ---------------------------------------------------------------

async function queueTokensPage(c: Context<AppEnv>, state: { form?: FormState; chosen?: string[]; created?: string } = {}, status: 200 | 201 | FormStatus = 200) {
  const page = await getApiTokensPage(c.var.ctx, { everyone: true })
  return c.html(
    <TokensPage chrome={chrome(c)} place="queue" tokens={page.tokens} scopes={page.scopes} form={state.form ?? emptyForm()} chosen={state.chosen} created={state.created ?? null} />,
    status,
  )
}

queueRoutes.get('/tokens', (c) => queueTokensPage(c))

queueRoutes.post('/tokens', async (c) => {
  const values = await readForm(c)
  const scopes = await readListField(c, 'scopes')
  return submitForm(
    c,
    values,
    // The queue's page is staff's (members make theirs at /account/tokens): refused before anything is created.
    async () => (await getApiTokensPage(c.var.ctx, { everyone: true }), createApiToken({ ctx: c.var.ctx, input: { ...values, scopes } })),
    (created) => queueTokensPage(c, { created: created.token }, 201),
    (failure) => queueTokensPage(c, { form: failure.state, chosen: scopes }, failure.status),
  )
})

queueRoutes.post('/tokens/:id/revoke', async (c) => {
  await revokeApiToken({ ctx: c.var.ctx, input: { tokenId: c.req.param('id') } })
  return c.redirect('/queue/tokens', 303)
})

// Notifications moved to /notifications (customers have them too); old links still work.
queueRoutes.get('/notifications', (c) => c.redirect('/notifications', 301))

