// Customer satisfaction: after an item resolves, its asker is asked once "Did this solve your
// problem?" (1–5 and an optional comment), in the app and by mail through a signed single-use
// link. Ratings (csat_ratings) carry the team, kind and credited engineer for the scoreboard;
// comments are staff-only. It reads queue and forum tables and writes only its own, telling
// the asker through notify/ and the item's timeline through queue/'s recordEvent.
export { askForRating } from './ask-for-rating'
export { RATING_LABELS } from './config'
export { dismissCsat } from './dismiss-csat'
export { csatHandlers } from './handlers'
export { getCsatLink, getCsatPrompt, getItemCsat, type CsatLinkView, type ItemCsat } from './queries'
export { rateByToken } from './rate-by-token'
export { rateOnThread } from './rate-on-thread'
export { CSAT_COMMENT_MAX, DismissCsatInput, RateByTokenInput, RateOnThreadInput } from './schemas'
