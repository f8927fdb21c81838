import { timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { manualClock } from '../../src/clock'
import { guardAgainstNullSocketWriteBug } from '../../src/db/driver-guard'
import { loadEnv } from '../../src/env'
import { startForum } from '../../src/start'
import { signControl } from './control'

// One app instance of the soak (soak.ts): the real forum (src/start.ts: HTTP, API, its own outbox
// worker with the recurring ticks) on a clock the soak's driver moves. The product has no way to
// move its clock; this bench entry adds one, and only here:
//   - REPLAY_CONTROL_SECRET is required, and the entry refuses to start when NODE_ENV=production;
//   - the control channel listens on 127.0.0.1 only, on a port of its own (not the forum's);
//   - every request carries an HMAC-SHA256 of its body under the secret, and a sequence number
//     that must grow (a replayed request is refused);
//   - the clock only moves forward (an earlier time only makes the worker finish what is due).
// POST /clock {"seq": n, "at": iso} sets the clock, then waits until this instance's own outbox
// worker has nothing due left (OutboxWorker.drainNow) and answers. The driver moves every live
// instance this way before each simulated minute's work, so both instances and their workers read
// one simulated time.

if (process.env.NODE_ENV === 'production') {
  console.error('bench/replay/instance.ts moves the clock of the forum it runs: it is for the soak benchmark only and refuses NODE_ENV=production.')
  process.exit(2)
}
const secret = process.env.REPLAY_CONTROL_SECRET ?? ''
if (secret.length < 32) {
  console.error('REPLAY_CONTROL_SECRET (at least 32 characters) is required: the control channel signs every request with it.')
  process.exit(2)
}
const clock = manualClock(process.env.REPLAY_CLOCK_START ?? new Date().toISOString())
const forum = await startForum(loadEnv(), { clock })
guardAgainstNullSocketWriteBug({ logger: forum.logger, onBug: () => forum.database.replacePool?.() })

let lastSeq = 0
const control = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8')
    const given = Buffer.from(String(request.headers['x-replay-signature'] ?? ''), 'utf8')
    const expected = Buffer.from(signControl(body, secret), 'utf8')
    if (request.method !== 'POST' || request.url !== '/clock' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(403).end('refused')
      return
    }
    let command: { seq: number; at: string }
    try {
      command = JSON.parse(body)
    } catch {
      response.writeHead(400).end('bad body')
      return
    }
    const at = new Date(command.at)
    if (!(command.seq > lastSeq) || Number.isNaN(at.getTime())) {
      response.writeHead(409).end('stale')
      return
    }
    lastSeq = command.seq
    // Never backwards: an earlier time only asks the worker to finish what is due now.
    if (at > clock.now()) clock.set(at)
    await forum.outbox.drainNow()
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ at: clock.now().toISOString() }))
  })
})
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve))
console.log(`replay control on port ${(control.address() as AddressInfo).port}`)
const stop = () => {
  control.close()
  forum.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
