import { z } from 'zod'
import { id, instantParam } from '../validation'

const plain = (max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, ' ') : (value ?? '')),
    z.string({ error: 'Must be text.' }).max(max, { error: `At most ${max} characters.` }),
  )

export const SIMILAR_LIMIT_MAX = 20

export const SimilarInput = z.object({
  title: plain(300),
  body: plain(20_000).default(''),
  limit: z.preprocess(
    (value) => (value === undefined || value === '' ? 5 : typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value),
    z
      .number({ error: `limit must be a whole number from 1 to ${SIMILAR_LIMIT_MAX}.` })
      .int({ error: `limit must be a whole number from 1 to ${SIMILAR_LIMIT_MAX}.` })
      .min(1, { error: `limit must be a whole number from 1 to ${SIMILAR_LIMIT_MAX}.` })
      .max(SIMILAR_LIMIT_MAX, { error: `limit must be a whole number from 1 to ${SIMILAR_LIMIT_MAX}.` }),
  ),
  visitorKey: z.string().max(64).optional(),
  /** Record the lookup for analytics (the ask page does; the JSON API does not). */
  record: z.boolean().default(false),
})
export type SimilarInput = z.infer<typeof SimilarInput>

export const SearchClickInput = z.object({
  eventId: id('search'),
  threadId: id('thread'),
  visitorKey: z.string().min(1).max(64),
})

/** The lookups behind the scoreboard's search deflection figure (/staff/search/lookups). */
export const LookupListQuery = z
  .object({
    kind: z.enum(['search', 'similar'], { error: 'Kind is search or similar.' }),
    from: instantParam('The start'),
    to: instantParam('The end').optional(),
    outcome: z.enum(['solved', 'deflected'], { error: 'Outcome is solved (opened a solved thread) or deflected (and did not ask).' }).optional(),
    before: id('page').optional(),
  })
  .refine((value) => !value.to || value.to > value.from, { path: ['to'], message: 'The end must be after the start.' })
export type LookupListQuery = z.infer<typeof LookupListQuery>
