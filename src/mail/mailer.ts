import nodemailer from 'nodemailer'
import type { MailMessage } from '../db/schema'

/** Delivers one stored mail; throws when the SMTP server refuses or cannot be reached (the outbox retries). */
export interface Mailer {
  /** 'sent' by SMTP, or 'kept' in the database when no SMTP server is configured. */
  deliver(mail: MailMessage): Promise<'sent' | 'kept'>
  close(): void
}

/** Headers nodemailer writes from its own options; the rest go through as they are. */
const OWN_HEADERS = new Set(['message-id', 'in-reply-to', 'references'])

export interface MailerTimeouts {
  connectionMs: number
  greetingMs: number
  socketMs: number
}

// Short timeouts: a hung server must fail the delivery (and the outbox retry it) well inside the
// outbox's 60 s claim, so no other instance sends the same mail meanwhile.
const DEFAULT_TIMEOUTS: MailerTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 30_000 }

/**
 * SMTP through nodemailer when `smtpUrl` is set (smtp:// with STARTTLS when offered, smtps:// for
 * implicit TLS); otherwise mail stays in the database for admins to read at /admin/mail.
 */
export function createMailer(smtpUrl: string | undefined, timeouts: Partial<MailerTimeouts> = {}): Mailer {
  if (!smtpUrl) return { deliver: async () => 'kept', close: () => {} }
  const { connectionMs, greetingMs, socketMs } = { ...DEFAULT_TIMEOUTS, ...timeouts }
  // Transport options go in the first argument beside the URL: a second argument is nodemailer's
  // message defaults, where `pool` and the timeouts were once ignored (a new SMTP connection per
  // mail, ~100 ms each against smtp-server's greeting delay, and nodemailer's minutes-long default
  // timeouts). A pool keeps up to four connections open, one per concurrent outbox delivery.
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    connectionTimeout: connectionMs,
    greetingTimeout: greetingMs,
    socketTimeout: socketMs,
  })
  return {
    async deliver(mail) {
      const headers = Object.fromEntries(Object.entries(mail.headers).filter(([name]) => !OWN_HEADERS.has(name.toLowerCase())))
      await transport.sendMail({
        from: mail.fromAddress,
        to: mail.toAddress,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.textBody,
        html: mail.htmlBody,
        messageId: mail.headers['Message-ID'],
        ...(mail.headers['In-Reply-To'] ? { inReplyTo: mail.headers['In-Reply-To'] } : {}),
        ...(mail.headers.References ? { references: mail.headers.References } : {}),
        headers,
      })
      return 'sent'
    },
    close: () => transport.close(),
  }
}
