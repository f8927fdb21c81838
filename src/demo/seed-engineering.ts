import { desc, eq, inArray } from 'drizzle-orm'
import { manualClock } from '../clock'
import type { Actor, Ctx } from '../ctx'
import type { Db } from '../db/client'
import { categories, handoffs, loopReplies, rotationMembers, rotationOverrides, rotations, users, type User } from '../db/schema'
import { convertThread } from '../queue'
import { answerEscalation, confirmFix, draftHandoffs, escalateItem, publishHandoff, sendLoopReplies } from '../escalations'
import { replanRotation, whoIsOnRotation } from '../rotation'

// The engineering side of the demo: rotations that have run for a quarter, escalations from
// recent bug threads in every state (answered and closed with the customers, waiting, past
// their target), and a published handoff, so the escalation pages have something to show.

const HOUR = 3_600_000
const DAY = 24 * HOUR

const ROTATIONS = [
  { team: 'platform', name: 'Platform on-call', members: ['Aiko Tanaka', 'Felix Brandt', 'Ravi Kulkarni'], shiftDays: 7, handoff: 9 * 60, timezone: 'Europe/Amsterdam', workingDaysOnly: false },
  { team: 'data', name: 'Data rotation', members: ['Ravi Kulkarni', 'Aiko Tanaka'], shiftDays: 7, handoff: 10 * 60, timezone: 'Asia/Kolkata', workingDaysOnly: false },
  { team: 'identity', name: 'Identity rotation', members: ['Sofia Marchetti', 'Felix Brandt'], shiftDays: 2, handoff: 9 * 60, timezone: 'Europe/Rome', workingDaysOnly: true },
]

/** The demo engineer's account: on the platform rotation now, so "My escalations" is not empty. */
const DEMO_ENGINEER = 'Aiko Tanaka'

export interface DemoBugThread {
  id: number
  at: Date
  title: string
  body: string
  categoryId: number
  author: Actor
  workspace: string
  version: string
  nextVersion: string
  code: string
  requestId: string
  os: string
  browser: string
}

type Outcome = 'fixed' | 'workaround' | 'wont_fix' | 'needs_info'

const ANSWERS: Record<Outcome, (thread: DemoBugThread) => Record<string, string>> = {
  fixed: (thread) => ({
    outcome: 'fixed',
    answer: `The ${thread.code} path dropped the retry state when the connection was reused. Fixed and covered by a regression test.`,
    release: thread.nextVersion,
    trackerUrl: `https://github.com/example/relay/pull/${4000 + thread.id}`,
  }),
  workaround: (thread) => ({
    outcome: 'workaround',
    answer: `Until the fix ships, turn off “Reuse connections” under Settings → Advanced for workspace ${thread.workspace}; the error stops at once.`,
    trackerUrl: `https://github.com/example/relay/issues/${3000 + thread.id}`,
  }),
  wont_fix: () => ({
    outcome: 'wont_fix',
    answer:
      'We looked at this closely. The behaviour comes from how the old v1 API batches requests, and changing it would break other customers who rely on it. We will not change v1; the v2 API does what you expect, and moving over takes about an hour.',
  }),
  needs_info: (thread) => ({
    outcome: 'needs_info',
    answer: `Can the customer send a HAR file of one failing attempt, with the request id (${thread.requestId} style)? The server logs show nothing for that time.`,
  }),
}

