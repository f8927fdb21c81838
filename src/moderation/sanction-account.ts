import { and, eq, gt } from 'drizzle-orm'
import { recordStaffAction } from '../audit'
import { inTransaction, type VerbArgs } from '../ctx'
import { accountSanctions, sessions, users } from '../db/schema'
import { ForbiddenError, NotFoundError } from '../errors'
import { isStaff, requireStaff } from '../policy'
import { parseInput } from '../validation'
import { emitWebhookEvent } from '../webhooks'
import { enqueue, MODERATION_SANCTION_ENDED, type SanctionEndedPayload } from '../outbox'
import { SanctionInput } from '../safety'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * (Moderation's, not safety's: it emits webhooks, which safety, below auth, cannot import.)
 * Suspends (cannot sign in; every session ends now) or silences (can read, cannot post, reply,
 * vote or flag) a member, with a reason for staff, a message the person sees, and an end.
 */
export async function sanctionAccount({ ctx, input }: VerbArgs<SanctionInput>): Promise<{ id: number; endsAt: Date | null }> {
  const actor = requireStaff(ctx, 'suspend or silence accounts')
  const data = parseInput(SanctionInput, input)
  return inTransaction(ctx, async (tx) => {
    const [target] = await tx.db
      .select({ id: users.id, role: users.role, displayName: users.displayName, deletedAt: users.deletedAt })
      .from(users)
      .where(eq(users.id, data.userId))
      .for('update')
    if (!target || target.deletedAt) throw new NotFoundError('That person')
    if (isStaff(target)) throw new ForbiddenError('Staff accounts cannot be suspended or silenced; change their role first.')
    if (target.id === actor.id) throw new ForbiddenError('You cannot suspend or silence yourself.')
    const now = ctx.now()
    const endsAt = data.duration === null ? null : new Date(now.getTime() + data.duration * DAY_MS)
    const [row] = await tx.db
      .insert(accountSanctions)
      .values({ userId: target.id, kind: data.kind, reason: data.reason, message: data.message, startsAt: now, endsAt, createdById: actor.id })
      .returning({ id: accountSanctions.id })
    // Every session ends now. The rows stay, expired, so the person's next request (whichever
    // browser) is told why they were signed out; validateSessionToken deletes each then.
    if (data.kind === 'suspend') await tx.db.update(sessions).set({ expiresAt: now }).where(and(eq(sessions.userId, target.id), gt(sessions.expiresAt, now)))
    await recordStaffAction({
      ctx: tx,
      input: {
        action: data.kind === 'suspend' ? 'user.suspended' : 'user.silenced',
        subjectType: 'user',
        subjectId: target.id,
        subjectLabel: target.displayName,
        details: { reason: data.reason, message: data.message, endsAt: endsAt?.toISOString() ?? null },
      },
    })
    // Public: who, what and until when. Staff's reason and the message to the person stay internal.
    await emitWebhookEvent(
      tx.db,
      data.kind === 'suspend' ? 'user.suspended' : 'user.silenced',
      {
        extra: { user: { id: target.id, name: target.displayName }, sanction: { id: row!.id, startsAt: now.toISOString(), endsAt: endsAt?.toISOString() ?? null } },
        internal: { reason: data.reason, message: data.message, by: { id: actor.id, name: actor.displayName } },
      },
      now,
    )
    // Its end is announced when it comes (user.unsuspended / user.unsilenced), by a timer due then.
    if (endsAt)
      await enqueue(tx.db, { topic: MODERATION_SANCTION_ENDED, key: `sanction-ended:${row!.id}`, payload: { sanctionId: row!.id } satisfies SanctionEndedPayload, dueAt: endsAt })
    return { id: row!.id, endsAt }
  })
}
