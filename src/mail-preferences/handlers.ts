import type { Db } from '../db/client'
import type { MailSettings } from '../mail'
import { MAIL_DIGESTS, recurringHandler, scheduleRecurring, type OutboxHandlers } from '../outbox'
import { nextDigestRun } from './digest-periods'
import { sendDigests } from './send-digests'
import { sendStaffSummaries } from './send-staff-summaries'

/** Makes sure the daily digest run is scheduled (idempotent: one row, keyed); due now, to catch up. */
export async function scheduleMailDigests(db: Db, now: Date): Promise<void> {
  await scheduleRecurring(db, MAIL_DIGESTS, now)
}

/** Digests and staff summaries due at `now` (what the daily run does; tests call it directly). */
export async function runMailDigests(db: Db, settings: MailSettings, now: Date): Promise<{ digests: number; summaries: number }> {
  return { digests: await sendDigests(db, settings, now), summaries: await sendStaffSummaries(db, settings, now) }
}

export function mailDigestHandlers(settings: MailSettings): OutboxHandlers {
  return {
    [MAIL_DIGESTS]: recurringHandler(MAIL_DIGESTS, nextDigestRun, async ({ db, now, logger }) => {
      const sent = await runMailDigests(db, settings, now)
      if (sent.digests || sent.summaries) logger.info(sent, 'digests and staff summaries queued')
    }),
  }
}
