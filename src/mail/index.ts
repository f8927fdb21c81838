// Outgoing mail: composed in the transaction of the change that caused it (queueMail), delivered
// by the outbox (SMTP through nodemailer, or kept in the database for /admin/mail).
export { mailHandlers } from './handlers'
export { issueReplyAddress, replyToOf, type ReplyTarget } from './inbound/issue-reply-address'
export { findReplyAddress, formatReplyAddress, parseReplyAddress, REPLY_ADDRESS_LIFETIME_MS, type ReplyAddress } from './inbound/reply-address'
export { createMailer, type Mailer } from './mailer'
export { queueMail, threadReference, type OutgoingMail } from './queue-mail'
export { renderMail, type MailContent } from './render-mail'
export { mailSettingsOf, type MailSettings } from './settings'
export {
  getFailingAddresses,
  getMail,
  getPersonMail,
  listMail,
  mailCursorParam,
  parseMailCursor,
  type MailCursor,
  type MailListRow,
  type MailView,
  type PersonMail,
} from './queries'
