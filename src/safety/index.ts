// Trust and safety: trust levels, write limits, post screening (watched words, link and
// new-account rules), sanctions, the sign-up and form checks. It decides; the forum writes posts
// and the moderation domain resolves what lands in /review. Imports no domain that imports it.
export { checkFormStamp, FORM_MIN_SECONDS, HONEYPOT_FIELD, issueFormStamp, STAMP_FIELD, type GuardedForm } from './form-stamps'
export { deleteWatchedWord } from './delete-watched-word'
export { SAFETY_MAINTAIN, safetyHandlers, scheduleSafetyMaintenance } from './handlers'
export * from './queries'
export { queueForReview, REVIEW_NOTICE_DELAY_MS } from './queue-for-review'
export { recordThreadRead } from './record-thread-read'
export { saveSafetySettings } from './save-safety-settings'
export { saveWatchedWord } from './save-watched-word'
export { FlagPostInput, LiftSanctionInput, SafetySettingsInput, SanctionDuration, SanctionInput, TrustLevelInput, WatchedWordInput } from './schemas'
export { CONTENT_LIMITS, DAILY_LIMITS, screenPost, type PostDraft, type Screening } from './screen-post'
export { isDisposableAddress, screenSignUp } from './screen-sign-up'
export { setTrustLevel } from './set-trust-level'
export { DEFAULT_SAFETY, getSafetySettings, type SafetyChoices } from './settings'
export {
  describeSanction,
  loadStanding,
  PAYING_CUSTOMER_TRUST,
  REMOVED_ACCOUNT_MESSAGE,
  requireAccountOpen,
  sanctionFromJson,
  sanctionInForceSql,
  STAFF_TRUST,
  suspendedMessage,
  TRUST,
  trustName,
  type ActiveSanction,
  type SanctionJson,
  type Standing,
} from './standing'
export { earnedTrustLevel, promoteIfEarned, recomputeTrustLevels, type TrustStats } from './trust-levels'
export { findWatchedWord, watchedWordPattern } from './watched-words'
export { checkWriteAllowed, WRITE_RULES, writeActions, writeRuleFor, type WriteAction } from './write-limits'
