import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { notifyStaff } from '../notify'
import { recurringHandler, ROTATION_TICK, scheduleRecurring, type OutboxHandlers } from '../outbox'
import { replanRotation } from './replan'
import { ROTATION_CONFIG } from './rotation-config'
import { shiftWhen } from './shift-helpers'
import { emitShiftsStarted, shiftStartedUnsent } from '../webhooks'

// The rotation's clock, run every few minutes from the outbox: it keeps every rotation planned a
// quarter ahead. (What happens to escalations as time passes is the escalations domain's tick.)

export interface RotationTickSummary {
  shiftsPlanned: number
  shiftsAnnounced: number
  /** Shifts that began within the last hour, sent as rotation.shift_started webhooks (once each). */
  shiftsStarted: number
}

/**
 * Which steps have work, in one read: most runs none has, and each step is its own transaction
 * (begin, read, commit), so a quiet run was nine or more round trips and is now one. Each flag asks
 * its step's own condition; the announcement's also skips shifts whose engineer already has the
 * notice (its event key), which notifyStaff would have left alone.
 */
async function dueSteps(db: Db, now: Date): Promise<{ planning: boolean; announcements: boolean; started: boolean }> {
  const [row] = await queryRows<{ planning: boolean; announcements: boolean; started: boolean }>(
    db,
    sql`
      select exists (select 1 from rotations r where ${planShort(now)}) as planning,
        exists (select 1 from ${SHIFTS} where ${startingSoon(now)}
          and not exists (select 1 from notifications n where n.user_id = s.user_id
            and n.event_key = 'shift_starting:' || s.rotation_id || ':' || to_char(s.starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) as announcements,
        exists (select 1 from rotation_shifts s where ${shiftStartedUnsent(now)}) as started`,
  )
  return row ?? { planning: true, announcements: true, started: true }
}

export async function runRotationTick(db: Db, now: Date): Promise<RotationTickSummary> {
  const due = await dueSteps(db, now)
  const shiftsPlanned = due.planning ? await db.transaction((tx) => extendPlanning(tx as unknown as Db, now)) : 0
  // Shifts just planned may start within a day, or have started: the later steps look at them too.
  const shiftsAnnounced = due.announcements || shiftsPlanned > 0 ? await db.transaction((tx) => announceShiftsStarting(tx as unknown as Db, now)) : 0
  const shiftsStarted = due.started || shiftsPlanned > 0 ? await db.transaction((tx) => emitShiftsStarted(tx as unknown as Db, now)) : 0
  return { shiftsPlanned, shiftsAnnounced, shiftsStarted }
}

const ANNOUNCE_AHEAD_MS = 24 * 3_600_000

// Each step's condition, shared with the probe above.
const SHIFTS = sql`rotation_shifts s join rotations r on r.id = s.rotation_id`
const startingSoon = (now: Date) => sql`
  s.user_id is not null
  and s.starts_at > ${now.toISOString()}::timestamptz
  and s.starts_at <= ${new Date(now.getTime() + ANNOUNCE_AHEAD_MS).toISOString()}::timestamptz`
const planShort = (now: Date) => sql`
  coalesce((select max(s.ends_at) from rotation_shifts s where s.rotation_id = r.id), '-infinity'::timestamptz)
    < ${now.toISOString()}::timestamptz + make_interval(days => ${ROTATION_CONFIG.planAheadDays - 7})`

/**
 * Each engineer hears the day before a shift of theirs starts: once per person, rotation and
 * start (the notice's event key), so a tick every few minutes, a replan that keeps the shift, or a
 * tick run twice tells nobody twice; whoever takes the shift over by a swap hears of it too.
 */
export async function announceShiftsStarting(db: Db, now: Date): Promise<number> {
  const soon = await queryRows<{ id: number; rotation_id: number; user_id: number; starts_at: string; ends_at: string; name: string; timezone: string }>(
    db,
    sql`
      select s.id, s.rotation_id, s.user_id, s.starts_at::text, s.ends_at::text, r.name, r.timezone
      from ${SHIFTS}
      where ${startingSoon(now)}
      order by s.starts_at`,
  )
  let announced = 0
  for (const shift of soon) {
    const span = { startsAt: new Date(shift.starts_at), endsAt: new Date(shift.ends_at) }
    announced += await notifyStaff(db, [shift.user_id], 'shift_starting', null, `Your ${shift.name} shift starts within a day: ${shiftWhen(span, shift.timezone)}.`, now, {
      eventKey: `shift_starting:${shift.rotation_id}:${span.startsAt.toISOString()}`,
    })
  }
  return announced
}

/**
 * Keeps every rotation planned a quarter ahead as time passes: once the plan reaches less than
 * the horizon minus a week, shifts are added after the last one (planned ones stay as they are).
 */
export async function extendPlanning(db: Db, now: Date): Promise<number> {
  const short = await queryRows<{ id: number }>(
    db,
    sql`
      select r.id from rotations r
      where ${planShort(now)}`,
  )
  let planned = 0
  for (const rotation of short) planned += await replanRotation(db, rotation.id, now, { extendOnly: true })
  return planned
}

export const ROTATION_TICK_EVERY_MS = 5 * 60_000

/** Makes sure the recurring rotation tick is scheduled (idempotent: one row, keyed). */
export async function scheduleRotationTick(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, ROTATION_TICK, now)
}

export function rotationHandlers(): OutboxHandlers {
  return {
    [ROTATION_TICK]: recurringHandler(ROTATION_TICK, ROTATION_TICK_EVERY_MS, async ({ db, now, logger }) => {
      const summary = await runRotationTick(db, now)
      if (Object.values(summary).some(Boolean)) logger.info(summary, 'rotation tick')
    }),
  }
}
