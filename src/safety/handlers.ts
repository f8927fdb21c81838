import type { Db } from '../db/client'
import { recurringHandler, scheduleRecurring, type OutboxHandlers } from '../outbox'
import { sweepRateLimits } from '../rate-limits'
import { recomputeTrustLevels } from './trust-levels'

/** Hourly upkeep: levels earned with time alone, regulars who stopped keeping it up, and spent rate-limit windows. */
export const SAFETY_MAINTAIN = 'safety.maintain'
export const SAFETY_MAINTAIN_EVERY_MS = 60 * 60 * 1000

export async function scheduleSafetyMaintenance(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, SAFETY_MAINTAIN, now)
}

export function safetyHandlers(): OutboxHandlers {
  return {
    [SAFETY_MAINTAIN]: recurringHandler(SAFETY_MAINTAIN, SAFETY_MAINTAIN_EVERY_MS, async ({ db, now, logger }) => {
      const trust = await db.transaction((tx) => recomputeTrustLevels(tx as unknown as Db, now))
      const swept = await sweepRateLimits(db, now)
      if (trust.changed > 0 || swept > 0) logger.info({ trustLevelsChanged: trust.changed, rateLimitWindowsSwept: swept }, 'safety upkeep')
    }),
  }
}
