import { AsyncLocalStorage } from 'node:async_hooks'
import { and, asc, eq, gt, isNotNull, sql } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { manualClock } from '../../src/clock'
import type { Database } from '../../src/db/client'
import { notifications, rotationShifts } from '../../src/db/schema'
import { rateByToken } from '../../src/csat'
import { DomainError } from '../../src/errors'
import { answerEscalation, confirmFixByToken, escalateItem, getItemEngineering, getMyEscalations, sendLoopReplies } from '../../src/escalations'
import { askQuestion, markDuplicate, postReply, setAcceptedReply, setMeToo } from '../../src/forum'
import { countUnreadNotifications, markNotificationsRead } from '../../src/notify'
import { changeItemState, replyToItem, setOnDuty, updateItemDetails } from '../../src/queue'
import { answerSwap, requestSwap, skipShift, whoIsOnRotation } from '../../src/rotation'
import { nextDueAt, SAFETY_MINUTES } from './due-work'
import { seededRandom, type Random } from './random'
import { startMailSink, startWebhookSink, type MailSink, type WebhookSink } from './sinks'
import { planTraffic, ZONE, type Bug, type Outcome, type PlannedQuestion, type ReplayScale, type TrafficPlan } from './traffic'
import { buildWorld, type Person, type ReplayWorld } from './world'

// The month, played minute by minute against the real application on an injected clock. Each
// minute: the people whose moment it is act (through the verbs and the HTTP API), then the outbox
// is drained as the production worker would at that minute, which runs the queue, rotation and
// escalation ticks when they are due and delivers mail and webhooks to the real sinks.

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The first Monday of March 2026, midnight in Berlin: a month with a DST change near its end. */
export const REPLAY_START = DateTime.fromISO('2026-03-02T00:00', { zone: ZONE }).toJSDate()

export interface ReplayOptions {
  database: Database
  scale: ReplayScale
  seed: number
  start?: Date
  /** Quiet minutes between outbox runs at most (see due-work.ts). */
  safetyMinutes?: number
  /** How often each support engineer looks at their bell (and the board when it rings), and each engineer at theirs. */
  supportEveryMinutes?: number
  engineerEveryMinutes?: number
  /** Support people (four by default; the soak scales them with the traffic). */
  supportPeople?: number
  /**
   * Support people due at the same minute work the board at once (the soak, with forty of them),
   * each drawing from a random stream of their own, so the customers' traffic stays the seed's.
   * Off by default: one after another on one stream, as the month's report was made.
   */
  supportAtOnce?: boolean
  /** Customers signed up at once while the world is built (world.ts; 1 by default). */
  signUpConcurrency?: number
  /**
   * Where the API requests go and who runs the outbox. By default the app in this process (its
   * `request`) and the outbox drained here; the soak (soak.ts) sends them to app instances in
   * other processes, whose own workers deliver, on a clock it moves for them.
   */
  transport?(sinks: { smtpUrl: string; now: Date }): Promise<ReplayTransport>
  onProgress?(message: string): void
}

export interface ReplayTransport {
  request(path: string, init: RequestInit): Promise<Response>
  /** Runs the outbox at the current simulated time, until nothing is due; how many rows ran, if known. */
  drain(at: Date): Promise<number | null>
  /** Called at the start of each simulated minute (the soak's disturbances happen here). */
  beforeMinute?(at: Date): Promise<void>
}

/** What the simulation itself saw: the goals are measured from the database, these explain them. */
export interface ReplayLog {
  questionsPosted: number
  postedThroughApi: number
  deflected: number
  searchedBeforeAsking: number
  communityAnswers: number
  meToos: number
  escalations: number
  answers: Record<string, number>
  loopsSent: number
  confirmations: { solved: number; stillBroken: number; silent: number }
  followUps: number
  ratings: number
  reopeningReplies: number
  duplicatesMarked: number
  skips: number
  swaps: number
  refused: Record<string, number>
  /** Anything that was not a domain error: a 500 in production. Must stay empty. */
  failures: string[]
}

export interface ReplayRun {
  world: ReplayWorld
  plan: TrafficPlan
  mail: MailSink
  webhooks: WebhookSink
  log: ReplayLog
  /** When the traffic stopped, and when the end-of-period checks were taken. */
  trafficEnd: Date
  checkedAt: Date
  wallMs: number
  /** CPU time of this process (user + system): the machine is shared, so wall time alone misleads. */
  cpuMs: number
  peakRssBytes: number
  /** Minutes simulated, and at how many of them the outbox (and with it the due ticks) ran. */
  minutes: number
  drains: number
  /** Where the wall time went. */
  timings: Record<'people' | 'support' | 'engineers' | 'outbox', number>
  /** Threads of each question, by question index. */
  threadOf: Map<number, number>
  close(): Promise<void>
}

