// The buckets moved to their own leaf domain (src/rate-limits) so trust and safety can count
// writes without importing auth; auth's verbs keep importing them from here.
export { clearRateLimit, hitRateLimit, peekRateLimit, type RateDecision, type RateRule } from '../rate-limits'
