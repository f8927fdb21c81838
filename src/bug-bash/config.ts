// How the bug-bash list finds recurring papercuts. One place, each number with its reason.
export const BUG_BASH_CONFIG = {
  /** Threads and items of the last quarter: a papercut that stopped recurring has stopped costing. */
  windowDays: 90,
  /**
   * At most this many candidate threads (most recent activity first) are compared: each needs its
   * similar threads from the search engine, so the page stays a few hundred lookups at worst.
   */
  candidateLimit: 200,
  /** Similar threads looked at per candidate. */
  similarLimit: 8,
  /**
   * How long a thread's similar() answer is kept (per app instance): the list costs one lookup per
   * candidate it has not seen within this time, so a second view within it costs none.
   */
  similarCacheMs: 15 * 60_000,
  /** Threads whose similar() answer is kept: the candidates of several views and then some. */
  similarCacheEntries: 5000,
  /**
   * Lookups asked of the search engine together (similarMany), and such batches in flight at once:
   * one statement runs on one core, so a first view's 200 candidates go as four statements side by
   * side (PostgreSQL answers them on four pool connections; PGlite in turn).
   */
  similarBatchSize: 50,
  similarBatches: 4,
  /**
   * A similar() hit joins a thread's cluster when it scores at least this share of the thread's
   * own score (the engine finds the thread itself first): relative, so it holds for both engines,
   * whose scores are on different scales.
   */
  similarShare: 0.5,
  /** Two threads sharing this many tags are about one thing: one shared tag is a product area, two a topic. */
  minSharedTags: 2,
  /** Open clusters shown, most affected customers first. */
  listSize: 20,
  /** Picked and fixed clusters shown. */
  storedListSize: 30,
} as const
