import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

// A real SMTP server in the test process: mail the app sends really travels over SMTP to it,
// and arrives parsed by mailparser, as a mail client would read it.

export interface SmtpSink {
  url: string
  port: number
  received: ParsedMail[]
  /** Envelope recipients per received mail, in order. */
  envelopes: string[][]
  /** SMTP connections opened to the sink so far (a pooled sender keeps one open for many mails). */
  readonly connections: number
  /** Makes the server refuse the next `count` messages (an outage the outbox must ride out). */
  refuseNext(count: number): void
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>
  close(): Promise<void>
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ParsedMail[] = []
  const envelopes: string[][] = []
  let refusals = 0
  let connections = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++
      callback()
    },
    onData(stream, session, callback) {
      if (refusals > 0) {
        refusals--
        stream.resume()
        stream.on('end', () => callback(Object.assign(new Error('451 Try again later'), { responseCode: 451 })))
        return
      }
      simpleParser(stream)
        .then((mail) => {
          received.push(mail)
          envelopes.push(session.envelope.rcptTo.map((rcpt) => rcpt.address))
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    envelopes,
    get connections() {
      return connections
    },
    refuseNext(count) {
      refusals = count
    },
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      return received
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
