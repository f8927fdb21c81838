import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  json: { type: string; version: number; timestamp: string; data: Record<string, unknown> } & Record<string, unknown>
}

/** How the receiver answers a request: a status (and body), or 'hang' to never answer (a timeout). */
export type Answer = number | { status: number; body?: string } | 'hang'

/** A real HTTP receiver on 127.0.0.1 that records what it is sent. */
export interface Receiver {
  url: string
  received: Received[]
  /** TCP connections opened to the receiver so far (kept connections carry many deliveries). */
  readonly connections: number
  /** Closes every open connection, as a restart or a keep-alive timeout would. */
  dropConnections(): void
  /** Answers in turn; once used up, the last one keeps answering (default 200). */
  answer(...answers: Answer[]): void
  close(): Promise<void>
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const received: Received[] = []
  let answers: Answer[] = [200]
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: Received['json']
      try {
        json = JSON.parse(body)
      } catch {
        json = { type: '', version: 0, timestamp: '', data: {} }
      }
      received.push({ headers: request.headers, body, json })
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!
      if (answer === 'hang') return
      const { status, body: text } = typeof answer === 'number' ? { status: answer, body: 'ok' } : answer
      response.writeHead(status, { 'content-type': 'text/plain' }).end(text ?? '')
    })
  })
  let connections = 0
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    get connections() {
      return connections
    },
    dropConnections: () => server.closeAllConnections(),
    answer: (...next) => {
      answers = next.length ? next : [200]
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
