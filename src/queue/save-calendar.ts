import { and, eq, ne } from 'drizzle-orm'
import { requireAdmin } from '../policy'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { businessCalendars } from '../db/schema'
import { ConflictError, NotFoundError, ValidationError } from '../errors'
import { parseInput } from '../validation'
import { calendarProblems } from './business-hours'
import { parseHolidays, parseWindows } from './calendar-text'
import { CalendarInput } from './schemas'

/** Creates or edits a business-hours calendar; overlapping windows and unknown timezones are refused. */
export async function saveCalendar({ ctx, input }: VerbArgs) {
  requireAdmin(ctx, 'manage business hours')
  const data = parseInput(CalendarInput, input)
  const { windows, problems } = parseWindows(data.windows)
  if (problems.length > 0) throw new ValidationError({ windows: problems.join(' ') })
  const holidays = parseHolidays(data.holidays)
  const calendar = { timezone: data.timezone, windows, holidays }
  const invalid = calendarProblems(calendar)
  if (invalid.length > 0) {
    const fields: Record<string, string> = {}
    const timezone = invalid.filter((problem) => problem.includes('timezone'))
    const dates = invalid.filter((problem) => problem.includes('is not a date'))
    const rest = invalid.filter((problem) => !timezone.includes(problem) && !dates.includes(problem))
    if (timezone.length) fields.timezone = timezone.join(' ')
    if (dates.length) fields.holidays = dates.join(' ')
    if (rest.length) fields.windows = rest.join(' ')
    throw new ValidationError(fields)
  }
  return inTransaction(ctx, async ({ db }) => {
    const [clash] = await db
      .select({ id: businessCalendars.id })
      .from(businessCalendars)
      .where(and(eq(businessCalendars.name, data.name), data.calendarId ? ne(businessCalendars.id, data.calendarId) : undefined))
    if (clash) throw new ConflictError('Another calendar already has this name.', 'name')
    if (data.calendarId) {
      const [updated] = await db
        .update(businessCalendars)
        .set({ name: data.name, ...calendar })
        .where(eq(businessCalendars.id, data.calendarId))
        .returning()
      if (!updated) throw new NotFoundError('That calendar')
      await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'calendar.updated', subjectType: 'calendar', subjectId: updated.id, subjectLabel: updated.name, details: calendar } })
      return updated
    }
    const [created] = await db.insert(businessCalendars).values({ name: data.name, ...calendar, createdAt: ctx.now() }).returning()
    await recordStaffAction({ ctx: { ...ctx, db }, input: { action: 'calendar.created', subjectType: 'calendar', subjectId: created!.id, subjectLabel: created!.name, details: calendar } })
    return created!
  })
}
