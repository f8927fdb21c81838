import { sql } from 'drizzle-orm'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { recurringHandler, ROTATION_TICK, scheduleRecurring, type OutboxHandlers } from '../outbox'
import { replanRotation } from './replan'
import { ROTATION_CONFIG } from './rotation-config'

// The rotation's clock, run every few minutes from the outbox: it keeps every rotation planned a
// quarter ahead. (What happens to escalations as time passes is the escalations domain's tick.)

export interface RotationTickSummary {
  shiftsPlanned: number
}

export async function runRotationTick(db: Db, now: Date): Promise<RotationTickSummary> {
  const shiftsPlanned = await db.transaction((tx) => extendPlanning(tx as unknown as Db, now))
  return { shiftsPlanned }
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
      where coalesce((select max(s.ends_at) from rotation_shifts s where s.rotation_id = r.id), '-infinity'::timestamptz)
        < ${now.toISOString()}::timestamptz + make_interval(days => ${ROTATION_CONFIG.planAheadDays - 7})`,
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
