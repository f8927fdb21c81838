import { Hono, type Context } from 'hono'
import { emptyForm, type FormState } from '../../../views/components'
import { NewRotationPage } from '../../../views/rotation/edit'
import { rotationCalendar } from '../../../views/rotation/ical'
import { RotationsPage, type RotationForms } from '../../../views/rotation/overview'
import { RotationPageView } from '../../../views/rotation/rotation'
import { NotFoundError } from '../../errors'
import {
  addOverride,
  addUnavailability,
  answerSwap,
  cancelSwap,
  getPersonFeed,
  getRotationChoices,
  getRotationFeed,
  getRotationPage,
  getRotationsOverview,
  issueFeedToken,
  removeOverride,
  removeUnavailability,
  replanNow,
  requestSwap,
  ROTATION_CONFIG,
  saveRotation,
  skipShift,
  swapShifts,
  type FeedData,
} from '../../rotation'
import { chrome } from '../chrome'
import { readForm, readListField, submitForm, type FormFailure, type FormStatus } from '../forms'
import { idParam } from '../params'
import { keptStaffPage } from '../staff-pages'
import type { AppEnv } from '../types'

export const rotationRoutes = new Hono<AppEnv>()

// --- /rotations: every team's rotation, and my shifts, swaps and time away --------------------

async function overviewPage(c: Context<AppEnv>, forms: RotationForms = {}, status: FormStatus | 201 = 200, createdFeed: string | null = null) {
  const overview = await getRotationsOverview(c.var.ctx)
  return c.html(<RotationsPage chrome={chrome(c)} overview={overview} forms={forms} createdFeed={createdFeed} />, status)
}

/** A form on the overview: done goes back to its section, a refusal re-renders with the message by that form. */
const overviewAction = (path: string, key: (c: Context<AppEnv>) => string, anchor: string, action: (c: Context<AppEnv>, values: Record<string, string>) => Promise<unknown>) =>
  rotationRoutes.post(path, async (c) => {
    const values = await readForm(c)
    return submitForm(
      c,
      values,
      () => action(c, values),
      () => c.redirect(`/rotations${anchor}`, 303),
      (failure) => overviewPage(c, { [key(c)]: failure.state }, failure.status),
    )
  })

rotationRoutes.get('/', (c) => keptStaffPage(c, 'see rotations', () => overviewPage(c)))

overviewAction(
  '/swaps/:id',
  (c) => `answer-${c.req.param('id')}`,
  '#my-shifts',
  (c, values) => answerSwap({ ctx: c.var.ctx, input: { swapId: idParam(c, 'id', 'That swap request'), accept: values.accept } }),
)
overviewAction(
  '/swaps/:id/cancel',
  (c) => `answer-${c.req.param('id')}`,
  '#my-shifts',
  (c) => cancelSwap({ ctx: c.var.ctx, input: { swapId: idParam(c, 'id', 'That swap request') } }),
)
overviewAction(
  '/shifts/:id/skip',
  (c) => `skip-${c.req.param('id')}`,
  '#my-shifts',
  (c, values) => skipShift({ ctx: c.var.ctx, input: { shiftId: idParam(c, 'id', 'That shift'), reason: values.reason } }),
)
overviewAction(
  '/shifts/:id/swap',
  (c) => `swap-${c.req.param('id')}`,
  '#my-shifts',
  (c, values) => requestSwap({ ctx: c.var.ctx, input: { shiftId: idParam(c, 'id', 'That shift'), otherShiftId: values.otherShiftId } }),
)
overviewAction('/away', () => 'away', '#away', (c, values) => addUnavailability({ ctx: c.var.ctx, input: values }))
overviewAction(
  '/away/:id/delete',
  () => 'away',
  '#away',
  (c) => removeUnavailability({ ctx: c.var.ctx, input: { id: idParam(c, 'id', 'That time away') } }),
)

rotationRoutes.post('/feed', async (c) => {
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => issueFeedToken({ ctx: c.var.ctx, input: {} }),
    ({ token }) => overviewPage(c, {}, 201, token),
    (failure) => overviewPage(c, { feed: failure.state }, failure.status),
  )
})

// --- Setting up a rotation ------------------------------------------------------------------------

const NEW_ROTATION_DEFAULTS = {
  shiftDays: '7',
  handoff: '09:00',
  timezone: 'Europe/Berlin',
  workingDaysOnly: '0',
  responseLow: String(ROTATION_CONFIG.defaultResponseHours.low),
  responseNormal: String(ROTATION_CONFIG.defaultResponseHours.normal),
  responseHigh: String(ROTATION_CONFIG.defaultResponseHours.high),
  responseCritical: String(ROTATION_CONFIG.defaultResponseHours.critical),
  confirmWaitDays: String(ROTATION_CONFIG.autoResolveFixedAfterDays),
}

async function newRotationPage(c: Context<AppEnv>, form: FormState, memberIds: string[], status: FormStatus = 200) {
  const choices = await getRotationChoices(c.var.ctx)
  return c.html(<NewRotationPage chrome={chrome(c)} form={form} memberIds={memberIds} teams={choices.teams} staff={choices.staff} />, status)
}

/** The ordered engineers of the rotation form: its column of selects, blanks left out. */
async function readMemberIds(c: Context<AppEnv>): Promise<string[]> {
  return (await readListField(c, 'memberIds')).filter((value) => value.trim() !== '')
}

