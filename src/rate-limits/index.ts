// Fixed-window counters in PostgreSQL, shared by every app instance on the database. A leaf:
// it imports no other domain, so auth, safety and the API all count through it.
export { clearRateLimit, decideHit, hitRateLimit, hitRateLimits, peekRateLimit, shardedHitParts, sweepRateLimits, type RateDecision, type RateRule } from './buckets'
