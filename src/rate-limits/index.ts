// Fixed-window counters in PostgreSQL, shared by every app instance on the database. A leaf:
// it imports no other domain, so auth, safety and the API all count through it.
export { clearRateLimit, hitRateLimit, hitRateLimits, peekRateLimit, sweepRateLimits, type RateDecision, type RateRule } from './buckets'
