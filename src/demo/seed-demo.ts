import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding'
import { eq, inArray, sql } from 'drizzle-orm'
import { generateToken, hashPassword } from '../auth'
import { seedEngineering } from './seed-engineering'
import { seedQueueSettings } from './seed-queue'
import { manualClock } from '../clock'
import type { Actor, Ctx } from '../ctx'
import type { Db } from '../db/client'
import { categories, organisations, sessions, threads, users, type Plan, type User } from '../db/schema'
import {
  askQuestion,
  MAX_TAGS,
  postReply,
  setAcceptedReply,
  setMeToo,
  setReplyHidden,
  setReplyVote,
  setThreadLocked,
  setThreadVote,
} from '../forum'
import {
  BUMPS,
  CATEGORIES,
  CHECK_INS,
  CONFIRMATIONS,
  CUSTOMERS,
  demoAccountKeys,
  FOLLOW_UPS_FROM_ASKER,
  GENERIC_CLARIFY,
  GENERIC_DETAILS,
  HIDDEN_SECRET_NOTE,
  INTROS,
  LEAKED_SECRET_REPLY,
  LOCK_NOTES,
  ME_TOO_REPLIES,
  ORGANISATIONS,
  OUTROS,
  SCENARIOS,
  SLOT_VALUES,
  SPAM_REPLY,
  SPAMMER,
  STAFF,
  THANKS,
  type Answerer,
  type CategorySlug,
  type DemoAccountKey,
  type DemoPerson,
  type Scenario,
  type Slots,
} from './content'

// Plants a living forum: people and organisations go in directly (there is no verb for bulk
// accounts), every post, vote, "me too", solution, lock and hide goes through the real forum
// verbs with a clock set to when it "happened", so counters and invariants hold and the
// history spreads over the last 90 days. Given the same PRNG and `now`, the result is the same.

export const DEMO_SEED = 20_240_611
export const DEMO_THREADS = 300
const DEMO_DAYS = 90

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// --- Randomness -------------------------------------------------------------

/** Tommy Ettinger's mulberry32: a tiny seeded PRNG, plenty for demo data. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

class Rng {
  constructor(private readonly next: () => number) {}

  float(): number {
    return this.next()
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((sum, item) => sum + weight(item), 0)
    let target = this.next() * total
    for (const item of items) {
      target -= weight(item)
      if (target < 0) return item
    }
    return items[items.length - 1]!
  }

  /** Up to `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items]
    const taken: T[] = []
    while (taken.length < count && pool.length > 0) taken.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!)
    return taken
  }

  shuffle<T>(items: readonly T[]): T[] {
    return this.sample(items, items.length)
  }

  /** A duration between min and max, short ones more likely (how response times look). */
  logUniform(min: number, max: number): number {
    return Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min)))
  }

  token(length: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)]
    return out
  }
}

// --- Demo accounts and passwords ----------------------------------------------

/** 80 random bits as 16 base32 characters in groups of four: easy to type, never reused. */
export function generateDemoPassword(): string {
  const bytes = new Uint8Array(10)
  crypto.getRandomValues(bytes)
  return encodeBase32LowerCaseNoPadding(bytes).match(/.{4}/g)!.join('-')
}

export interface DemoSignIn {
  key: DemoAccountKey
  /** What the account shows off ("support engineer", "customer at ... (Enterprise)"). */
  label: string
  name: string
  email: string
  password: string
}

const PLAN_NAMES: Record<Plan, string> = { free: 'Free', startup: 'Startup', paid: 'Business', enterprise: 'Enterprise' }

function demoLabel(person: DemoPerson): string {
  if (person.role !== 'member') return person.role === 'support' ? 'support engineer' : person.role
  const organisation = ORGANISATIONS.find((o) => o.name === person.organisation)
  if (!organisation) return 'customer'
  return `customer at ${organisation.name} (${PLAN_NAMES[organisation.plan]}${organisation.isPriority ? ', priority' : ''})`
}

