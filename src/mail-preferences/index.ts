// What each person gets by mail and how they answer from their inbox: a choice per topic
// (immediately, in a digest, never; escalation paging is fixed), the daily or weekly digest and
// the staff's daily summary, one-click unsubscribe (RFC 8058), and the signed links in mails that
// act for the person without a sign-in. It reads other domains' tables but imports none of them
// except auth and mail, so notify/ and escalations/ may import it.
export { mailDigestHandlers, runMailDigests, scheduleMailDigests } from './handlers'
export { digestPeriod, nextDigestRun, DIGEST_HOUR_UTC } from './digest-periods'
export { isFixedTopic, MAIL_TOPICS, PAGING_FIXED, topicKeyOf, type MailTopic } from './kinds'
export { issueCsatLink, issueFixLinks, mailFooterLinks, mailModesOf, preferencesUrl } from './mail-choices'
export { CSAT_LINK_LIFETIME_MS, FIX_LINK_LIFETIME_MS, readMailToken, useCsatLinks, useFixLinks, type MailTokenState, type ReadMailToken } from './mail-tokens'
export { getMailPreferences, getUnsubscribeLink, type MailPreferenceRow, type MailPreferencesView } from './queries'
export { saveMailPreferences } from './save-mail-preferences'
export { MailLinkInput, SaveMailPreferencesInput } from './schemas'
export { unsubscribeByToken } from './unsubscribe-by-token'
