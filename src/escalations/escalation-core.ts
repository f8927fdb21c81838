import { and, eq, sql } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { isAdmin, isStaff } from '../policy'
import type { Actor } from '../ctx'
import type { Db } from '../db/client'
import { queryRows } from '../db/client'
import { escalations, rotations, teams, users, type Escalation, type LoopReply, type QueueItem, type Rotation, type Severity } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { ROTATION_CONFIG, whoIsOnRotation } from '../rotation'

// What the escalation verbs share. Everything runs inside the caller's transaction.

export async function rotationOfTeam(db: Db, teamSlug: string): Promise<Rotation | null> {
  const [rotation] = await db.select().from(rotations).where(eq(rotations.teamSlug, teamSlug))
  return rotation ?? null
}

export async function teamLeadOf(db: Db, teamSlug: string): Promise<number | null> {
  const [team] = await db.select({ leadId: teams.leadId }).from(teams).where(eq(teams.slug, teamSlug))
  return team?.leadId ?? null
}

export interface EscalationTarget {
  engineerId: number
  engineerName: string
  /** Why this person: on rotation, covering (override), or the lead because nobody is on. */
  via: 'rotation' | 'override' | 'lead'
  /** When their shift or cover ends (null for the lead). */
  until: Date | null
  rotation: Rotation | null
}

/** Who an escalation for this team would reach at `now`: the engineer on rotation, else the team's lead. */
export async function escalationTarget(db: Db, teamSlug: string, now: Date): Promise<EscalationTarget | null> {
  const [rotation, onRotation] = await Promise.all([rotationOfTeam(db, teamSlug), whoIsOnRotation(db, teamSlug, now)])
  if (onRotation?.userId)
    return { engineerId: onRotation.userId, engineerName: onRotation.displayName ?? 'someone', via: onRotation.override ? 'override' : 'rotation', until: onRotation.until, rotation }
  const leadId = await teamLeadOf(db, teamSlug)
  if (!leadId) return null
  const [lead] = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, leadId))
  return { engineerId: leadId, engineerName: lead?.displayName ?? 'the team lead', via: 'lead', until: null, rotation }
}

/** Hours to answer, by the item's severity: the rotation's targets, else the defaults. */
export function responseHoursFor(rotation: Rotation | null, severity: Severity): number {
  return (rotation?.responseTargets ?? ROTATION_CONFIG.defaultResponseHours)[severity]
}

/** Outside Mon–Fri working hours in the rotation's timezone: such escalations weigh more on the fairness view. */
export function isOutOfHours(at: Date, timezone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: timezone })
  const minutes = local.hour * 60 + local.minute
  return local.weekday > 5 || minutes < ROTATION_CONFIG.workingHours.start || minutes >= ROTATION_CONFIG.workingHours.end
}

export async function lockEscalation(db: Db, escalationId: number): Promise<Escalation> {
  const [escalation] = await db.select().from(escalations).where(eq(escalations.id, escalationId)).for('update')
  if (!escalation) throw new NotFoundError('That escalation')
  return escalation
}

/** The escalation still waiting for an answer on this item, if any. */
export async function openEscalationOf(db: Db, itemId: number): Promise<Escalation | null> {
  const [open] = await db
    .select()
    .from(escalations)
    .where(and(eq(escalations.itemId, itemId), sql`${escalations.answeredAt} is null`))
  return open ?? null
}

/**
 * Who may answer: the engineer it went to, whoever was called in when its target passed,
 * whoever is on the team's rotation now (shifts end; escalations stay), the team's lead, admins.
 */
export async function assertMayAnswer(db: Db, actor: Actor, escalation: Escalation, teamSlug: string, now: Date): Promise<void> {
  if (!isStaff(actor)) throw new ForbiddenError('Only engineers answer escalations.')
  if (isAdmin(actor) || actor.id === escalation.engineerId || actor.id === escalation.backupId) return
  const [onRotation, leadId] = await Promise.all([whoIsOnRotation(db, teamSlug, now), teamLeadOf(db, teamSlug)])
  if (actor.id === onRotation?.userId || actor.id === leadId) return
  const [engineer] = escalation.engineerId ? await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, escalation.engineerId)) : []
  throw new ForbiddenError(
    `This escalation is not yours: it went to ${engineer?.displayName ?? 'the team lead'}. Only they, whoever is on the ${teamSlug} rotation now, the team lead or an admin can answer it.`,
  )
}

export interface LoopThread {
  threadId: number
  authorId: number
  title: string
}

/**
 * Every public thread that should hear the answer: the item's own, the threads marked as its
 * duplicates, and the threads of items an engineer closed into it (with their duplicates).
 */
export async function loopThreadsOf(db: Db, item: Pick<QueueItem, 'id' | 'threadId'>): Promise<LoopThread[]> {
  return queryRows<LoopThread>(
    db,
    sql`
      with roots as (
        select ${item.threadId ?? null}::int as thread_id
        union
        select m.thread_id from queue_items m where m.merged_into_item_id = ${item.id} and m.thread_id is not null
      )
      select t.id as "threadId", t.author_id as "authorId", t.title
      from threads t
      where t.hidden_at is null
        and (t.id in (select r.thread_id from roots r) or t.duplicate_of_id in (select r.thread_id from roots r))
      order by t.id`,
  )
}

/** The draft the engineer's answer becomes on each thread that should hear it (Markdown; no tracker link, see below). */
export function loopReplyBody(kind: LoopKind, answer: { answer: string; release: string }): string {
  const text = answer.answer.trim()
  switch (kind) {
    case 'fixed':
      return [
        `This is fixed${answer.release ? ` in ${answer.release}` : ''}.`,
        text,
        'If this solved it for you, please choose “This solved it” below; if it is still broken, choose “Still broken” and we will pick it up again.',
      ]
        .filter(Boolean)
        .join('\n\n')
    case 'workaround':
      return ['While we work on a fix, here is a workaround:', text].filter(Boolean).join('\n\n')
    case 'wont_fix':
      return ['Thank you for raising this. Our engineers looked into it carefully.', text].filter(Boolean).join('\n\n')
  }
}

/**
 * The engineer's tracker link is internal (an issue tracker customers may not reach, a commit);
 * support publishes it with the replies when they choose to, in these words.
 */
export function trackerLinkLine(kind: LoopKind, trackerUrl: string): string {
  switch (kind) {
    case 'fixed':
      return `Details: ${trackerUrl}`
    case 'workaround':
      return `We are tracking the fix here: ${trackerUrl}`
    case 'wont_fix':
      return `We have noted it for later: ${trackerUrl}`
  }
}

export type LoopKind = LoopReply['kind']