rotationRoutes.get('/new', (c) => newRotationPage(c, emptyForm({ ...NEW_ROTATION_DEFAULTS, teamSlug: c.req.query('team') ?? '' }), []))

rotationRoutes.post('/new', async (c) => {
  const values = await readForm(c)
  const memberIds = await readMemberIds(c)
  return submitForm(
    c,
    values,
    () => saveRotation({ ctx: c.var.ctx, input: { ...values, rotationId: '', memberIds } }),
    (rotation) => c.redirect(`/rotations/${rotation.id}`, 303),
    (failure) => newRotationPage(c, failure.state, memberIds, failure.status),
  )
})

// --- One rotation ---------------------------------------------------------------------------------

async function rotationPage(
  c: Context<AppEnv>,
  rotationId: number,
  options: { forms?: RotationForms; edit?: { form: FormState; memberIds: string[] }; status?: FormStatus | 201; createdFeed?: string } = {},
) {
  const page = await getRotationPage(c.var.ctx, rotationId)
  return c.html(
    <RotationPageView chrome={chrome(c)} page={page} forms={options.forms ?? {}} edit={options.edit ?? null} createdFeed={options.createdFeed ?? null} />,
    options.status ?? 200,
  )
}

rotationRoutes.get('/:id', (c) => keptStaffPage(c, 'see rotations', () => rotationPage(c, idParam(c, 'id', 'That rotation'))))

rotationRoutes.post('/:id', async (c) => {
  const rotationId = idParam(c, 'id', 'That rotation')
  const values = await readForm(c)
  const memberIds = await readMemberIds(c)
  return submitForm(
    c,
    values,
    () => saveRotation({ ctx: c.var.ctx, input: { ...values, rotationId, memberIds } }),
    () => c.redirect(`/rotations/${rotationId}`, 303),
    (failure) => rotationPage(c, rotationId, { edit: { form: { ...failure.state, values: { ...failure.state.values, rotationId: String(rotationId) } }, memberIds }, status: failure.status }),
  )
})

/** A form on a rotation's page: done reloads the page at its section, a refusal re-renders it with the message. */
const rotationAction = (path: string, key: string, anchor: string, action: (c: Context<AppEnv>, rotationId: number, values: Record<string, string>) => Promise<unknown>) =>
  rotationRoutes.post(`/:id${path}`, async (c) => {
    const rotationId = idParam(c, 'id', 'That rotation')
    const values = await readForm(c)
    // The re-plan button also sits by a conflict on the overview, and goes back there.
    const back = values.back === 'overview' ? '/rotations#away' : `/rotations/${rotationId}${anchor}`
    return submitForm(
      c,
      values,
      () => action(c, rotationId, values),
      () => c.redirect(back, 303),
      (failure: FormFailure) =>
        values.back === 'overview' ? overviewPage(c, { [`${key}-${rotationId}`]: failure.state }, failure.status) : rotationPage(c, rotationId, { forms: { [key]: failure.state }, status: failure.status }),
    )
  })

rotationAction('/replan', 'replan', '#calendar-heading', (c, rotationId) => replanNow({ ctx: c.var.ctx, input: { rotationId } }))
rotationAction('/overrides', 'override', '#overrides', (c, rotationId, values) => addOverride({ ctx: c.var.ctx, input: { ...values, rotationId } }))
rotationAction('/swap', 'swap', '#shifts-heading', (c, _rotationId, values) => swapShifts({ ctx: c.var.ctx, input: values }))

rotationRoutes.post('/:id/overrides/:overrideId/delete', async (c) => {
  const rotationId = idParam(c, 'id', 'That rotation')
  await removeOverride({ ctx: c.var.ctx, input: { id: idParam(c, 'overrideId', 'That override') } })
  return c.redirect(`/rotations/${rotationId}#overrides`, 303)
})

rotationRoutes.post('/:id/feed', async (c) => {
  const rotationId = idParam(c, 'id', 'That rotation')
  const values = await readForm(c)
  return submitForm(
    c,
    values,
    () => issueFeedToken({ ctx: c.var.ctx, input: { rotationId } }),
    ({ token }) => rotationPage(c, rotationId, { status: 201, createdFeed: token }),
    (failure) => rotationPage(c, rotationId, { forms: { feed: failure.state }, status: failure.status }),
  )
})

// --- iCalendar feeds: the token in the address is the only credential -------------------------

export const icalRoutes = new Hono<AppEnv>()

function calendarResponse(c: Context<AppEnv>, feed: FeedData): Response {
  const body = rotationCalendar(feed, { publicUrl: c.var.deps.env.publicUrl, siteName: c.var.deps.env.siteName })
  return c.body(body, 200, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': 'inline; filename="rotation.ics"',
    // The address is a secret: keep it out of shared caches and search engines.
    'Cache-Control': 'private, max-age=300',
    'X-Robots-Tag': 'noindex',
  })
}

/** "<token>.ics" from the last path segment; anything else is not a feed. */
function feedToken(c: Context<AppEnv>): string {
  const file = c.req.param('file') ?? ''
  if (!file.endsWith('.ics')) throw new NotFoundError('That calendar')
  return file.slice(0, -'.ics'.length)
}

icalRoutes.get('/rotations/:file', async (c) => calendarResponse(c, await getRotationFeed(c.var.ctx, feedToken(c))))
icalRoutes.get('/people/:file', async (c) => calendarResponse(c, await getPersonFeed(c.var.ctx, feedToken(c))))
