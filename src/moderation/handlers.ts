import type { Db } from '../db/client'
import { MODERATION_SANCTION_ENDED, REVIEW_STAFF_NOTICE, type OutboxHandlers, type SanctionEndedPayload } from '../outbox'
import { announceSanctionExpiry } from './announce-sanction-end'
import { announceWaitingReviews } from './announce-waiting-reviews'

export function moderationHandlers(): OutboxHandlers {
  return {
    [REVIEW_STAFF_NOTICE]: async (_payload, { db, now }) => {
      await db.transaction((tx) => announceWaitingReviews(tx as unknown as Db, now))
    },
    [MODERATION_SANCTION_ENDED]: async (payload, { db, now }) => {
      const { sanctionId } = payload as SanctionEndedPayload
      await db.transaction((tx) => announceSanctionExpiry(tx as unknown as Db, sanctionId, now))
    },
  }
}