/**
 * Gives each demo account a fresh random password and signs it out everywhere, so no
 * password outlives one run of the demo. Returns what to print; accounts that do not exist
 * (the database held other data and was not seeded) are left out.
 */
export async function refreshDemoPasswords(db: Db): Promise<DemoSignIn[]> {
  const people = [...STAFF, ...CUSTOMERS].filter((person) => person.demo)
  const rows = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(
      inArray(
        users.email,
        people.map((person) => person.email),
      ),
    )
  const fresh = await Promise.all(
    rows.map(async (row) => {
      const password = generateDemoPassword()
      return { ...row, password, passwordHash: await hashPassword(password) }
    }),
  )
  await db.transaction(async (tx) => {
    for (const account of fresh) {
      await tx.update(users).set({ passwordHash: account.passwordHash }).where(eq(users.id, account.id))
      await tx.delete(sessions).where(eq(sessions.userId, account.id))
    }
  })
  return people
    .flatMap((person): DemoSignIn[] => {
      const account = fresh.find((row) => row.email === person.email)
      return account ? [{ key: person.demo!, label: demoLabel(person), name: person.name, email: person.email, password: account.password }] : []
    })
    .sort((a, b) => demoAccountKeys.indexOf(a.key) - demoAccountKeys.indexOf(b.key))
}

// --- Seeding ------------------------------------------------------------------

export interface SeedDemoOptions {
  now: Date
  /** A PRNG in [0, 1); defaults to mulberry32(DEMO_SEED). */
  random?: () => number
  /** How many threads to plant (300 by default; tests use fewer). */
  threads?: number
}

export interface SeedDemoSummary {
  categories: number
  organisations: number
  users: number
  threads: number
  replies: number
  accepted: number
  locked: number
  hiddenReplies: number
}

/** Plants the demo forum in one transaction. Expects a database without demo data. */
export async function seedDemo(db: Db, options: SeedDemoOptions): Promise<SeedDemoSummary> {
  const unusableHash = await hashUnusablePassword()
  return db.transaction((tx) => seedInto(tx as unknown as Db, options, unusableHash))
}

// Any number will do; it only has to differ from other advisory locks in the app (7301: migrations).
const SEED_LOCK = 7302

/**
 * Seeds only a forum with no threads and no people yet, so starting the demo again keeps its
 * data, and a real forum that DATABASE_URL happens to point at (an admin set up, no posts
 * yet) never gets demo accounts with printed passwords. An advisory lock makes two instances
 * starting at once seed it only once.
 */