interface Task {
  at: number
  seq: number
  label: string
  run: () => Promise<void>
}

/** A min-heap of tasks by time (then by order of scheduling, so runs are deterministic). */
class Agenda {
  private heap: Task[] = []
  private seq = 0
  add(at: number, label: string, run: () => Promise<void>): void {
    const task = { at, seq: this.seq++, label, run }
    this.heap.push(task)
    let i = this.heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (before(this.heap[parent]!, task)) break
      this.heap[i] = this.heap[parent]!
      i = parent
    }
    this.heap[i] = task
  }
  takeDue(now: number): Task | null {
    const top = this.heap[0]
    if (!top || top.at > now) return null
    const last = this.heap.pop()!
    if (this.heap.length === 0) return top
    // Sift the last task down from the root.
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest: Task = last
      let at = -1
      if (left < this.heap.length && before(this.heap[left]!, smallest)) {
        smallest = this.heap[left]!
        at = left
      }
      if (right < this.heap.length && before(this.heap[right]!, smallest)) {
        smallest = this.heap[right]!
        at = right
      }
      if (at === -1) break
      this.heap[i] = smallest
      i = at
    }
    this.heap[i] = last
    return top
  }
}

const before = (a: Task, b: Task) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** Support's memory of an item: when they next look at it and what they already did. */
interface Handling {
  nextAt: number
  escalations: number
  lastAnswered: number
  thanked: boolean
  waitingSince: number | null
}

