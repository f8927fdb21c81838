import { z } from 'zod'
import { flag, id, optionalId, optionalText, text } from '../validation'

const hours = (label: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value),
    z.number({ error: `${label} must be a number of hours.` }).positive({ error: `${label} must be more than 0 hours.` }).max(24 * 30, { error: `${label} must be at most 720 hours.` }),
  )

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/

export const RotationInput = z.object({
  rotationId: optionalId('rotation'),
  teamSlug: text('Team', { min: 1, max: 40, singleLine: true }),
  name: text('Name', { min: 2, max: 80, singleLine: true }),
  shiftDays: z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : value),
    z
      .number({ error: 'Shift length must be a whole number of days.' })
      .int({ error: 'Shift length must be a whole number of days.' })
      .min(1, { error: 'Shift length must be at least 1 day.' })
      .max(28, { error: 'Shift length must be at most 28 days.' }),
  ),
  handoff: z
    .string({ error: 'Handoff time is required, like 09:00.' })
    .trim()
    .regex(TIME, { error: 'Handoff time must look like 09:00.' })
    .transform((value) => {
      const [h, m] = value.split(':').map(Number)
      return h! * 60 + m!
    }),
  timezone: text('Timezone', { min: 1, max: 60, singleLine: true }),
  workingDaysOnly: flag,
  memberIds: z.array(id('engineer')).min(1, { error: 'A rotation needs at least one engineer.' }).max(100),
  responseLow: hours('Low'),
  responseNormal: hours('Normal'),
  responseHigh: hours('High'),
  responseCritical: hours('Critical'),
  confirmWaitDays: z.preprocess(
    (value) => (value === undefined || value === '' ? 7 : typeof value === 'string' && /^-?\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : value),
    z
      .number({ error: 'Days to wait for the customer must be a whole number.' })
      .int({ error: 'Days to wait for the customer must be a whole number.' })
      .min(1, { error: 'Wait at least 1 day for the customer to confirm a fix.' })
      .max(90, { error: 'Wait at most 90 days for the customer to confirm a fix.' }),
  ),
})

const localDate = (label: string) =>
  z
    .string({ error: `${label} is required, like 2026-12-24.` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} must be a date like 2026-12-24.` })
    .refine((value) => !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
      error: `${label} is not a real date.`,
    })

export const UnavailabilityInput = z
  .object({
    userId: optionalId('person'),
    startsOn: localDate('First day'),
    endsOn: localDate('Last day'),
    reason: optionalText('Reason', { max: 200, singleLine: true }),
  })
  .refine((value) => value.endsOn >= value.startsOn, { error: 'The last day cannot come before the first day.', path: ['endsOn'] })

const instant = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .transform((value, ctx) => {
      // <input type="datetime-local"> sends "2026-03-02T09:00" (the rotation's local time is applied by the verb).
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: `${label} must be a date and time like 2026-03-02T09:00.` })
        return z.NEVER
      }
      return value
    })

export const OverrideInput = z
  .object({
    rotationId: id('rotation'),
    userId: id('engineer'),
    startsAt: instant('Start'),
    endsAt: instant('End'),
    reason: optionalText('Reason', { max: 200, singleLine: true }),
  })
  .refine((value) => value.endsAt > value.startsAt, { error: 'The end must come after the start.', path: ['endsAt'] })

export const SkipInput = z.object({ shiftId: id('shift'), reason: optionalText('Reason', { max: 200, singleLine: true }) })

export const SwapRequestInput = z.object({ shiftId: id('shift'), otherShiftId: id('shift') })
export const SwapAnswerInput = z.object({ swapId: id('swap'), accept: flag })
export const SwapCancelInput = z.object({ swapId: id('swap') })
export const RemoveUnavailabilityInput = z.object({ id: id('time away') })
export const RemoveOverrideInput = z.object({ id: id('override') })
export const RotationRefInput = z.object({ rotationId: id('rotation') })

export const FeedTokenInput = z.object({ rotationId: optionalId('rotation') })

