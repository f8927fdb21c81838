// Outgoing mail: composed in the transaction of the change that caused it (queueMail), delivered
// by the outbox (SMTP through nodemailer, or kept in the database for /admin/mail).
export { mailHandlers } from './handlers'
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