export async function runReplay(options: ReplayOptions): Promise<ReplayRun> {
  const started = performance.now()
  const cpuStart = process.cpuUsage()
  let peakRssBytes = process.memoryUsage().rss
  const start = options.start ?? REPLAY_START
  const plan = planTraffic(options.scale, options.seed, start)
  // Draws come from the stream of whoever acts: a support person working at the same minute as
  // others (supportAtOnce) has their own, so the order their requests finish in moves no one
  // else's draws; everyone else shares one.
  const shared = seededRandom(options.seed).fork('behaviour')
  const lane = new AsyncLocalStorage<Random>()
  const current = () => lane.getStore() ?? shared
  const random: Random = {
    next: () => current().next(),
    int: (min, max) => current().int(min, max),
    chance: (p) => current().chance(p),
    pick: (items) => current().pick(items),
    weighted: (weights) => current().weighted(weights),
    poisson: (mean) => current().poisson(mean),
    fork: (label) => current().fork(label),
  }
  const lanes = new Map<number, Random>()
  const laneOf = (person: Person) => {
    let stream = lanes.get(person.id)
    if (!stream) lanes.set(person.id, (stream = shared.fork(`support ${person.email}`)))
    return stream
  }
  const clock = manualClock(new Date(start.getTime() - 2 * DAY))
  const mail = await startMailSink()
  const webhooks = await startWebhookSink()
  const world = await buildWorld({
    database: options.database,
    clock,
    plan,
    smtpUrl: mail.url,
    webhookUrl: webhooks.url,
    onWebhookSecret: (secret) => (webhooks.secret = secret),
    supportPeople: options.supportPeople,
    signUpConcurrency: options.signUpConcurrency,
  })
  const transport: ReplayTransport = options.transport ? await options.transport({ smtpUrl: mail.url, now: clock.now() }) : {
    request: async (path, init) => world.app.request(`http://replay.localhost${path}`, init),
    drain: () => world.drain(),
  }
  const log: ReplayLog = {
    questionsPosted: 0,
    postedThroughApi: 0,
    deflected: 0,
    searchedBeforeAsking: 0,
    communityAnswers: 0,
    meToos: 0,
    escalations: 0,
    answers: {},
    loopsSent: 0,
    confirmations: { solved: 0, stillBroken: 0, silent: 0 },
    followUps: 0,
    ratings: 0,
    reopeningReplies: 0,
    duplicatesMarked: 0,
    skips: 0,
    swaps: 0,
    refused: {},
    failures: [],
  }
  const agenda = new Agenda()
  const threadOf = new Map<number, number>()
  const questionOfThread = new Map<number, PlannedQuestion>()
  const bugs = new Map<number, Bug>(plan.bugs.map((bug) => [bug.id, bug]))
  /** bug id -> its first reported thread (the one duplicates point at) and what engineering said so far. */
  const bugState = new Map<number, { thread: number; itemId: number | null; answered: number; announced: string | null; closedWith: Outcome | null }>()
  const handling = new Map<number, Handling>()
  const customerByEmail = new Map(world.customers.map((person) => [person.email.toLowerCase(), person]))
  const solvedThreads = new Set<number>()
  let fixMailsRead = 0
  let csatMailsRead = 0
  let releases = 0

  /** Runs one person's action; a domain error is what a person would see on the page, anything else is a failure. */
  let touched = false
  // Counts writes (a person's or the outbox's): a staff person's unread count read at the same
  // count is still true, so the bell is not asked again (the same decisions, fewer queries: most
  // of the engineers' looks are at night, when nothing changes).
  let writes = 0
  const bells = new Map<number, { writes: number; unread: number }>()
  const unreadOf = async (person: Person): Promise<number> => {
    const seen = bells.get(person.id)
    if (seen && seen.writes === writes) return seen.unread
    // The count as of before the read: a write landing while it runs makes the next look ask again.
    const asOf = writes
    const unread = await countUnreadNotifications(world.ctx(person))
    bells.set(person.id, { writes: asOf, unread })
    return unread
  }
  let notificationsSeen = -1
  const latestNotification = async () =>
    Number((await world.database.db.select({ id: sql<number>`coalesce(max(${notifications.id}), 0)` }).from(notifications))[0]?.id ?? 0)
  const readNotices = async (person: Person): Promise<void> => {
    await markNotificationsRead({ ctx: world.ctx(person), input: {} })
    bells.set(person.id, { writes, unread: 0 })
  }
  const READS = new Set(['work board', 'work inbox', 'read notices'])
  const act = async (label: string, work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work()
      if (!READS.has(label)) {
        touched = true
        writes++
      }
      return true
    } catch (error) {
      if (error instanceof DomainError) {
        const key = `${label}: ${error.code}`
        log.refused[key] = (log.refused[key] ?? 0) + 1
        return false
      }
      log.failures.push(`${new Date(clock.now()).toISOString()} ${label}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      return false
    }
  }

  const api = async (person: Person | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (person?.token) headers.authorization = `Bearer ${person.token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (method !== 'GET') {
      touched = true
      writes++
    }
    const response = await transport.request(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await response.text()
    if (response.status >= 500) log.failures.push(`${clock.now().toISOString()} ${method} ${path}: ${response.status} ${text.slice(0, 300)}`)
    let json: any = null
    try {
      json = JSON.parse(text)
    } catch {
      json = null
    }
    return { status: response.status, json }
  }

  const local = (at: number) => DateTime.fromMillis(at, { zone: ZONE })
  const isWorkday = (at: number) => local(at).weekday <= 5
  const inOfficeHours = (at: number) => {
    const time = local(at)
    return time.weekday <= 5 && time.hour >= 9 && time.hour < 17
  }
  /** The next moment support is in (now if they are). */
  const nextOfficeMinute = (at: number) => {
    let time = local(at)
    for (let i = 0; i < 14 * 24 * 60 && !(time.weekday <= 5 && time.hour >= 9 && time.hour < 17); i += 15) time = time.plus({ minutes: 15 }).startOf('minute')
    return time.toMillis()
  }

  // ---- customers -------------------------------------------------------------------------------

  for (const question of plan.questions) agenda.add(question.at.getTime(), 'ask', () => ask(question))

  async function ask(question: PlannedQuestion): Promise<void> {
    const customer = world.customers[question.customer]!
    // A repeat of an earlier how-to: the asker reads the ranking the ask page shows while typing.
    if (question.repeatOf !== null) {
      log.searchedBeforeAsking++
      const earlier = threadOf.get(question.repeatOf)
      const found = await api(customer, 'GET', `/similar?title=${encodeURIComponent(question.title)}&limit=5`)
      const hit = found.json?.results?.find((result: { id: number; solved: boolean }) => result.id === earlier && result.solved)
      if (hit && random.chance(0.7)) {
        log.deflected++
        return
      }
    }
    const category = question.kind === 'bug' ? world.categories.problems : world.categories.help
    let threadId: number | null = null
    if (customer.token) {
      const response = await api(customer, 'POST', '/threads', { title: question.title, body: question.body, category: question.kind === 'bug' ? world.categories.problemsSlug : world.categories.helpSlug })
      if (response.status === 201) {
        threadId = response.json.id
        log.postedThroughApi++
      } else log.refused[`api ask: ${response.status}`] = (log.refused[`api ask: ${response.status}`] ?? 0) + 1
    } else {
      await act('ask', async () => {
        threadId = (await askQuestion({ ctx: world.ctx(customer), input: { title: question.title, body: question.body, categoryId: String(category), tags: '' } })).id
      })
    }
    if (threadId === null) return
    log.questionsPosted++
    threadOf.set(question.index, threadId)
    questionOfThread.set(threadId, question)
    const now = clock.now().getTime()
    if (question.kind === 'bug') {
      const bug = bugs.get(question.bugId!)!
      if (!bugState.has(bug.id)) bugState.set(bug.id, { thread: threadId, itemId: null, answered: 0, announced: null, closedWith: null })
      // Others hit by the same bug say "me too" over the next hours.
      if (random.chance(0.3))
        for (let n = random.int(1, 3); n > 0; n--) {
          const other = world.customers[random.int(0, world.customers.length - 1)]!
          if (other.id === customer.id) continue
          agenda.add(now + random.int(20, 360) * MINUTE, 'me too', async () => {
            if (await act('me too', () => setMeToo({ ctx: world.ctx(other), input: { threadId: threadId!, on: '1' } }))) log.meToos++
          })
        }
      return
    }
    // Community members answer some free questions before support's window closes.
    if (customer.organisationId === null && random.chance(0.4)) {
      const helper = world.customers[random.int(0, Math.min(world.customers.length, 40) - 1)]!
      if (helper.id !== customer.id)
        agenda.add(now + random.int(10, 50) * MINUTE, 'community answer', async () => {
          let replyId: number | null = null
          const ok = await act('community answer', async () => {
            replyId = (await postReply({ ctx: world.ctx(helper), input: { threadId: threadId!, body: 'We set this up last month: it is under Settings, then Workspace, then the Advanced tab. Worked for us.' } })).id
          })
          if (!ok) return
          log.communityAnswers++
          if (random.chance(0.6))
            agenda.add(clock.now().getTime() + random.int(30, 600) * MINUTE, 'accept', async () => {
              if (await act('accept', () => setAcceptedReply({ ctx: world.ctx(customer), input: { replyId: replyId!, on: '1' } }))) solvedThreads.add(threadId!)
            })
        })
    }
  }

  /** The asker answers support's reply: thanks, a follow-up, or nothing. */
  function scheduleCustomerAnswer(threadId: number, itemId: number): void {
    const question = questionOfThread.get(threadId)
    if (!question) return
    const customer = world.customers[question.customer]!
    const roll = random.next()
    const at = clock.now().getTime() + random.int(30, 20 * 60) * MINUTE
    if (roll < 0.55)
      agenda.add(at, 'thanks', async () => {
        if (await act('thanks', () => postReply({ ctx: world.ctx(customer), input: { threadId, body: 'Thank you, that answered it. We are all set now.' } }))) {
          const memory = handling.get(itemId)
          if (memory) memory.thanked = true
        }
      })
    else if (roll < 0.75)
      agenda.add(at, 'follow-up', async () => {
        if (await act('follow-up', () => postReply({ ctx: world.ctx(customer), input: { threadId, body: 'Thanks. One more thing: where do we set this for the whole organisation instead of per project?' } })))
          log.followUps++
      })
  }

  /** A few answered how-tos come back days later with new evidence (the item reopens). */
  function maybeComeBack(threadId: number): void {
    const question = questionOfThread.get(threadId)
    if (!question || question.kind !== 'howto' || !random.chance(0.06)) return
    const customer = world.customers[question.customer]!
    agenda.add(clock.now().getTime() + random.int(1, 5) * DAY, 'reopen', async () => {
      if (
        await act('reopen', () =>
          postReply({ ctx: world.ctx(customer), input: { threadId, body: 'This stopped working after the update: the page now returns 500 Internal Server Error when we save.' } }),
        )
      )
        log.reopeningReplies++
    })
  }

  /** Fix mails that reached the sink: the asker clicks one of the signed links some hours later. */
  function readFixMails(): void {
    while (fixMailsRead < mail.fixMails.length) {
      const fix = mail.fixMails[fixMailsRead++]!
      const customer = customerByEmail.get(fix.to)
      if (!customer) continue
      const roll = random.next()
      if (roll > 0.85) {
        log.confirmations.silent++
        continue
      }
      const solved = roll < 0.75
      agenda.add(clock.now().getTime() + random.int(20, 36 * 60) * MINUTE, solved ? 'this solved it' : 'still broken', async () => {
        if (await act(solved ? 'this solved it' : 'still broken', () => confirmFixByToken({ ctx: world.ctx(null), input: { token: solved ? fix.solvedToken : fix.stillBrokenToken } }))) {
          if (solved) log.confirmations.solved++
          else log.confirmations.stillBroken++
        }
      })
    }
  }

  /** Asked to rate an answer, most askers do, some days later; happier when it was fixed or answered. */
  function readCsatMails(): void {
    while (csatMailsRead < mail.csatMails.length) {
      const ask = mail.csatMails[csatMailsRead++]!
      if (!customerByEmail.has(ask.to) || !random.chance(0.6)) continue
      const rating = 1 + random.weighted([0.05, 0.07, 0.13, 0.35, 0.4])
      agenda.add(clock.now().getTime() + random.int(10, 48 * 60) * MINUTE, 'rate', async () => {
        if (await act('rate', () => rateByToken({ ctx: world.ctx(null), input: { token: ask.token, rating: String(rating), comment: rating <= 2 ? 'Took a while to get there.' : '' } })))
          log.ratings++
      })
    }
  }

  // ---- support -----------------------------------------------------------------------------------

  const REPRODUCTION = (question: PlannedQuestion, bug: Bug, round: number, customer: Person) => ({
    customerDid: `Used the ${bug.area} as usual (report #${question.index + 101}); steps in the thread, reproduced on our staging workspace.`,
    whatHappened: question.body.split('\n')[0]!.slice(0, 400),
    expected: `The ${bug.area} works as it did before the release.`,
    logs: `code=${bug.errorCode} request=${question.index}${round > 0 ? ` (round ${round + 1}: the customer says it is still broken / engineering asked for more)` : ''}`,
    account: customer.organisationId ? `Organisation #${customer.organisationId}` : 'Community member (no organisation)',
    frequency: 'Every time',
    customersAffected: String(1 + random.int(0, 4)),
  })

  /** When each support engineer next has a reason to open the board without being notified. */
  const nextLook = new Map<number, number>()
  async function workBoard(person: Person, takeUnassigned: boolean): Promise<void> {
    const now = clock.now().getTime()
    const ctx = world.ctx(person)
    const unread = await unreadOf(person)
    if (unread === 0 && (nextLook.get(person.id) ?? 0) > now && !takeUnassigned) return
    if (unread > 0) await readNotices(person)
    // Take unassigned work if routing left some (everyone at their cap).
    if (takeUnassigned) {
      const unassigned = await api(person, 'GET', '/items?assignee=unassigned')
      for (const entry of (unassigned.json?.data ?? []).slice(0, 3)) await api(person, 'POST', `/items/${entry.id}/assign`, { assignee_id: 'me' })
    }
    const mine = await api(person, 'GET', '/items?assignee=mine')
    let next = Number.POSITIVE_INFINITY
    for (const entry of mine.json?.data ?? []) {
      let memory = handling.get(entry.id)
      if (!memory) {
        memory = { nextAt: now + random.int(3, 25) * MINUTE, escalations: 0, lastAnswered: 0, thanked: false, waitingSince: null }
        handling.set(entry.id, memory)
      }
      if (memory.nextAt <= now) {
        memory.nextAt = now + random.int(10, 40) * MINUTE
        await handleItem(person, entry, memory)
      }
      // Escalated items and fixes waiting for the customer come back by a notice; the rest by time.
      if (entry.state !== 'escalated' && entry.state !== 'fixed_pending_confirmation') next = Math.min(next, memory.nextAt)
      if (entry.state === 'waiting_on_customer') next = Math.min(next, now + 4 * HOUR)
    }
    nextLook.set(person.id, next)
  }

  async function handleItem(person: Person, entry: { id: number; state: string; thread_id: number | null; team: string; severity: string; kind: string }, memory: Handling): Promise<void> {
    const ctx = world.ctx(person)
    const question = entry.thread_id ? questionOfThread.get(entry.thread_id) : undefined
    const itemId = String(entry.id)
    if (!question) {
      await act('resolve unknown', () => changeItemState({ ctx, input: { itemId, state: 'resolved', note: 'Handled outside the forum.' } }))
      return
    }
    const customer = world.customers[question.customer]!
    const threadId = entry.thread_id!
    if (entry.state === 'waiting_on_customer') {
      memory.waitingSince ??= clock.now().getTime()
      if (clock.now().getTime() - memory.waitingSince > 3 * DAY)
        await act('close silent', () => changeItemState({ ctx, input: { itemId, state: 'resolved', note: 'No answer for three days; closing. Reply on the thread to reopen.' } }))
      return
    }
    memory.waitingSince = null
    if (entry.state === 'escalated') return

    const engineering = await getItemEngineering(ctx, { id: entry.id, teamSlug: entry.team, severity: entry.severity as 'normal' })
    if (engineering.drafts.length > 0) {
      if (await act('send loop replies', () => sendLoopReplies({ ctx, input: { itemId, publishTrackerLink: '', drafts: [] } }))) {
        log.loopsSent++
        const last = engineering.escalations.at(-1)
        if (question.kind === 'bug' && last?.outcome) {
          const state = bugState.get(question.bugId!)
          if (state && last.outcome === 'fixed') state.announced = last.release
          if (state && (last.outcome === 'wont_fix' || last.outcome === 'workaround')) state.closedWith = last.outcome
        }
      }
      return
    }
    if (entry.state === 'fixed_pending_confirmation') return

    if (question.kind === 'howto') {
      if (entry.state === 'in_progress' && memory.thanked) {
        await act('resolve', () => changeItemState({ ctx, input: { itemId, state: 'resolved', note: 'The customer confirmed.' } }))
        maybeComeBack(threadId)
        return
      }
      const then = entry.state === 'in_progress' && memory.lastAnswered > 0 ? 'resolved' : random.chance(0.75) ? 'waiting_on_customer' : 'resolved'
      if (
        await act('answer', () =>
          replyToItem({ ctx, input: { itemId, body: `Thanks for asking. You find this under Settings → Workspace → Advanced; the help page “${question.title.slice(0, 40)}” has the details.`, then } }),
        )
      ) {
        memory.lastAnswered++
        if (then === 'waiting_on_customer') scheduleCustomerAnswer(threadId, entry.id)
        else maybeComeBack(threadId)
      }
      return
    }

    // A bug report.
    const bug = bugs.get(question.bugId!)!
    const state = bugState.get(bug.id)!
    if (state.thread !== threadId) {
      if (state.announced) {
        // Fixed and announced already: tell this asker directly rather than merge into a closed loop.
        await act('answer known fix', () =>
          replyToItem({ ctx, input: { itemId, body: `This was fixed in release ${state.announced}. Please update, and tell us here if it still happens.`, then: 'resolved' } }),
        )
        return
      }
      if (state.closedWith) {
        await act('answer known outcome', () =>
          replyToItem({ ctx, input: { itemId, body: 'Engineering looked at this one already; the answer on the first report of this problem applies here too.', then: 'resolved' } }),
        )
        return
      }
      // Support spots most repeats of a known bug and merges them; the rest reach engineering.
      if (random.chance(0.85)) {
        if (await act('mark duplicate', () => markDuplicate({ ctx, input: { threadId: String(threadId), duplicateOfId: String(state.thread) } }))) {
          log.duplicatesMarked++
          // Marking the duplicate closes its item into the kept thread's; the asker hears why on the thread.
          await act('explain duplicate', () =>
            postReply({ ctx, input: { threadId, body: 'Thanks for the report: this is the same problem as an earlier thread, linked above. We will post the fix here too.' } }),
          )
          return
        }
      }
    }
    if (state.thread === threadId) state.itemId = entry.id
    if (entry.state === 'new')
      await act('triage', () => updateItemDetails({ ctx, input: { itemId, kind: 'bug', severity: bug.severity, tier: '2', teamSlug: entry.team, flagged: '' } }))
    // Reproduce, then escalate with the reproduction.
    const open = engineering.escalations.some((escalation) => !escalation.answeredAt)
    if (open) return
    const rounds = engineering.escalations.length
    // The asker hears first that support reproduced it and what happens next (the first response).
    if (rounds === 0 && memory.lastAnswered === 0) {
      if (
        await act('acknowledge', () =>
          replyToItem({ ctx, input: { itemId, body: 'Thanks for the report: we reproduced it and passed it to engineering with the details. We will update this thread.', then: 'keep' } }),
        )
      )
        memory.lastAnswered++
    }
    if (
      await act('escalate', () =>
        escalateItem({ ctx, input: { itemId, ...REPRODUCTION(question, bug, rounds, customer) } }),
      )
    ) {
      log.escalations++
      memory.escalations++
    }
  }

  // ---- engineers -----------------------------------------------------------------------------------

  const answerAt = new Map<number, number>()
  async function workInbox(person: Person): Promise<void> {
    const ctx = world.ctx(person)
    const inbox = await getMyEscalations(ctx)
    const now = clock.now().getTime()
    for (const escalation of inbox.escalations) {
      if (escalation.engineerId !== person.id && !inbox.onRotation.length) continue
      let at = answerAt.get(escalation.id)
      if (at === undefined) {
        at = now + answerDelay(escalation.item.severity, now)
        answerAt.set(escalation.id, at)
      }
      if (at > now) continue
      await answer(person, escalation)
    }
  }

  /** How long the engineer takes: quick in working hours, paged at night only for critical and high. */
  function answerDelay(severity: string, now: number): number {
    const time = local(now)
    const working = time.weekday <= 5 && time.hour >= 9 && time.hour < 18
    const late = random.chance(0.06) ? 1.3 : 0.5
    const target = ({ low: 24, normal: 8, high: 4, critical: 1 } as Record<string, number>)[severity] ?? 8
    if (working || severity === 'critical') return Math.round(random.int(15, Math.max(20, target * 60 * late)) * MINUTE)
    if (severity === 'high') return Math.round(random.int(30, target * 60 * late) * MINUTE)
    // Normal and low wait for the morning (the target allows it).
    let morning = time.plus({ days: time.hour >= 9 ? 1 : 0 }).set({ hour: 9, minute: random.int(5, 90) })
    while (morning.weekday > 5 && severity === 'low') morning = morning.plus({ days: 1 })
    return Math.max(15 * MINUTE, morning.toMillis() - now)
  }

  async function answer(person: Person, escalation: Awaited<ReturnType<typeof getMyEscalations>>['escalations'][number]): Promise<void> {
    const ctx = world.ctx(person)
    const question = escalation.item.threadId ? questionOfThread.get(escalation.item.threadId) : undefined
    const bug = question?.bugId ? bugs.get(question.bugId) : undefined
    const state = bug ? bugState.get(bug.id) : undefined
    let outcome: Outcome = 'fixed'
    let duplicateOf: number | null = null
    if (bug && state) {
      if (state.thread !== escalation.item.threadId && state.itemId && state.itemId !== escalation.item.id) {
        outcome = 'duplicate'
        duplicateOf = state.itemId
      } else {
        // A "still broken" after a fix gets another fix; otherwise the bug's planned answers in order.
        outcome = escalation.earlier.some((earlier) => earlier.outcome === 'fixed') ? 'fixed' : bug.outcomes[Math.min(state.answered, bug.outcomes.length - 1)]!
      }
    }
    const input: Record<string, string> = { escalationId: String(escalation.id), outcome, answer: '', trackerUrl: '', release: '', duplicateOfItemId: '' }
    if (outcome === 'fixed') {
      input.release = `2026.3.${++releases}`
      input.answer = 'A cache key ignored the workspace; fixed and covered by a test.'
      input.trackerUrl = `https://tracker.replay.localhost/issues/${1000 + releases}`
    }
    if (outcome === 'workaround') input.answer = 'Until the rewrite lands: switch the export to the legacy format in Settings → Advanced; that path is not affected.'
    if (outcome === 'wont_fix') input.answer = 'We decided not to change this: the limit protects every workspace from slow pages, and raising it would slow down everyone. Splitting the list in two works today.'
    if (outcome === 'needs_info') input.answer = 'Which browser and which workspace region? The logs show two different paths.'
    if (outcome === 'duplicate') input.duplicateOfItemId = String(duplicateOf)
    if (await act(`answer escalation`, () => answerEscalation({ ctx, input }))) {
      log.answers[outcome] = (log.answers[outcome] ?? 0) + 1
      if (state && outcome !== 'duplicate') state.answered++
    }
  }

  // ---- the rotation's changes: a skip and a swap, asked for by the engineers themselves -------------

  const span = plan.end.getTime() - start.getTime()
  agenda.add(start.getTime() + Math.round(span * 0.3), 'skip', async () => {
    const shift = await upcomingShift(2 * DAY)
    const engineer = world.engineers.find((person) => person.id === shift?.userId)
    if (shift && engineer && (await act('skip', () => skipShift({ ctx: world.ctx(engineer), input: { shiftId: String(shift.id), reason: 'Deep work on the storage migration' } })))) log.skips++
  })
  agenda.add(start.getTime() + Math.round(span * 0.62), 'swap', async () => {
    const mine = await upcomingShift(1 * DAY)
    if (!mine) return
    const shifts = await world.database.db
      .select()
      .from(rotationShifts)
      .where(and(eq(rotationShifts.rotationId, world.rotationId), gt(rotationShifts.startsAt, new Date(mine.startsAt.getTime() + DAY)), isNotNull(rotationShifts.userId)))
      .orderBy(asc(rotationShifts.startsAt))
      .limit(6)
    const theirs = shifts.find((shift) => shift.userId !== mine.userId)
    const asker = world.engineers.find((person) => person.id === mine.userId)
    const other = world.engineers.find((person) => person.id === theirs?.userId)
    if (!theirs || !asker || !other) return
    let swapId = 0
    if (!(await act('request swap', async () => (swapId = (await requestSwap({ ctx: world.ctx(asker), input: { shiftId: String(mine.id), otherShiftId: String(theirs.id) } })).id)))) return
    agenda.add(clock.now().getTime() + 3 * HOUR, 'answer swap', async () => {
      if (await act('answer swap', () => answerSwap({ ctx: world.ctx(other), input: { swapId: String(swapId), accept: '1' } }))) log.swaps++
    })
  })

  async function upcomingShift(after: number) {
    const [shift] = await world.database.db
      .select()
      .from(rotationShifts)
      .where(and(eq(rotationShifts.rotationId, world.rotationId), gt(rotationShifts.startsAt, new Date(clock.now().getTime() + after)), isNotNull(rotationShifts.userId)))
      .orderBy(asc(rotationShifts.startsAt))
      .limit(1)
    return shift ?? null
  }

  // ---- the clock ---------------------------------------------------------------------------------------

  // The week before is quiet; the plan is made; the month begins.
  await transport.drain(clock.now())
  clock.set(start)
  const trafficEnd = plan.end.getTime()
  // After the traffic stops, time runs on until an hour into the next business day, so questions
  // from the last night have had their business hour to find an owner before the checks.
  const checkedAt = nextOfficeMinute(trafficEnd) + HOUR
  let lastDay = -1
  let lastDrain = start.getTime()
  let nextDue = start.getTime()
  let drains = 0
  let onRotationNow: number | null = null
  const supportEvery = options.supportEveryMinutes ?? 5
  const engineerEvery = options.engineerEveryMinutes ?? 15
  const timings = { people: 0, support: 0, engineers: 0, outbox: 0 }
  for (let now = start.getTime(); now <= checkedAt; now += MINUTE) {
    clock.set(new Date(now))
    await transport.beforeMinute?.(clock.now())
    const time = local(now)
    // Support goes on duty at 09:00 and off at 17:00 on working days.
    if (time.minute === 0 && isWorkday(now) && (time.hour === 9 || time.hour === 17))
      for (const person of world.support) await act('duty', () => setOnDuty({ ctx: world.ctx(person), input: { onDuty: time.hour === 9 ? '1' : '' } }))
    let mark = performance.now()
    const spent = (what: keyof typeof timings) => {
      const at = performance.now()
      timings[what] += at - mark
      mark = at
    }
    for (let task = agenda.takeDue(now); task; task = agenda.takeDue(now)) await task.run()
    spent('people')
    if (inOfficeHours(now)) {
      const due = world.support.map((person, n) => ({ person, n, take: (time.minute + 3 * n) % 30 === 0 })).filter(({ n }) => (time.minute + 3 * n) % supportEvery === 0)
      if (!options.supportAtOnce) for (const { person, take } of due) await act('work board', () => workBoard(person, take))
      else {
        // Those taking unassigned work go one after another (at once they would take the same
        // items from each other); the rest at once, each on their own stream.
        for (const { person } of due.filter(({ take }) => take)) await lane.run(laneOf(person), () => act('work board', () => workBoard(person, true)))
        await Promise.all(due.filter(({ take }) => !take).map(({ person }) => lane.run(laneOf(person), () => act('work board', () => workBoard(person, false)))))
      }
    }
    spent('support')
    if (time.minute === 0) onRotationNow = (await whoIsOnRotation(world.database.db, 'support', clock.now()))?.userId ?? null
    for (const [n, person] of world.engineers.entries()) {
      if ((time.minute + n * 3) % engineerEvery !== 0) continue
      // Paged by a notice (mail and bell); otherwise the on-call engineer looks in every hour.
      const unread = await unreadOf(person)
      if (unread > 0 || (time.minute < engineerEvery && onRotationNow === person.id)) {
        await act('read notices', () => readNotices(person))
        await act('work inbox', () => workInbox(person))
      }
    }
    spent('engineers')
    if (touched || now >= nextDue || now - lastDrain >= (options.safetyMinutes ?? SAFETY_MINUTES) * MINUTE) {
      await transport.drain(clock.now())
      // The outbox's work may have notified someone (an SLA warning, an escalation's breach).
      const newest = await latestNotification()
      if (newest !== notificationsSeen) {
        notificationsSeen = newest
        writes++
      }
      await mail.settled()
      drains++
      lastDrain = now
      touched = false
      nextDue = await nextDueAt(world.database.db, clock.now(), clock.now())
    }
    spent('outbox')
    readFixMails()
    readCsatMails()
    if (Math.floor(time.hour / 4) !== lastDay) {
      lastDay = Math.floor(time.hour / 4)
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)
      options.onProgress?.(`${time.toISODate()} ${time.hour}h drains ${drains} ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`).join(' ')} questions ${log.questionsPosted}, escalations ${log.escalations}, mails ${mail.total}, webhooks ${webhooks.total}`)
    }
  }
  await mail.settled()
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)

  return {
    world,
    plan,
    mail,
    webhooks,
    log,
    trafficEnd: new Date(trafficEnd),
    checkedAt: new Date(checkedAt),
    wallMs: performance.now() - started,
    cpuMs: (() => {
      const used = process.cpuUsage(cpuStart)
      return (used.user + used.system) / 1000
    })(),
    peakRssBytes,
    minutes: Math.round((checkedAt - start.getTime()) / MINUTE) + 1,
    drains,
    timings,
    threadOf,
    async close() {
      world.close()
      await mail.close()
      await webhooks.close()
    },
  }
}

