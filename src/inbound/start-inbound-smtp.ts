import { SMTPServer, type SMTPServerAddress } from 'smtp-server'
import type { Logger } from 'pino'
import type { Ctx } from '../ctx'
import { receiveInboundMail } from './receive-inbound-mail'
import { screenRecipient } from './screen-recipient'

/** Replies are text; 10 MB leaves room for a phone's photo attached to one, and no more. */
export const INBOUND_MAX_BYTES = 10 * 1024 * 1024

export interface InboundSmtpOptions {
  port: number
  host?: string
  /** A fresh context per mail (no actor: the listener is the transport, the verbs act as the person). */
  ctx: () => Ctx
  logger: Logger
  /** Called when a mail was handled, so the outbox worker sends what the post caused now. */
  onReceived?: () => void
  maxBytes?: number
}

export interface InboundSmtp {
  port: number
  close(): Promise<void>
}

/**
 * The SMTP listener for replies by mail (INBOUND_SMTP_PORT): takes mail only for valid reply
 * addresses (and bounces to our From address), up to maxBytes, and hands each message to
 * receiveInboundMail. A refused reply is answered 550 with the reason, so the person's mail server
 * tells them why; a database outage is answered 451, so the sender retries (and a Message-ID seen
 * before is not posted twice).
 */
export async function startInboundSmtp(options: InboundSmtpOptions): Promise<InboundSmtp> {
  const maxBytes = options.maxBytes ?? INBOUND_MAX_BYTES
  const server = new SMTPServer({
    name: undefined,
    banner: 'replies by mail',
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: maxBytes,
    logger: false,
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
      screenRecipient({ ctx: options.ctx(), input: { address: address.address, mailFrom } }).then(
        (screening) => callback(screening.accept ? undefined : smtpError(550, `5.1.1 ${screening.reason}`)),
        (error: unknown) => {
          options.logger.error({ err: error }, 'inbound mail: recipient check failed')
          callback(smtpError(451, '4.3.0 Try again later.'))
        },
      )
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 Message too big: at most ${maxBytes} bytes.`))
        const envelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
        }
        receiveInboundMail({ ctx: options.ctx(), input: { raw: Buffer.concat(chunks), via: 'smtp', envelope } }).then(
          (outcome) => {
            options.logger.info({ inboundMailId: outcome.id, status: outcome.status, duplicate: outcome.duplicate }, 'inbound mail')
            options.onReceived?.()
            callback(outcome.status === 'refused' && !outcome.duplicate ? smtpError(550, `5.7.1 ${outcome.reason ?? 'Refused.'}`) : undefined)
          },
          (error: unknown) => {
            options.logger.error({ err: error }, 'inbound mail: handling failed')
            callback(smtpError(451, '4.3.0 Try again later.'))
          },
        )
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', (error) => options.logger.warn({ err: error }, 'inbound mail: SMTP session error'))
  const address = server.server.address()
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode })
}
