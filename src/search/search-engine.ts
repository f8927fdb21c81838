import type { Ctx } from '../ctx'
import type { SearchIndex } from './types'

/** The engine the request context carries; the app always provides one. */
export function searchEngine(ctx: Ctx): SearchIndex {
  if (!ctx.search) throw new Error('No search engine in this context: pass `search` when building the Ctx.')
  return ctx.search
}
