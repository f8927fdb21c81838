import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { Webhook } from 'standardwebhooks'

// The outside world of the replay: a real SMTP server the app's mail goes to, and a real HTTP
// receiver for its webhooks that checks every signature. Both count what arrives; neither keeps
// more than the replay needs (the fix mails' links, so customers can answer them).

export interface FixMail {
  to: string
  subject: string
  solvedToken: string
  stillBrokenToken: string
  receivedAt: number
}

export interface MailSink {
  url: string
  total: number
  byMessageId: Map<string, number>
  /** Message-ID -> wall-clock arrival times (Date.now()) of its second and later copies. */
  repeats: Map<string, number[]>
  byRecipient: Map<string, number>
  /** Mails whose text carries the fix links, in arrival order; the replay takes them as it reads them. */
  fixMails: FixMail[]
  /** Mails asking "did this solve your problem?" with their signed rating link. */
  csatMails: { to: string; token: string }[]
  /** Recipient -> subjects of every mail announcing a fix, with or without the confirm links (the "every asker told" check). */
  fixSubjects: Map<string, string[]>
  pending: number
  settled(): Promise<void>
  close(): Promise<void>
}

export async function startMailSink(): Promise<MailSink> {
  let inFlight: Promise<unknown>[] = []
  const sink: MailSink = {
    url: '',
    total: 0,
    byMessageId: new Map(),
    repeats: new Map(),
    byRecipient: new Map(),
    fixMails: [],
    csatMails: [],
    fixSubjects: new Map(),
    pending: 0,
    async settled() {
      while (inFlight.length) {
        const waiting = inFlight
        inFlight = []
        await Promise.allSettled(waiting)
      }
    },
    close: async () => {},
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 64,
    onData(stream, session, callback) {
      const parsing = simpleParser(stream)
        .then((mail) => {
          sink.total++
          const id = mail.messageId ?? `(none ${sink.total})`
          sink.byMessageId.set(id, (sink.byMessageId.get(id) ?? 0) + 1)
          if (sink.byMessageId.get(id)! > 1) sink.repeats.set(id, [...(sink.repeats.get(id) ?? []), Date.now()])
          const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase())
          for (const to of recipients) sink.byRecipient.set(to, (sink.byRecipient.get(to) ?? 0) + 1)
          const links = [...(mail.text ?? '').matchAll(/\/mail\/fix\/([A-Za-z0-9_-]+)/g)].map((match) => match[1]!)
          if (links.length >= 2) {
            for (const to of recipients) sink.fixMails.push({ to, subject: mail.subject ?? '', solvedToken: links[0]!, stillBrokenToken: links[1]!, receivedAt: Date.now() })
          }
          // The fix notice's subject: "Fixed: <title>" or "Fixed in <release>: <title>".
          if (/^Fixed( in [^:]+)?:/.test(mail.subject ?? ''))
            for (const to of recipients) sink.fixSubjects.set(to, [...(sink.fixSubjects.get(to) ?? []), mail.subject ?? ''])
          const csat = /\/csat\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')
          if (csat) for (const to of recipients) sink.csatMails.push({ to, token: csat[1]! })
          callback()
        })
        .catch(callback)
      inFlight.push(parsing)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  sink.url = `smtp://127.0.0.1:${port}`
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return sink
}

export interface WebhookSink {
  url: string
  /** Set once the endpoint exists (the secret is shown once, to its creator). */
  secret: string | null
  total: number
  verified: number
  badSignatures: number
  /** webhook-id -> deliveries (at-least-once: a retry repeats an id; a doubled event would not). */
  byId: Map<string, number>
  /** webhook-id -> wall-clock arrival times (Date.now()) of its second and later deliveries. */
  repeats: Map<string, number[]>
  byType: Map<string, number>
  close(): Promise<void>
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const sink: WebhookSink = { url: '', secret: null, total: 0, verified: 0, badSignatures: 0, byId: new Map(), repeats: new Map(), byType: new Map(), close: async () => {} }
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      sink.total++
      try {
        const event = new Webhook(sink.secret ?? '').verify(body, request.headers as Record<string, string>) as { type?: string }
        sink.verified++
        const id = String(request.headers['webhook-id'])
        sink.byId.set(id, (sink.byId.get(id) ?? 0) + 1)
        if (sink.byId.get(id)! > 1) sink.repeats.set(id, [...(sink.repeats.get(id) ?? []), Date.now()])
        sink.byType.set(event.type ?? '?', (sink.byType.get(event.type ?? '?') ?? 0) + 1)
        response.writeHead(200).end('ok')
      } catch {
        sink.badSignatures++
        response.writeHead(400).end('bad signature')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  sink.url = `http://127.0.0.1:${port}/replay-hook`
  sink.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return sink
}
