import { z } from 'zod'
import { MailLinkInput } from '../mail-preferences'
import { id, optionalText } from '../validation'

/** Enough for a few sentences on what went well or not; longer belongs in a reply on the thread. */
export const CSAT_COMMENT_MAX = 2000

const RATING_MESSAGE = 'Choose a rating from 1 (not at all) to 5 (completely).'

/** 1–5 from a radio button: anything else (none chosen, 0, 6, "five") is a message by the field. */
const rating = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*[1-5]\s*$/.test(value) ? Number(value) : value === '' ? undefined : value),
  z.number({ error: RATING_MESSAGE }).int({ error: RATING_MESSAGE }).min(1, { error: RATING_MESSAGE }).max(5, { error: RATING_MESSAGE }),
)

const comment = optionalText('Comment', { max: CSAT_COMMENT_MAX })

/** The asker rates on their thread page, signed in. */
export const RateOnThreadInput = z.object({ threadId: id('question'), rating, comment })
export type RateOnThreadInput = z.input<typeof RateOnThreadInput>

/** The asker rates through the signed link of the CSAT mail, without signing in. */
export const RateByTokenInput = MailLinkInput.extend({ rating, comment })
export type RateByTokenInput = z.input<typeof RateByTokenInput>

export const DismissCsatInput = z.object({ threadId: id('question') })
export type DismissCsatInput = z.input<typeof DismissCsatInput>
