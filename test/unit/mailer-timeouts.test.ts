import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createMailer } from '../../src/mail'
import type { MailMessage } from '../../src/db/schema'

// A hung SMTP server (accepts the connection, never greets) must fail the delivery within the
// mailer's timeout, so the outbox retries it well inside its claim instead of waiting minutes
// (nodemailer's own defaults) while another instance may send the same mail.

let server: Server
const sockets: Socket[] = []
beforeAll(async () => {
  server = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

it('a server that never greets fails the delivery within the greeting timeout', async () => {
  const port = (server.address() as { port: number }).port
  const mailer = createMailer(`smtp://127.0.0.1:${port}`, { greetingMs: 300 })
  const mail = { id: 1, fromAddress: 'forum@example.org', toAddress: 'mo@example.org', replyTo: null, subject: 'Hi', textBody: 'Hi', htmlBody: '<p>Hi</p>', headers: {} } as unknown as MailMessage
  const started = Date.now()
  await expect(mailer.deliver(mail)).rejects.toThrow(/greeting/i)
  expect(Date.now() - started).toBeLessThan(5_000)
  mailer.close()
})
