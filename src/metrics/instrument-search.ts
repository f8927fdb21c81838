import type { Histogram } from 'prom-client'
import type { SearchIndex } from '../search'

/** The same engine, with the time of each search and similar-questions call observed; results untouched. */
export function instrumentSearch(engine: SearchIndex, seconds: Histogram<'engine' | 'operation'>): SearchIndex {
  const timed = async <T>(operation: 'search' | 'similar' | 'similar_many', run: () => Promise<T>): Promise<T> => {
    const stop = seconds.startTimer({ engine: engine.engine, operation })
    try {
      return await run()
    } finally {
      stop()
    }
  }
  return {
    engine: engine.engine,
    search: (request) => timed('search', () => engine.search(request)),
    similar: (request) => timed('similar', () => engine.similar(request)),
    similarMany: (requests) => timed('similar_many', () => engine.similarMany(requests)),
    indexThreads: (threadIds) => engine.indexThreads(threadIds),
    clear: () => engine.clear(),
    rebuilt: () => engine.rebuilt(),
    maintain: (now) => engine.maintain(now),
  }
}
