import type { Db } from '../db/client'
import { queueMail, renderMail, type MailContent, type MailSettings } from '../mail'

// The account mails: essential (no unsubscribe, no preferences), one per request, each keyed by
// the token it carries so a retried transaction never mails twice.

interface Recipient {
  userId: number
  address: string
  name: string
}

function queue(db: Db, settings: MailSettings, now: Date, kind: string, eventKey: string, to: Recipient, subject: string, content: MailContent) {
  const { text, html } = renderMail(content, settings)
  return queueMail(db, { kind, eventKey, to: { address: to.address, userId: to.userId, name: to.name }, subject, text, html }, settings, now)
}

export function queuePasswordResetMail(db: Db, settings: MailSettings, now: Date, to: Recipient, link: { id: number; token: string }) {
  return queue(db, settings, now, 'password_reset', `password_reset:${link.id}`, to, `Reset your password on ${settings.siteName}`, {
    heading: 'Reset your password',
    paragraphs: [
      `Someone (we hope you) asked to reset the password of your ${settings.siteName} account, ${to.address}.`,
      'The link below works once, for one hour. Choosing a new password signs you out everywhere else.',
      'If you did not ask for this, ignore this mail: your password stays as it is.',
    ],
    actions: [{ label: 'Choose a new password', url: `${settings.publicUrl}/password/reset/${link.token}` }],
    footer: { reason: 'You get this mail because a password reset was requested for this address.' },
  })
}

export function queueVerifyEmailMail(db: Db, settings: MailSettings, now: Date, to: Recipient, link: { id: number; token: string }) {
  return queue(db, settings, now, 'verify_email', `verify_email:${link.id}`, to, `Confirm your email address for ${settings.siteName}`, {
    heading: `Welcome, ${to.name}`,
    paragraphs: [
      `Please confirm that ${to.address} is your address, so replies and answers reach you.`,
      'The link works for 7 days. If you did not create this account, ignore this mail.',
    ],
    actions: [{ label: 'Confirm my address', url: `${settings.publicUrl}/verify/${link.token}` }],
    footer: { reason: 'You get this mail because this address was used to create an account.' },
  })
}

export function queueChangeEmailMails(
  db: Db,
  settings: MailSettings,
  now: Date,
  to: Recipient,
  newEmail: string,
  link: { id: number; token: string },
) {
  return Promise.all([
    queue(db, settings, now, 'change_email', `change_email:${link.id}`, { ...to, address: newEmail }, `Confirm your new email address for ${settings.siteName}`, {
      heading: 'Confirm your new address',
      paragraphs: [
        `${to.name} asked to use ${newEmail} for their ${settings.siteName} account instead of ${to.address}.`,
        'Open the link below to make the change. It works once, for 24 hours. If you did not ask for this, ignore this mail.',
      ],
      actions: [{ label: 'Use this address', url: `${settings.publicUrl}/email/confirm/${link.token}` }],
      footer: { reason: 'You get this mail because this address was entered as the new address of an account.' },
    }),
    queue(db, settings, now, 'change_email_notice', `change_email_notice:${link.id}`, to, `Your ${settings.siteName} email address is about to change`, {
      heading: 'A change of email address was requested',
      paragraphs: [
        `Someone signed in to your account asked to change its address from ${to.address} to ${newEmail}. We sent a confirmation link to the new address; nothing changes until it is opened.`,
        'If this was not you, change your password now: the request needed it.',
      ],
      actions: [{ label: 'Reset your password', url: `${settings.publicUrl}/password/forgot` }],
      footer: { reason: 'You get this mail because it is the current address of the account.' },
    }),
  ])
}
