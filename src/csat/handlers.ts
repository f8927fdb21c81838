import type { Db } from '../db/client'
import { CSAT_ASK, type CsatAskPayload, type OutboxHandlers } from '../outbox'
import { askForRating } from './ask-for-rating'

export function csatHandlers(): OutboxHandlers {
  return {
    [CSAT_ASK]: async (payload, { db, now }) => {
      const { itemId } = payload as CsatAskPayload
      await db.transaction((tx) => askForRating(tx as unknown as Db, itemId, now))
    },
  }
}
