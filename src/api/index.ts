// The JSON API's own state: idempotency records. (Its routes live in src/web/api/.)
export { claimIdempotencyKey, completeIdempotentRequest, releaseIdempotentRequest, type IdempotencyClaim } from './idempotency'