export async function seedEngineering(db: Db, now: Date, bugThreads: DemoBugThread[]): Promise<void> {
  const names = [...new Set(ROTATIONS.flatMap((rotation) => rotation.members))]
  const staff = await db.select().from(users).where(inArray(users.displayName, [...names, 'Tomás Herrera', 'Grace Mensah', 'Owen Pritchard']))
  const person = (name: string): User => {
    const found = staff.find((row) => row.displayName === name)
    if (!found) throw new Error(`Demo staff member ${name} is missing`)
    return found
  }
  const actorOf = (user: User): Actor => ({ id: user.id, role: user.role, displayName: user.displayName, email: user.email, organisationId: user.organisationId })
  const clock = manualClock(now)
  const ctxAt = (at: Date, actor: Actor): Ctx => {
    clock.set(at)
    return { actor, db, now: () => clock.now(), requestId: 'demo-seed' }
  }

  // Rotations that started a quarter ago (their past shifts are the fairness view's history).
  const started = new Date(now.getTime() - 91 * DAY)
  for (const spec of ROTATIONS) {
    const [rotation] = await db
      .insert(rotations)
      .values({
        teamSlug: spec.team,
        name: spec.name,
        shiftDays: spec.shiftDays,
        handoffMinutes: spec.handoff,
        timezone: spec.timezone,
        workingDaysOnly: spec.workingDaysOnly,
        anchorAt: started,
        responseTargets: { low: 48, normal: 24, high: 8, critical: 2 },
        createdAt: started,
        updatedAt: started,
      })
      .returning()
    await db.insert(rotationMembers).values(spec.members.map((name, position) => ({ rotationId: rotation!.id, userId: person(name).id, position })))
    await replanRotation(db, rotation!.id, started)
    await replanRotation(db, rotation!.id, now)
  }
  const [platform] = await db.select().from(rotations).where(eq(rotations.teamSlug, 'platform'))
  const onNow = await whoIsOnRotation(db, 'platform', now)
  if (onNow?.userId !== person(DEMO_ENGINEER).id)
    await db.insert(rotationOverrides).values({
      rotationId: platform!.id,
      userId: person(DEMO_ENGINEER).id,
      startsAt: new Date(now.getTime() - 1 * DAY),
      endsAt: new Date(now.getTime() + 2 * DAY),
      reason: 'Covering while the planned engineer is at a conference',
      createdById: person(DEMO_ENGINEER).id,
      createdAt: new Date(now.getTime() - 2 * DAY),
    })

  // Escalations from recent bug threads of teams with a rotation.
  const teamOf = new Map((await db.select({ id: categories.id, team: categories.team }).from(categories)).map((row) => [row.id, row.team]))
  // Newest first: the latest escalations are still open (one past its target); older ones were answered.
  const candidates = bugThreads
    .filter((thread) => ROTATIONS.some((rotation) => rotation.team === teamOf.get(thread.categoryId)) && thread.at > new Date(now.getTime() - 60 * DAY) && thread.at < new Date(now.getTime() - 2 * DAY))
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, 9)
  const supportActor = actorOf(person('Tomás Herrera'))
  const plans: (Outcome | 'open' | 'late')[] = ['open', 'late', 'fixed', 'wont_fix', 'workaround', 'needs_info', 'fixed', 'open', 'fixed']
  for (const [index, thread] of candidates.entries()) {
    const plan = plans[index]!
    const item = await convertThread({ ctx: ctxAt(new Date(thread.at.getTime() + 40 * 60_000), supportActor), input: { threadId: thread.id, kind: 'bug', severity: 'high', note: '' } })
    const escalatedAt = plan === 'late' ? new Date(now.getTime() - 11 * HOUR) : plan === 'open' ? new Date(now.getTime() - (index + 1) * HOUR) : new Date(thread.at.getTime() + 3 * HOUR)
    const escalation = await escalateItem({
      ctx: ctxAt(escalatedAt, supportActor),
      input: {
        itemId: item.id,
        customerDid: `${thread.author.displayName} followed the steps in “${thread.title}” on ${thread.os} with ${thread.browser}, workspace ${thread.workspace}, version ${thread.version}.`,
        whatHappened: thread.body.slice(0, 600),
        expected: `It should work as it did before ${thread.version}.`,
        logs: `request id ${thread.requestId}; error ${thread.code}`,
        account: thread.workspace,
        frequency: 'Every time since the upgrade',
        customersAffected: String(item.affectedCustomers),
      },
    })
    if (plan === 'open' || plan === 'late') continue
    const engineer = staff.find((row) => row.id === escalation.engineerId) ?? person(DEMO_ENGINEER)
    await answerEscalation({ ctx: ctxAt(new Date(escalatedAt.getTime() + 5 * HOUR), actorOf(engineer)), input: { escalationId: escalation.id, ...ANSWERS[plan](thread) } })
    if (plan === 'needs_info') continue
    await sendLoopReplies({ ctx: ctxAt(new Date(escalatedAt.getTime() + 7 * HOUR), supportActor), input: { itemId: item.id } })
    if (plan === 'fixed' && index % 2 === 0) {
      const [loop] = await db.select({ id: loopReplies.id }).from(loopReplies).where(eq(loopReplies.itemId, item.id)).limit(1)
      await confirmFix({ ctx: ctxAt(new Date(escalatedAt.getTime() + 30 * HOUR), thread.author), input: { loopReplyId: loop!.id, solved: '1' } })
    }
  }

  // The shift that ended last has its handoff published; earlier drafts wait for their engineers.
  await draftHandoffs(db, now)
  const [last] = await db.select().from(handoffs).where(eq(handoffs.rotationId, platform!.id)).orderBy(desc(handoffs.periodEnd)).limit(1)
  const author = last ? staff.find((row) => row.id === last.engineerId) : undefined
  if (last && author)
    await publishHandoff({
      ctx: ctxAt(new Date(last.periodEnd.getTime() + 20 * 60_000), actorOf(author)),
      input: {
        handoffId: last.id,
        priorities:
          'Webhook retries and connection reuse keep coming back: three escalations this week trace to the same pool. Worth a proper fix rather than another workaround. Also: the CSV export timeouts are creeping up for large workspaces.',
        publish: '1',
      },
    })
}
