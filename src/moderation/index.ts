// Moderation: members' flags, the staff review queue (/review) and removing spammers. It acts on
// posts through the forum's one visibility writer and on accounts through safety's verbs.
export { announceWaitingReviews } from './announce-waiting-reviews'
export { announceSanctionEnd, announceSanctionExpiry } from './announce-sanction-end'
export { moderationHandlers } from './handlers'
export { liftSanction } from './lift-sanction'
export { flagPost } from './flag-post'
export { countPendingReviews, getFlagTarget, getReviewQueue, REVIEW_PAGE_SIZE, type FlagTarget, type ReviewEntry, type ReviewFlag, type ReviewQueue } from './queries'
export { removeSpammer } from './remove-spammer'
export { reviewPost } from './review-post'
export { sanctionAccount } from './sanction-account'
export { RemoveSpammerInput, ReviewPostInput, reviewDecisions, type ReviewDecision } from './schemas'