export async function seedDemoIfEmpty(db: Db, options: SeedDemoOptions): Promise<SeedDemoSummary | null> {
  const unusableHash = await hashUnusablePassword()
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`)
    const [thread] = await tx.select({ id: threads.id }).from(threads).limit(1)
    const [person] = await tx.select({ id: users.id }).from(users).limit(1)
    if (thread || person) return null
    return seedInto(tx as unknown as Db, options, unusableHash)
  })
}

/**
 * One argon2 hash of a random password nobody ever sees, shared by every seeded account:
 * hashing 70 passwords would take seconds, and these accounts must not be signed into.
 * The demo accounts get their own passwords from refreshDemoPasswords.
 */
function hashUnusablePassword(): Promise<string> {
  return hashPassword(generateToken())
}

interface Person {
  user: User
  actor: Actor
  source: DemoPerson
  /** The organisation's plan; people without one are on the free plan. */
  plan: Plan
  firstName: string
  workspace: string
}

type ReplyKind =
  | 'answer'
  | 'fixed'
  | 'clarify'
  | 'details'
  | 'thanks'
  | 'asker-follow-up'
  | 'confirmation'
  | 'check-in'
  | 'me-too'
  | 'tip'
  | 'bump'
  | 'lock-note'
  | 'secret'
  | 'secret-note'
  | 'spam'

interface PlannedThread {
  at: Date
  author: Person
  scenario: Scenario
  slots: Slots
  title: string
  body: string
  tags: string[]
  categoryId: number
  replies: PlannedReply[]
  acceptedReply: PlannedReply | null
  locked: boolean
  id?: number
}

interface PlannedReply {
  thread: PlannedThread
  kind: ReplyKind
  at: Date
  author: Person
  body: string
  id?: number
}

interface Step {
  at: Date
  seq: number
  actor: Person
  /** For the error message when a step is refused (a template breaking a limit, say). */
  what: string
  run: (ctx: Ctx) => Promise<unknown>
}

const MAX_REPLIES = 8

async function seedInto(db: Db, options: SeedDemoOptions, unusableHash: string): Promise<SeedDemoSummary> {
  const rng = new Rng(options.random ?? mulberry32(DEMO_SEED))
  const now = options.now
  // Nothing happens in the last minute before `now`, so every timestamp is safely in the past.
  const latest = new Date(now.getTime() - MINUTE)
  const ago = (ms: number) => new Date(now.getTime() - ms)

  // Categories, organisations and people: direct inserts, dated well before the forum history.
  const categoryRows = await db
    .insert(categories)
    .values(
      CATEGORIES.map((category, position) => ({
        slug: category.slug,
        name: category.name,
        description: category.description,
        team: category.team,
        position: (position + 1) * 10,
        createdAt: ago(1_100 * DAY),
      })),
    )
    .returning({ id: categories.id, slug: categories.slug })
  const categoryIds = new Map(categoryRows.map((row) => [row.slug as CategorySlug, row.id]))

  const organisationRows = await db
    .insert(organisations)
    .values(
      ORGANISATIONS.map((organisation) => ({
        name: organisation.name,
        plan: organisation.plan,
        mrrCents: organisation.mrrCents,
        isPriority: organisation.isPriority,
        createdAt: ago(rng.int(700, 1_000) * DAY),
      })),
    )
    .returning({ id: organisations.id, name: organisations.name })
  const organisationIds = new Map(organisationRows.map((row) => [row.name, row.id]))

  const everyone = [...STAFF, ...CUSTOMERS, SPAMMER]
  const userRows = await db
    .insert(users)
    .values(
      everyone.map((person) => ({
        email: person.email,
        displayName: person.name,
        passwordHash: unusableHash,
        role: person.role,
        organisationId: person.organisation ? organisationIds.get(person.organisation)! : null,
        // The demo's history is months old: its people are established members (trust level 2).
        trustLevel: 2,
        createdAt: ago((person.role === 'member' ? rng.int(95, 690) : rng.int(400, 1_200)) * DAY),
      })),
    )
    .returning()
  const people: Person[] = everyone.map((source, index) => {
    const user = userRows[index]!
    const organisation = ORGANISATIONS.find((o) => o.name === source.organisation)
    const firstName = source.name.split(' ')[0]!
    return {
      user,
      source,
      actor: { id: user.id, role: user.role, displayName: user.displayName, email: user.email, organisationId: user.organisationId },
      plan: organisation?.plan ?? 'free',
      firstName,
      workspace: organisation ? organisation.domain.split('.')[0]! : `${firstName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-personal`,
    }
  })
  const spammer = people[people.length - 1]!
  const customers = people.filter((p) => p.source.role === 'member' && p !== spammer)
  const support = people.filter((p) => p.source.role === 'support')
  const engineers = people.filter((p) => p.source.role === 'engineer')
  const admin = people.find((p) => p.source.role === 'admin')!
  const voters = people.filter((p) => p !== spammer)

  // The support side (teams, duty, SLA, canned replies) exists before the history, so the
  // queue's rules see it when the outbox delivers each thread's changes.
  await seedQueueSettings(db, ago(1_000 * DAY))

  // --- Plan the history ------------------------------------------------------

  const steps: Step[] = []
  const schedule = (at: Date, actor: Person, what: string, thread: PlannedThread, run: (ctx: Ctx) => Promise<unknown>) =>
    steps.push({ at, seq: steps.length, actor, what: `${what} on "${thread.title}"`, run })

  const pickSupport = () => rng.weighted(support, (p) => (p.source.demo ? 2 : 1))
  const pickStaff = () => (rng.chance(0.7) ? pickSupport() : rng.chance(0.12) ? admin : rng.pick(engineers))
  const pickAnswerer = (answerBy: Answerer, exclude: Person): Person => {
    if (answerBy === 'support') return pickSupport()
    if (answerBy === 'engineer') return rng.chance(0.85) ? rng.weighted(engineers, (p) => (p.source.demo ? 2 : 1)) : pickSupport()
    if (answerBy === 'staff' || rng.chance(0.5)) return pickStaff()
    return pickCustomer([exclude], (p) => p.source.helpfulness ?? 0.25)
  }
  function pickCustomer(exclude: Person[], weight: (p: Person) => number = () => 1): Person {
    const pool = customers.filter((p) => !exclude.includes(p))
    return rng.weighted(pool, weight)
  }

  const threadCount = options.threads ?? DEMO_THREADS
  const times = Array.from({ length: threadCount }, () => threadTime(rng, now)).sort((a, b) => a.getTime() - b.getTime())

  // A shuffled deck of scenarios, dealt round after round, so each is used about equally.
  let deck: Scenario[] = []
  const usedTitles = new Set<string>()
  const planned: PlannedThread[] = []

  for (const at of times) {
    if (deck.length === 0) deck = rng.shuffle(SCENARIOS)
    const scenario = deck.pop()!
    const author = pickCustomer([], (p) => {
      if (scenario.plans && !scenario.plans.includes(p.plan)) return 0
      return p.source.demo ? 3 : 1
    })
    let slots = drawSlots(rng, author, at, now)
    let title = rng.pick(scenario.titles)(slots)
    // Two threads may share a title (real forums have them), but try for variety first.
    for (let attempt = 0; usedTitles.has(title) && attempt < 20; attempt++) {
      slots = drawSlots(rng, author, at, now)
      title = rng.pick(scenario.titles)(slots)
    }
    usedTitles.add(title)
    const extra = scenario.extraTag?.(slots)
    const thread: PlannedThread = {
      at,
      author,
      scenario,
      slots,
      title,
      body: [
        rng.chance(0.5) ? rng.pick(INTROS)(slots) : '',
        scenario.question(slots),
        rng.chance(0.55) ? rng.pick(OUTROS)(slots) : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: [...new Set([...scenario.tags, ...(extra ? [extra] : [])])].slice(0, MAX_TAGS),
      categoryId: categoryIds.get(scenario.category)!,
      replies: [],
      acceptedReply: null,
      locked: false,
    }
    planned.push(thread)
    schedule(at, author, 'askQuestion', thread, async (ctx) => {
      const created = await askQuestion({
        ctx,
        input: { title: thread.title, body: thread.body, categoryId: thread.categoryId, tags: thread.tags.join(', ') },
      })
      thread.id = created.id
    })
    planReplies(thread)
  }

  planLocks()
  planHiddenReplies()
  for (const thread of planned) planVotes(thread)

  function addReply(thread: PlannedThread, kind: ReplyKind, author: Person, body: string, at: Date): PlannedReply | null {
    if (at > latest || thread.replies.length >= MAX_REPLIES) return null
    const reply: PlannedReply = { thread, kind, at, author, body }
    thread.replies.push(reply)
    schedule(at, author, `postReply (${kind})`, thread, async (ctx) => {
      const posted = await postReply({ ctx, input: { threadId: thread.id!, body } })
      reply.id = posted.id
    })
    return reply
  }

  function planReplies(thread: PlannedThread): void {
    const { scenario, slots: s, author: asker } = thread
    let cursor = thread.at.getTime()
    let open = true
    // Replies follow one another; once one would land after `now`, the thread stops there.
    const next = (kind: ReplyKind, author: Person, body: string, min: number, max: number): PlannedReply | null => {
      if (!open) return null
      cursor += rng.logUniform(min, max)
      const reply = addReply(thread, kind, author, body, new Date(cursor))
      if (!reply) open = false
      return reply
    }

    if (rng.chance(0.17)) {
      // Unanswered: at most a bump from the asker; "me too"s and votes come later.
      if (rng.chance(0.3)) next('bump', asker, rng.pick(BUMPS)(s), 20 * HOUR, 4 * DAY)
      return
    }

    const firstDelay: [number, number] = [12 * MINUTE, 22 * HOUR]
    if (scenario.clarify && rng.chance(0.45)) {
      next('clarify', pickSupport(), scenario.clarify.ask(s), ...firstDelay)
      next('details', asker, scenario.clarify.details(s), 15 * MINUTE, 10 * HOUR)
    } else if (rng.chance(0.12)) {
      next('clarify', pickSupport(), rng.pick(GENERIC_CLARIFY)(s), ...firstDelay)
      next('details', asker, rng.pick(GENERIC_DETAILS)(s), 15 * MINUTE, 10 * HOUR)
    }
    const sufferers: Person[] = []
    if (scenario.bug && rng.chance(0.5)) {
      const count = rng.int(1, 2)
      for (let i = 0; i < count; i++) {
        const person = pickCustomer([asker, ...sufferers])
        sufferers.push(person)
        next('me-too', person, rng.pick(ME_TOO_REPLIES)(s), 20 * MINUTE, 8 * HOUR)
      }
    }
    const answerer = pickAnswerer(scenario.answerBy ?? 'anyone', asker)
    const answer = next('answer', answerer, scenario.answer(s), ...firstDelay)
    if (!answer) return

    const accepted = rng.chance(0.52)
    const fixedLater = scenario.fixed && rng.chance(0.55)
    if (!fixedLater) {
      if (accepted && rng.chance(0.7)) next('thanks', asker, rng.pick(THANKS)(s), 20 * MINUTE, 20 * HOUR)
      else if (!accepted && rng.chance(0.25)) next('asker-follow-up', asker, rng.pick(FOLLOW_UPS_FROM_ASKER)(s), 20 * MINUTE, 20 * HOUR)
    }
    for (const followUp of scenario.followUps ?? []) {
      if (!rng.chance(0.35)) continue
      const tipper = pickCustomer([asker], (p) => p.source.helpfulness ?? 0.4)
      next('tip', tipper, followUp(s), 30 * MINUTE, 2 * DAY)
    }
    if (scenario.bug && rng.chance(0.35)) {
      const person = pickCustomer([asker, ...sufferers])
      sufferers.push(person)
      next('me-too', person, rng.pick(ME_TOO_REPLIES)(s), 30 * MINUTE, 1 * DAY)
    }
    let solution = answer
    if (fixedLater) {
      const engineer = answer.author.source.role === 'engineer' ? answer.author : rng.pick(engineers)
      const fixed = next('fixed', engineer, scenario.fixed!(s), 2 * DAY, 12 * DAY)
      if (fixed) {
        solution = fixed
        if (accepted && rng.chance(0.6)) next('thanks', asker, rng.pick(THANKS)(s), 30 * MINUTE, 1 * DAY)
      }
    }
    if (rng.chance(0.3)) {
      const count = rng.int(1, 2)
      const confirmed: Person[] = [asker, ...sufferers]
      for (let i = 0; i < count; i++) {
        const person = pickCustomer(confirmed)
        confirmed.push(person)
        next('confirmation', person, rng.pick(CONFIRMATIONS)(s), 2 * HOUR, 10 * DAY)
      }
    }
    if (!accepted && solution.author.source.role !== 'member' && rng.chance(0.3))
      next('check-in', solution.author, rng.pick(CHECK_INS)(s), 1 * DAY, 5 * DAY)
    for (const person of sufferers) {
      const said = thread.replies.find((r) => r.author === person)
      if (said) schedule(new Date(said.at.getTime() + 30_000), person, 'setMeToo', thread, (ctx) => setMeToo({ ctx, input: { threadId: thread.id!, on: true } }))
    }

    if (!accepted) return
    thread.acceptedReply = solution
    // The asker marks it after saying thanks, or some time after reading it; now and then staff do.
    const thanks = thread.replies.find((r) => r.kind === 'thanks' && r.at > solution.at)
    const acceptAt = thanks
      ? thanks.at.getTime() + rng.int(1, 5) * MINUTE
      : solution.at.getTime() + rng.logUniform(10 * MINUTE, 2 * DAY)
    const by = rng.chance(0.85) ? asker : pickSupport()
    schedule(new Date(Math.min(acceptAt, latest.getTime())), by, 'setAcceptedReply', thread, (ctx) =>
      setAcceptedReply({ ctx, input: { replyId: solution.id!, on: true } }),
    )
  }

  /** Two older, answered threads that staff close with a note and lock. */
  function planLocks(): void {
    const candidates = planned.filter(
      (t) => t.at < ago(14 * DAY) && t.replies.some((r) => r.kind === 'answer') && t.replies.length < MAX_REPLIES,
    )
    const preferred = [...candidates.filter((t) => t.replies.some((r) => r.kind === 'fixed')), ...rng.shuffle(candidates)]
    let locks = 0
    for (const thread of preferred) {
      if (locks === 2) break
      if (thread.locked) continue
      const last = Math.max(...thread.replies.map((r) => r.at.getTime()))
      const staff = pickSupport()
      const hasFix = thread.replies.some((r) => r.kind === 'fixed')
      const note = addReply(thread, 'lock-note', staff, LOCK_NOTES[hasFix ? 0 : 1]!(thread.slots), new Date(last + rng.logUniform(2 * HOUR, 3 * DAY)))
      if (!note) continue
      thread.locked = true
      locks++
      schedule(new Date(Math.min(note.at.getTime() + MINUTE, latest.getTime())), staff, 'setThreadLocked', thread, (ctx) =>
        setThreadLocked({ ctx, input: { threadId: thread.id!, on: true } }),
      )
    }
  }

  /** A pasted API key and a piece of link spam, both hidden by support (and the key explained). */
  function planHiddenReplies(): void {
    // Older threads with room for two more replies, so the whole episode happens before `now`.
    const candidates = rng.shuffle(
      planned.filter(
        (t) => !t.locked && t.at < ago(7 * DAY) && t.replies.some((r) => r.kind === 'answer') && t.replies.length <= MAX_REPLIES - 2,
      ),
    )
    const lastAt = (t: PlannedThread) => Math.max(t.at.getTime(), ...t.replies.map((r) => r.at.getTime()))
    const fits = (t: PlannedThread, ms: number) => lastAt(t) + ms < latest.getTime()

    const leakThread = candidates.find(
      (t) => (t.scenario.category === 'integrations' || t.scenario.category === 'data') && fits(t, 12 * HOUR),
    )
    if (leakThread) {
      const at = new Date(lastAt(leakThread) + rng.logUniform(10 * MINUTE, 6 * HOUR))
      const leak = addReply(leakThread, 'secret', leakThread.author, LEAKED_SECRET_REPLY(leakThread.slots), at)!
      const staff = pickSupport()
      const hideAt = new Date(leak.at.getTime() + rng.logUniform(5 * MINUTE, 2 * HOUR))
      schedule(hideAt, staff, 'setReplyHidden', leakThread, (ctx) => setReplyHidden({ ctx, input: { replyId: leak.id!, on: true } }))
      addReply(leakThread, 'secret-note', staff, HIDDEN_SECRET_NOTE(leakThread.slots), new Date(hideAt.getTime() + MINUTE))
    }
    const spamThread = candidates.find((t) => t !== leakThread && fits(t, 2 * DAY + 3 * HOUR))
    if (spamThread) {
      const at = new Date(lastAt(spamThread) + rng.logUniform(1 * HOUR, 2 * DAY))
      const spam = addReply(spamThread, 'spam', spammer, SPAM_REPLY(spamThread.slots), at)!
      const hideAt = new Date(spam.at.getTime() + rng.logUniform(5 * MINUTE, 3 * HOUR))
      schedule(hideAt, pickSupport(), 'setReplyHidden', spamThread, (ctx) => setReplyHidden({ ctx, input: { replyId: spam.id!, on: true } }))
    }
  }

  /** Upvotes on questions and useful replies, and "me too"s on bugs and unanswered questions. */
  function planVotes(thread: PlannedThread): void {
    const between = (from: Date) => new Date(from.getTime() + rng.float() * Math.max(0, latest.getTime() - from.getTime()))
    const bug = !!thread.scenario.bug
    let upvotes = rng.int(0, 3) + (bug ? rng.int(0, 3) : 0)
    if (rng.chance(0.06)) upvotes += rng.int(4, 10)
    for (const voter of rng.sample(
      voters.filter((p) => p !== thread.author),
      upvotes,
    ))
      schedule(between(thread.at), voter, 'setThreadVote', thread, (ctx) => setThreadVote({ ctx, input: { threadId: thread.id!, on: true } }))

    for (const reply of thread.replies) {
      const accepted = reply === thread.acceptedReply
      const count =
        reply.kind === 'answer' || reply.kind === 'fixed'
          ? rng.int(0, 3) + (accepted ? rng.int(1, 3) : 0)
          : reply.kind === 'tip' && rng.chance(0.4)
            ? rng.int(1, 2)
            : 0
      for (const voter of rng.sample(
        voters.filter((p) => p !== reply.author),
        count,
      ))
        schedule(between(reply.at), voter, 'setReplyVote', thread, (ctx) => setReplyVote({ ctx, input: { replyId: reply.id!, on: true } }))
    }

    const answered = thread.replies.some((r) => r.author !== thread.author)
    const meToos = bug ? rng.int(0, 6) : !answered ? (rng.chance(0.5) ? rng.int(1, 2) : 0) : rng.chance(0.08) ? 1 : 0
    const already = new Set(thread.replies.filter((r) => r.kind === 'me-too').map((r) => r.author))
    for (const person of rng.sample(
      customers.filter((p) => p !== thread.author && !already.has(p)),
      meToos,
    ))
      schedule(between(thread.at), person, 'setMeToo', thread, (ctx) => setMeToo({ ctx, input: { threadId: thread.id!, on: true } }))
  }

  // --- Replay it, in the order it happened ----------------------------------------

  steps.sort((a, b) => a.at.getTime() - b.at.getTime() || a.seq - b.seq)
  const clock = manualClock(steps[0]?.at ?? now)
  for (const step of steps) {
    clock.set(step.at)
    try {
      await step.run({ actor: step.actor.actor, db, now: () => clock.now(), requestId: 'demo-seed' })
    } catch (error) {
      const detail = error instanceof Error ? `${error.message} ${JSON.stringify((error as { fields?: unknown }).fields ?? '')}` : String(error)
      throw new Error(`Demo seed failed at ${step.what} (as ${step.actor.user.email}): ${detail}`, { cause: error })
    }
  }

  await seedEngineering(
    db,
    now,
    planned
      .filter((thread) => thread.scenario.bug && !thread.locked && !thread.acceptedReply && thread.id !== undefined)
      .map((thread) => ({
        id: thread.id!,
        at: thread.at,
        title: thread.title,
        body: thread.body,
        categoryId: thread.categoryId,
        author: thread.author.actor,
        workspace: thread.slots.workspace,
        version: thread.slots.version,
        nextVersion: thread.slots.nextVersion,
        code: thread.slots.code,
        requestId: thread.slots.requestId,
        os: thread.slots.os,
        browser: thread.slots.browser,
      })),
  )

  const replies = planned.reduce((sum, t) => sum + t.replies.length, 0)
  return {
    categories: categoryRows.length,
    organisations: organisationRows.length,
    users: userRows.length,
    threads: planned.length,
    replies,
    accepted: planned.filter((t) => t.acceptedReply).length,
    locked: planned.filter((t) => t.locked).length,
    hiddenReplies: planned.reduce((sum, t) => sum + t.replies.filter((r) => r.kind === 'secret' || r.kind === 'spam').length, 0),
  }
}

// --- Time and slots -------------------------------------------------------------

// Relative weight of each UTC hour for a new question: a working day across Europe and the Americas.
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1]
const HOURS = HOUR_WEIGHTS.map((_, hour) => hour)

/** When a question was asked: within the last 90 days, busier lately, on weekdays and in working hours. */
function threadTime(rng: Rng, now: Date): Date {
  for (;;) {
    const daysAgo = Math.floor(DEMO_DAYS * rng.float() ** 1.2)
    const day = new Date(now.getTime() - daysAgo * DAY)
    const weekday = day.getUTCDay()
    if ((weekday === 0 || weekday === 6) && rng.chance(0.6)) continue
    const hour = rng.weighted(HOURS, (h) => HOUR_WEIGHTS[h]!)
    const at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, rng.int(0, 59), rng.int(0, 59))
    if (at > now.getTime() - 20 * MINUTE) continue
    if (at < now.getTime() - DEMO_DAYS * DAY) continue
    return new Date(at)
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const ROWS = [52_310, 61_000, 75_344, 120_905, 230_000, 310_442, 1_204_118]
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

function drawSlots(rng: Rng, asker: Person, at: Date, now: Date): Slots {
  // Older questions mention older releases: the version tracks the date, give or take one.
  const versions = SLOT_VALUES.versions
  const age = (now.getTime() - at.getTime()) / (DEMO_DAYS * DAY)
  const centre = Math.round((1 - age) * (versions.length - 2))
  const index = Math.max(0, Math.min(versions.length - 2, centre + rng.int(-1, 1)))
  const seats = rng.int(8, 40)
  const recent = new Date(at.getTime() - rng.int(1, 6) * DAY)
  const lastMonth = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1))
  return {
    asker: asker.firstName,
    workspace: asker.workspace,
    version: versions[index]!,
    nextVersion: versions[index + 1]!,
    sdkVersion: rng.pick(SLOT_VALUES.sdkVersions),
    cliVersion: rng.pick(SLOT_VALUES.cliVersions),
    integration: rng.pick(SLOT_VALUES.integrations),
    idp: rng.pick(SLOT_VALUES.idps),
    warehouse: rng.pick(SLOT_VALUES.warehouses),
    lang: rng.pick(SLOT_VALUES.langs),
    os: rng.pick(SLOT_VALUES.oses),
    browser: rng.pick(SLOT_VALUES.browsers),
    region: rng.pick(SLOT_VALUES.regions),
    code: `E${rng.int(1000, 4999)}`,
    status: rng.pick(SLOT_VALUES.statuses),
    requestId: `req_${rng.token(16)}`,
    ticket: `RB-${rng.int(3000, 6999)}`,
    rows: thousands(rng.pick(ROWS)),
    mb: rng.int(18, 240),
    seats,
    activeSeats: seats - rng.int(2, 7),
    month: MONTHS[lastMonth.getUTCMonth()]!,
    day: `${recent.getUTCDate()} ${MONTHS[recent.getUTCMonth()]!.slice(0, 3)}`,
    minutes: rng.int(20, 90),
    widgets: rng.int(12, 28),
  }
}
