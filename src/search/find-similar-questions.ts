import type { VerbArgs } from '../ctx'
import { UnavailableError, ValidationError } from '../errors'
import { getThreadSummaries, type ThreadSummary } from '../forum'
import { parseInput } from '../validation'
import { recordSearchEvent } from './events'
import { SimilarInput } from './schemas'
import { searchEngine } from './search-engine'

export interface SimilarQuestions {
  items: { thread: ThreadSummary; score: number }[]
  /** The recorded lookup (when recorded), so a click can be attributed to it. */
  eventId: number | null
}

/** Fewer letters than this is a question not yet written: nothing to compare. */
const MIN_LETTERS = 4

/**
 * Existing threads most like a question being written, best first: the deflection the ask
 * page shows while the title (then the body) is typed, and the JSON API's answer.
 */
export async function findSimilarQuestions({ ctx, input }: VerbArgs): Promise<SimilarQuestions> {
  const data = parseInput(SimilarInput, input)
  const text = `${data.title} ${data.body}`
  if ((text.match(/\p{L}/gu) ?? []).length < MIN_LETTERS) {
    if (!data.title.trim() && !data.record) throw new ValidationError({ title: 'title is required: the question being asked.' })
    return { items: [], eventId: null }
  }
  let hits
  try {
    hits = await searchEngine(ctx).similar({ title: data.title, body: data.body, limit: data.limit })
  } catch (error) {
    throw new UnavailableError(`Search is unavailable right now (${error instanceof Error ? error.message : 'engine error'}).`)
  }
  const summaries = await getThreadSummaries(ctx, hits.map((hit) => hit.threadId))
  const items = hits.flatMap((hit) => {
    const thread = summaries.get(hit.threadId)
    return thread ? [{ thread, score: hit.score }] : []
  })
  const eventId =
    data.record && data.visitorKey
      ? await recordSearchEvent(ctx.db, {
          kind: 'similar',
          query: data.title,
          resultCount: items.length,
          visitorKey: data.visitorKey,
          userId: ctx.actor?.id ?? null,
          now: ctx.now(),
        })
      : null
  return { items, eventId }
}
