import type { Db } from '../db/client'
import type { MailSettings } from '../mail'
import { recurringHandler, scheduleRecurring, SCOREBOARD_ROLLUP, SCOREBOARD_WEEKLY, type OutboxHandlers } from '../outbox'
import { runScoreboardRollup } from './rollup'
import { nextWeeklyRun, sendWeeklyScoreboard } from './send-weekly-summary'

export const ROLLUP_EVERY_MS = 60_000

/** Makes sure the rollup and the weekly summary are scheduled (idempotent: one row each, keyed); due now, to catch up. */
export async function scheduleScoreboardJobs(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, SCOREBOARD_ROLLUP, now)
  await scheduleRecurring(db, SCOREBOARD_WEEKLY, now)
}

export function scoreboardHandlers(settings: MailSettings): OutboxHandlers {
  return {
    [SCOREBOARD_ROLLUP]: recurringHandler(SCOREBOARD_ROLLUP, ROLLUP_EVERY_MS, async ({ db, now, logger }) => {
      // Not one transaction: a first run over a large database rebuilds every item (minutes at 100k),
      // batch by batch; each batch's upsert stands alone and a rerun recomputes the same rows.
      const result = await runScoreboardRollup(db, now)
      if (result.full || result.items > 0) logger.debug(result, 'scoreboard rollup')
    }),
    [SCOREBOARD_WEEKLY]: recurringHandler(SCOREBOARD_WEEKLY, nextWeeklyRun, async ({ db, now, logger }) => {
      const sent = await sendWeeklyScoreboard(db, settings, now)
      if (sent) logger.info({ sent }, 'weekly scoreboard summaries queued')
    }),
  }
}
